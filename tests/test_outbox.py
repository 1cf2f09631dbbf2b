"""The outbox against the fake Bot API: every notice arrives once, failures retry or escalate, nothing is lost."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import make_engine
from bot.ledger.service import LedgerService
from bot.outbox import LEASE, RateLimiter
from tests.fakebot import FakeTelegram
from tests.ledger_support import VILLAGE, Clock, NoSleep, World, api_bot, drain, make_ledger, sender_for, standard_world


@pytest.fixture
def ledger(engine: AsyncEngine, clock: Clock) -> LedgerService:
    return make_ledger(engine, clock, outbox_max_attempts=3, operators_chat_id=-100777)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    tg = await FakeTelegram().start()
    yield tg
    await tg.stop()


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Any]:
    b = api_bot(fake.url)
    yield b
    await b.session.close()


def sent_to(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [c.params["text"] for c in fake.calls_of("sendMessage", chat_id) if c.error is None]


async def outbox(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    async with engine.connect() as conn:
        sql = "SELECT id, chat_id, kind, status, attempts, escalated_at IS NOT NULL FROM outbox ORDER BY id"
        return [tuple(r) for r in (await conn.execute(sa.text(sql))).all()]


async def file(world: World, **fields: Any) -> str:
    result = await world.ledger.file_request(world.draft(VILLAGE, **fields), world.consent())
    return result.reference


async def test_every_notification_arrives_once_and_only_after_the_commit(
    world: World, fake: FakeTelegram, bot: Any, engine: AsyncEngine
) -> None:
    refs = [await file(world, child_alias=f"孩子{i}") for i in range(3)]
    assert fake.calls_of("sendMessage") == []  # committed, not yet sent: the sender does that
    sender = sender_for(world.ledger, bot)
    assert await drain(sender) == 3
    texts = sent_to(fake, world.staff["director_a"])
    assert [next(r for r in refs if r in t) for t in texts] == refs  # once each, in filing order
    assert {row[3] for row in await outbox(engine)} == {"sent"}
    assert await drain(sender) == 0 and len(fake.calls_of("sendMessage")) == 3


async def test_retry_after_is_waited_out_exactly(
    world: World, fake: FakeTelegram, bot: Any, engine: AsyncEngine, clock: Clock
) -> None:
    await file(world)
    fake.fail_next("sendMessage", 429, retry_after=7)
    sender = sender_for(world.ledger, bot)
    await sender.send_due()
    ((_id, _chat, _kind, status, attempts, _esc),) = await outbox(engine)
    assert (status, attempts) == ("pending", 0)  # Telegram's pacing is not a failure
    clock.advance(seconds=6)
    assert await sender.send_due() == 0
    clock.advance(seconds=1)
    assert await sender.send_due() == 1
    assert len(sent_to(fake, world.staff["director_a"])) == 1


async def test_server_errors_back_off_then_deliver_once(
    world: World, fake: FakeTelegram, bot: Any, engine: AsyncEngine, clock: Clock
) -> None:
    await file(world)
    fake.fail_next("sendMessage", 500, count=2)
    sender = sender_for(world.ledger, bot)
    for wait in (2, 4):
        await sender.send_due()
        assert (await outbox(engine))[0][3:5] == ("pending", wait // 2)
        clock.advance(seconds=wait)
    await sender.send_due()
    assert (await outbox(engine))[0][3] == "sent"
    assert len(sent_to(fake, world.staff["director_a"])) == 1


async def test_a_long_outage_escalates_to_a_person_and_still_delivers(
    world: World, fake: FakeTelegram, bot: Any, engine: AsyncEngine, clock: Clock
) -> None:
    reference = await file(world)
    director, supervisor = world.staff["director_a"], world.staff["supervisor_a"]
    fake.fail_next("sendMessage", 500, count=3, chat_id=director)
    sender = sender_for(world.ledger, bot)
    for _ in range(3):
        await sender.send_due()
        clock.advance(minutes=10)
    await drain(sender)
    notice = sent_to(fake, supervisor)
    assert len(notice) == 1 and reference in notice[0] and "多次发送失败" in notice[0]
    assert len(sent_to(fake, director)) == 1  # the original, once Telegram recovered
    rows = await outbox(engine)
    assert [r[2:4] for r in rows] == [("case_new", "sent"), ("undeliverable", "sent")]


async def test_a_director_who_blocked_the_bot_is_escalated_at_once(
    world: World, fake: FakeTelegram, bot: Any, engine: AsyncEngine
) -> None:
    reference = await file(world)
    fake.fail_next("sendMessage", 403, count=5, chat_id=world.staff["director_a"])
    await drain(sender_for(world.ledger, bot))
    notice = sent_to(fake, world.staff["supervisor_a"])
    assert len(notice) == 1 and reference in notice[0] and "屏蔽" in notice[0]
    assert [r[2:4] for r in await outbox(engine)] == [("case_new", "escalated"), ("undeliverable", "sent")]


async def test_a_family_that_blocked_the_bot_is_handed_to_its_director(
    world: World, fake: FakeTelegram, bot: Any, engine: AsyncEngine
) -> None:
    reference = await file(world)
    sender = sender_for(world.ledger, bot)
    await drain(sender)
    case_id = (await world.ledger.list_cases(world.staff["director_a"]))[0].id
    await world.ledger.accept(world.staff["director_a"], case_id)
    fake.fail_next("sendMessage", 403, chat_id=5001)
    await drain(sender)
    notices = sent_to(fake, world.staff["director_a"])
    assert len(notices) == 2 and reference in notices[1] and "家庭" in notices[1]


async def test_the_operators_chat_gets_what_nobody_else_can_take(
    ledger: LedgerService, fake: FakeTelegram, bot: Any, engine: AsyncEngine
) -> None:
    w = World(ledger)
    await w.area("巫山县")
    await ledger.file_request(w.draft("巫山县"), w.consent())
    await drain(sender_for(ledger, bot))
    assert len(sent_to(fake, -100777)) == 1


async def test_without_an_operators_chat_the_notice_waits_and_is_not_dropped(
    engine: AsyncEngine, clock: Clock, fake: FakeTelegram, bot: Any
) -> None:
    ledger = make_ledger(engine, clock)
    w = World(ledger)
    await w.area("巫山县")
    await ledger.file_request(w.draft("巫山县"), w.consent())
    sender = sender_for(ledger, bot)
    for _ in range(12):
        await sender.send_due()
        clock.advance(minutes=11)
    assert fake.calls_of("sendMessage") == []
    (row,) = await outbox(engine)
    assert row[3] == "pending" and row[4] == 12
    ledger.settings.operators_chat_id = -100888  # the operator fixes the setting (restart)
    await sender.send_due()
    assert len(sent_to(fake, -100888)) == 1


async def test_killed_between_saving_and_sending_the_restart_delivers_once(
    world: World, fake: FakeTelegram, bot: Any, clock: Clock
) -> None:
    await file(world)
    dead = sender_for(world.ledger, bot)
    claimed = await dead._claim(10)  # claimed, then the process died before sending
    assert len(claimed) == 1
    restarted = sender_for(world.ledger, bot)
    assert await restarted.send_due() == 0  # the lease still holds
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await restarted.send_due() == 1
    assert await drain(restarted) == 0
    assert len(fake.calls_of("sendMessage")) == 1


async def test_two_senders_never_send_the_same_row(
    world: World, fake: FakeTelegram, bot: Any, db_url: str, engine: AsyncEngine, clock: Clock
) -> None:
    director = world.staff["director_a"]
    for i in range(10):
        result = await world.ledger.file_request(world.draft(VILLAGE, telegram_id=6000 + i), world.consent())
        await world.ledger.accept(director, result.case_id)  # a notice to each of ten family chats
    second_engine = make_engine(db_url)
    try:
        other = make_ledger(second_engine, clock)
        senders = [sender_for(world.ledger, bot), sender_for(other, bot)]
        while sum(await asyncio.gather(*(s.send_due(limit=4) for s in senders))):
            pass
    finally:
        await second_engine.dispose()
    rows = await outbox(engine)
    assert {r[3] for r in rows} == {"sent"} and len(rows) == 20
    sends = [c for c in fake.calls_of("sendMessage") if c.error is None]
    assert len(sends) == 20
    assert sorted(c.chat_id for c in sends) == sorted([director] * 10 + [6000 + i for i in range(10)])


async def test_one_chat_keeps_its_order_through_a_retry_after(
    world: World, fake: FakeTelegram, bot: Any, clock: Clock
) -> None:
    refs = [await file(world, child_alias=f"孩子{i}") for i in range(3)]
    fake.fail_next("sendMessage", 429, retry_after=3)
    sender = sender_for(world.ledger, bot)
    await sender.send_due()
    clock.advance(seconds=3)
    await drain(sender)
    texts = sent_to(fake, world.staff["director_a"])
    assert [next(r for r in refs if r in t) for t in texts] == refs


async def test_rate_limits_per_chat_and_overall() -> None:
    now = [100.0]
    sleep = NoSleep()
    limiter = RateLimiter(rate=4, chat_interval=1.0, clock=lambda: now[0], sleep=sleep)
    for chat in (1, 1, 2, 3):
        await limiter.wait(chat)
    assert sleep.waits == [1.0, 0.5, 0.75]  # chat 1 waits a second; the others queue at 4 a second
    limiter.pause_chat(9, 30)
    await limiter.wait(9)
    assert sleep.waits[-1] == 30


def test_lease_is_long_enough_for_a_slow_send() -> None:
    assert LEASE >= timedelta(seconds=60)


class CaseButtons:
    """What the bot's handlers will provide: keyboards as dicts, callback data with ids only."""

    def staff_case(self, case_id: int, reference: str) -> dict[str, Any] | None:
        return {"inline_keyboard": [[{"text": "受理", "callback_data": f"lc:acc:{case_id}"}]]}

    def referral_question(self, referral_id: int, reference: str) -> dict[str, Any] | None:
        return {"inline_keyboard": [[{"text": "同意", "callback_data": f"lr:yes:{referral_id}"}]]}


async def test_notices_carry_the_bots_buttons(engine: AsyncEngine, clock: Clock, fake: FakeTelegram, bot: Any) -> None:
    ledger = make_ledger(engine, clock)
    ledger.buttons = CaseButtons()
    w = await standard_world(ledger)
    filed = await ledger.file_request(w.draft(VILLAGE), w.consent())
    await drain(sender_for(ledger, bot))
    (call,) = fake.calls_of("sendMessage", w.staff["director_a"])
    button = call.params["reply_markup"]["inline_keyboard"][0][0]
    assert button == {"text": "受理", "callback_data": f"lc:acc:{filed.case_id}"}
