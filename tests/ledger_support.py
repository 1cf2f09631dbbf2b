"""Helpers for ledger tests: a frozen clock, a service on the test database, areas and staff, drafts."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ledger import GivenConsent, RequestDraft, Role
from bot.ledger.service import LedgerService
from bot.settings import Settings

VILLAGE = "渝北区/龙溪街道/松牌路社区"


class Clock:
    """A clock tests move by hand (no sleeping): starts at a fixed UTC time."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def settings(**overrides: Any) -> Settings:
    return Settings(_env_file=None, **overrides)  # type: ignore[call-arg]


def make_ledger(engine: AsyncEngine, clock: Clock, **overrides: Any) -> LedgerService:
    return LedgerService(engine, settings(**overrides), clock=clock)


_keys = itertools.count(1)


@dataclass
class World:
    """Two districts with townships and villages, directors and supervisors bound by real invites."""

    ledger: LedgerService
    areas: dict[str, int] = field(default_factory=dict)
    staff: dict[str, int] = field(default_factory=dict)  # name → Telegram id

    async def area(self, *names: str) -> int:
        path = await self.ledger.add_area(list(names))
        self.areas["/".join(names)] = path[-1].id
        return path[-1].id

    async def hire(self, name: str, telegram_id: int, area: str, role: Role = Role.DIRECTOR) -> None:
        code = await self.ledger.create_invite(self.areas[area], role)
        await self.ledger.redeem_invite(code, telegram_id, telegram_id)
        self.staff[name] = telegram_id

    def consent(self) -> GivenConsent:
        terms = self.ledger.consent_terms()
        return GivenConsent(terms.rules_version, terms.text_hash, self.ledger.clock())

    def draft(self, area: str, telegram_id: int = 5001, **fields: Any) -> RequestDraft:
        fields.setdefault("idempotency_key", f"k{next(_keys)}")
        fields.setdefault("chat_id", telegram_id)
        return RequestDraft(telegram_id=telegram_id, area_id=self.areas[area], **fields)


async def standard_world(ledger: LedgerService) -> World:
    """渝北区/龙溪街道/松牌路社区 with a director, the township with a supervisor; 江北区 with its own director."""
    w = World(ledger)
    await w.area("渝北区")
    await w.area("渝北区", "龙溪街道")
    await w.area("渝北区", "龙溪街道", "松牌路社区")
    await w.area("江北区")
    await w.area("江北区", "观音桥街道")
    await w.area("江北区", "观音桥街道", "建新社区")
    await w.hire("director_a", 9101, "渝北区/龙溪街道/松牌路社区")
    await w.hire("supervisor_a", 9102, "渝北区/龙溪街道", Role.SUPERVISOR)
    await w.hire("district_a", 9103, "渝北区", Role.SUPERVISOR)
    await w.hire("director_b", 9201, "江北区/观音桥街道/建新社区")
    return w


class NoSleep:
    """A RateLimiter's sleep that only records how long it would have waited (tests never sleep)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def api_bot(url: str) -> Any:
    """A Bot talking HTTP to the fake Bot API (no retry middleware: the sender's own handling is tested)."""
    from aiogram import Bot
    from aiogram.client.default import DefaultBotProperties
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.enums import ParseMode

    session = AiohttpSession(api=TelegramAPIServer.from_base(url))
    return Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def sender_for(ledger: LedgerService, bot: Any) -> Any:
    from bot.outbox import OutboxSender, RateLimiter

    return OutboxSender(ledger, bot, limiter=RateLimiter(25, 1.0, sleep=NoSleep()))


async def drain(sender: Any, passes: int = 10) -> int:
    """Run sending passes until one finds nothing due; returns how many rows were handled."""
    total = 0
    for _ in range(passes):
        handled = await sender.send_due()
        total += handled
        if handled == 0:
            return total
    return total
