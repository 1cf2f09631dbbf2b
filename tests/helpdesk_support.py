"""Helpers for help-request conversations: a family walking through /qiuzhu, and what the database holds after."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram.types import Message
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.fakebot import FakeUser

Settle = Callable[[dict[str, Any]], Awaitable[None]]  # given the update the user just sent
VILLAGE = "渝北区/龙溪街道/松牌路社区"


async def nothing(_update: dict[str, Any]) -> None:
    """DirectTelegram: every action returns once the bot has handled it."""


@dataclass
class Person:
    """A user on a fake Telegram, and how to wait until the bot has handled their latest action."""

    user: FakeUser
    settle: Settle = nothing

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def messages(self) -> list[Message]:
        return self.user.chat.messages

    @property
    def last(self) -> str:
        return self.user.chat.last_message.text or ""

    def buttons(self, message: Message | None = None) -> list[str]:
        message = message or self.user.chat.last_message
        markup = message.reply_markup
        return [b.text for row in markup.inline_keyboard for b in row] if markup else []

    async def send(self, text: str) -> None:
        await self.settle(await self.user.send(text))

    async def click(self, label: str) -> None:
        await self.settle(await self.user.click(label))

    async def click_data(self, data: str) -> None:
        await self.settle(await self.user.click_data(data, self.user.chat.last_message))

    def said_since(self, count: int) -> list[str]:
        return [m.text or "" for m in self.messages[count:]]


@dataclass
class Answers:
    """What a family answers, step by step (the defaults file an ordinary request in the standard world)."""

    need: str = "孩子想在这边上小学"
    pick: str | None = "3. "  # the start of the entry button to press; None: 都不是，按我写的
    child: str | None = "小雨 7岁"  # None: 跳过
    risks: list[str] = field(default_factory=lambda: ["不是"] * 6)
    danger: str = "没有"
    places: tuple[str, ...] = ("渝北", "龙溪", "松牌路")
    contact: str = "只在这个聊天里联系"
    contact_value: str | None = None


async def consent(family: Person) -> None:
    await family.send("/qiuzhu")
    await family.click("读完了，下一步")
    await family.click("✅ 同意")


async def fill(family: Person, answers: Answers | None = None) -> None:
    """From the need question to the confirm screen."""
    a = answers or Answers()
    await family.send(a.need)
    if a.pick is not None and any(b.startswith(a.pick) for b in family.buttons()):
        await family.click(next(b for b in family.buttons() if b.startswith(a.pick)))
    elif "都不是，按我写的" in family.buttons():
        await family.click("都不是，按我写的")
    await (family.send(a.child) if a.child else family.click("跳过"))
    for answer in a.risks:
        await family.click(answer)
    await family.click(a.danger)
    for place in a.places:
        await family.send(place)
    if len(a.places) < 3:  # the test goes on from the place questions itself
        return
    await family.click(a.contact)
    if a.contact_value:
        await family.send(a.contact_value)


async def file(family: Person, answers: Answers | None = None) -> str:
    """The whole request, confirmed; returns the reference the bot showed."""
    await consent(family)
    await fill(family, answers)
    await family.click("✅ 确认提交")
    return reference_in(family.last)


def reference_in(text: str) -> str:
    found = re.search(r"CQ-\d{4}-\d{6}", text)
    assert found, f"no reference in {text!r}"
    return found.group()


async def count(engine: AsyncEngine, table: str, where: str = "1=1") -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text(f"SELECT count(*) FROM {table} WHERE {where}"))).scalar_one())


async def rows(engine: AsyncEngine, sql: str) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(text(sql))).all())


@dataclass
class Desk:
    """A bot with the ledger on the test database, the standard world of areas and staff, a fast fake Telegram."""

    tg: Any  # DirectTelegram
    world: Any  # tests.ledger_support.World
    engine: AsyncEngine

    def person(self, telegram_id: int) -> Person:
        return Person(self.tg.user(telegram_id))

    async def deliver(self) -> int:
        """Run the outbox sender once over everything queued (the running bot does this by itself)."""
        from tests.ledger_support import drain, sender_for

        return await drain(sender_for(self.world.ledger, self.tg.bot))


async def make_desk(engine: AsyncEngine, **settings: Any) -> Desk:
    from bot.dispatcher import create_dispatcher
    from bot.ledger.service import LedgerService
    from tests.conftest import make_settings
    from tests.fakebot import DirectTelegram
    from tests.ledger_support import Clock, standard_world
    from tests.standins import StandInMatcher

    config = make_settings(operators_chat_id=-100777, **settings)
    ledger = LedgerService(engine, config, clock=Clock())
    world = await standard_world(ledger)
    dp = create_dispatcher(config, matcher=StandInMatcher(), ledger=ledger)
    return Desk(DirectTelegram(dp), world, engine)
