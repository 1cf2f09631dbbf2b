"""The Dispatcher factory: FSM storage, app-lifetime services, the feature routers and the update middlewares."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import BotCommand

import handlers
from bot.middlewares import Dedup, InFlight, MemorySeenUpdates, PerUpdate, Resources, SeenUpdates, no_resources
from bot.services import default_services
from bot.settings import Settings
from bot.throttle import Bucket, RedisTokenBucket, Throttle, TokenBucket

log = logging.getLogger(__name__)


def make_storage(settings: Settings) -> BaseStorage:
    """Without a database (console, tests): Redis as bot.storage sets it up when REDIS_URL is set, else memory."""
    if settings.redis_url:
        from bot.storage import TtlRedisStorage, dump_fsm_data, redis_key_builder

        ttl = timedelta(days=settings.fsm_ttl_days)
        builder = redis_key_builder(settings)
        return TtlRedisStorage.from_url(
            settings.redis_url, key_builder=builder, state_ttl=ttl, data_ttl=ttl, json_dumps=dump_fsm_data
        )
    return MemoryStorage()


def create_dispatcher(
    settings: Settings,
    *,
    storage: BaseStorage | None = None,
    seen: SeenUpdates | None = None,
    resources: Resources = no_resources,
    throttle: bool = True,
    **deps: Any,
) -> Dispatcher:
    """One Dispatcher with everything wired; `deps` (catalog, matcher, renderer, ui, feedback, …) override defaults.

    Throttling keeps its buckets in Redis when REDIS_URL is set (shared by every instance), else in memory.
    """
    services = {**default_services(settings, skip=deps), **deps}
    if "ledger" in services:  # help requests: the handlers' port onto the ledger, and its notification buttons
        services.setdefault("desk", help_desk(services["ledger"], services["ui"]))
    inflight = InFlight()
    dp = Dispatcher(storage=storage or make_storage(settings), settings=settings, inflight=inflight, **services)
    dp.include_routers(*handlers.routers(settings))
    # After aiogram's own (errors, user context, FSM), in this order: count, drop repeats, slow floods, resources.
    dp.update.outer_middleware(inflight)
    dp.update.outer_middleware(Dedup(seen or MemorySeenUpdates(settings.seen_updates_hours)))
    if throttle and settings.throttle_rate > 0:
        matcher = services["matcher"]
        bucket = make_bucket(settings)
        dp.update.outer_middleware(Throttle(bucket, lambda text: matcher.ask(text).kind == "urgent"))
        if isinstance(bucket, RedisTokenBucket):
            dp.shutdown.register(bucket.close)
    dp.update.outer_middleware(PerUpdate(resources))
    dp.startup.register(set_commands)
    if "ledger" in services:  # the outbox sender and the reminder/purge timer run with the bot
        from bot.ledger_wiring import install

        install(dp, services["ledger"])

    async def drain() -> None:
        await inflight.drain(settings.shutdown_grace)

    # Shutdown handlers run in order and aiogram's first closes the FSM storage: wait for handlers before that.
    dp.shutdown.handlers.insert(0, HandlerObject(callback=drain))
    return dp


def help_desk(ledger: Any, ui: Any) -> Any:
    """The `desk` handlers call; notifications carry the staff's buttons (受理 …) and the family's (同意 / 不同意)."""
    from bot.helpdesk import HelpDesk
    from bot.ledger.buttons import NoButtons
    from handlers.staff_views import LedgerButtons

    if isinstance(ledger.buttons, NoButtons):
        ledger.buttons = LedgerButtons(ui)
    return HelpDesk(ledger)


def make_bucket(settings: Settings) -> Bucket:
    if settings.redis_url:
        from redis.asyncio import Redis

        redis = Redis.from_url(settings.redis_url)
        return RedisTokenBucket(redis, settings.redis_prefix, settings.throttle_rate, settings.throttle_burst)
    return TokenBucket(settings.throttle_rate, settings.throttle_burst)


async def set_commands(bot: Bot, ui: Any) -> None:
    """Register the commands so they show in the app's menu (descriptions from content/bot.yaml)."""
    commands = [BotCommand(command=name, description=text) for name, text in ui.commands.model_dump().items()]
    await bot.set_my_commands(commands)
