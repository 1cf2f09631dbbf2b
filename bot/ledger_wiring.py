"""The ledger inside the bot: keys at start-up, the service for handlers, the outbox sender and timed jobs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from bot.crypto import configure, configure_lazily, load_keyring

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher
    from aiogram.fsm.storage.base import BaseStorage
    from sqlalchemy.ext.asyncio import AsyncEngine

    from bot.ledger.core import Buttons
    from bot.ledger.service import LedgerService
    from bot.outbox import OutboxSender
    from bot.settings import Settings

log = logging.getLogger(__name__)


def configure_keys(settings: Settings, lazily: bool = False) -> None:
    """ENCRYPTION_KEYS / PSEUDONYM_KEY (or the dev key file in DATA_DIR) for every encrypted column."""
    keys = settings.encryption_keys.get_secret_value() if settings.encryption_keys else None
    pseudonym = settings.pseudonym_key.get_secret_value() if settings.pseudonym_key else None
    if lazily:
        configure_lazily(lambda: load_keyring(keys, pseudonym, settings.data_dir))
    else:
        configure(load_keyring(keys, pseudonym, settings.data_dir))


def make_ledger(
    settings: Settings, engine: AsyncEngine, storage: BaseStorage | None = None, buttons: Buttons | None = None
) -> LedgerService:
    """The LedgerService handlers receive as `ledger`; /forget also clears Redis drafts when they live there."""
    from bot.ledger.service import LedgerService
    from bot.storage import TtlRedisStorage

    erasers = [redis_eraser(storage)] if isinstance(storage, TtlRedisStorage) else []
    return LedgerService(engine, settings, buttons=buttons, erasers=erasers)


def redis_eraser(storage: Any) -> Any:
    """Delete every FSM key of a user in Redis (any chat, any destiny): `<prefix>:…:<user_id>:<destiny>:<part>`."""

    async def erase(user_id: int) -> int:
        prefix = storage.key_builder.prefix
        keys = [k async for k in storage.redis.scan_iter(match=f"{prefix}:*", count=500)]
        mine = [k for k in keys if (k.decode() if isinstance(k, bytes) else k).split(":")[-3] == str(user_id)]
        if mine:
            await storage.redis.delete(*mine)
        return len(mine) // 2  # a draft is two keys (state and data)

    return erase


class Background:
    """The outbox sender and the reminder/purge timer, started and stopped with the Dispatcher."""

    def __init__(self, ledger: LedgerService) -> None:
        self.ledger = ledger
        self.sender: OutboxSender | None = None
        self.tasks: list[asyncio.Task[None]] = []
        self.rounds = 0
        self.round_done = asyncio.Event()  # set after each round of the jobs (tests wait on it, never on time)

    async def on_startup(self, bot: Bot) -> None:
        from bot.outbox import OutboxSender

        if self.ledger.settings.operators_chat_id is None:
            log.warning("OPERATORS_CHAT_ID is not set: requests from areas without staff will wait for it")
        self.sender = OutboxSender(self.ledger, bot)
        self.ledger.outbox_listeners.append(self.sender.wake)
        self.tasks = [asyncio.create_task(self.sender.run()), asyncio.create_task(self._jobs())]

    async def on_shutdown(self) -> None:
        if self.sender is not None:
            self.ledger.outbox_listeners.remove(self.sender.wake)
            await self.sender.stop()
        for task in self.tasks[1:]:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks = []

    async def _jobs(self) -> None:
        """Reminders and the retention purge every JOBS_INTERVAL_MINUTES (safe in several processes)."""
        while True:
            for job in (self.ledger.run_reminders, self.ledger.purge):
                try:
                    await job()
                except Exception:
                    log.exception("ledger job %s failed; it runs again at the next interval", job.__name__)
            self.rounds += 1
            self.round_done.set()
            await asyncio.sleep(self.ledger.settings.jobs_interval_minutes * 60)


def install(dp: Dispatcher, ledger: LedgerService) -> Background:
    """Start the sender and the jobs with the bot (polling, webhook and console all emit startup/shutdown)."""
    background = Background(ledger)
    dp["ledger_background"] = background
    dp.startup.register(background.on_startup)
    dp.shutdown.register(background.on_shutdown)
    return background
