"""The real polling bot over HTTP on the test database, for the help-request end-to-end tests: one `life` of the
bot (SQL FSM storage, the ledger and its outbox sender running), people who talk to it, directors hired by invite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware, Dispatcher

from bot.app import database_services
from bot.dispatcher import create_dispatcher
from bot.ledger import Role
from bot.ledger.service import LedgerService
from bot.run import make_bot, run_polling
from tests.conftest import make_settings
from tests.fakebot import FakeTelegram
from tests.helpdesk_support import VILLAGE, Person
from tests.ledger_support import World
from tests.standins import StandInMatcher

FAMILY = 5001


class Handled(BaseMiddleware):
    """Innermost of the update middlewares: records each update id once its handling (answers included) is over."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.changed = asyncio.Event()

    async def __call__(self, handler: Any, event: Any, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        finally:
            self.ids.add(event.update_id)
            self.changed.set()

    async def wait(self, update_id: int) -> None:
        while update_id not in self.ids:
            self.changed.clear()
            await self.changed.wait()


@dataclass
class Life:
    """One life of the bot on the database: polling, the SQL FSM storage, the ledger and its sender running."""

    fake: FakeTelegram
    dp: Dispatcher
    ledger: LedgerService
    engine: Any
    handled: Handled

    async def settled(self, update: dict[str, Any] | None = None) -> None:
        """Until the bot has taken every update and handled them all, `update` included.

        wait_polled() alone can return while a taken update's task has not started yet (aiogram creates the
        task, then polls again), and several tasks run at once: so wait for this update's own end too.
        """
        await self.fake.wait_polled()
        if update is not None:
            await asyncio.wait_for(self.handled.wait(update["update_id"]), 10)
        await asyncio.wait_for(self.dp["inflight"].wait_idle(), 10)

    def person(self, telegram_id: int) -> Person:
        return Person(self.fake.user(telegram_id), self.settled)

    async def arrives(self, chat_id: int, fragment: str, after: int = 0) -> str:
        """Wait for the outbox sender (or a handler) to send `fragment` to the chat; returns the text."""
        call = await self.fake.wait_for(
            lambda c: c.is_("sendMessage") and c.chat_id == chat_id and fragment in str(c.params.get("text")),
            after=after,
        )
        return str(call.params["text"])


@asynccontextmanager
async def life(fake: FakeTelegram, db_url: str) -> AsyncIterator[Life]:
    settings = make_settings(
        bot_token="123456:TEST", telegram_api_base=fake.url, database_url=db_url, operators_chat_id=-100777
    )
    async with database_services(settings) as db:
        dp = create_dispatcher(settings, **{**db, "matcher": StandInMatcher()})
        handled = Handled()
        dp.update.outer_middleware(handled)
        before = len(fake.calls)
        task = asyncio.create_task(run_polling(settings, dp, make_bot(settings), handle_signals=False))
        await fake.wait_for(lambda c: c.is_("getUpdates"), after=before)
        try:
            yield Life(fake, dp, db["ledger"], db["engine"], handled)
        finally:
            await dp.stop_polling()
            await task


async def hire(bot: Life, world: World, name: str, telegram_id: int, area: str, role: Role = Role.DIRECTOR) -> Person:
    """The operator makes an invite; the director opens the deep link (/start CODE) in Telegram."""
    code = await bot.ledger.create_invite(world.areas[area], role)
    person = bot.person(telegram_id)
    await person.send(f"/start {code}")
    assert "您已登记为" in person.last
    world.staff[name] = telegram_id
    return person


async def standard(bot: Life) -> World:
    world = World(bot.ledger)
    for path in (VILLAGE, "江北区/观音桥街道/建新社区"):
        parts = path.split("/")
        for depth in range(1, 4):
            await world.area(*parts[:depth])
    return world


def told(fake: FakeTelegram, chat_id: int, reference: str) -> list[str]:
    return [str(c.params["text"]) for c in fake.calls_of("sendMessage", chat_id) if reference in str(c.params["text"])]
