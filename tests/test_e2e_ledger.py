"""End to end on the real polling bot over HTTP: the bot's own outbox sender tells the family every step, the
director gets the new entry, a restart delivers what was saved while the bot was down — each exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from bot.app import database_services
from bot.dispatcher import create_dispatcher
from bot.ledger import Agreement, RefStatus
from bot.ledger.service import LedgerService
from bot.run import make_bot, run_polling
from tests.conftest import make_settings
from tests.fakebot import FakeTelegram
from tests.ledger_support import World, standard_world
from tests.standins import StandInMatcher

VILLAGE = "渝北区/龙溪街道/松牌路社区"
FAMILY = 5001


async def bot_life(
    fake: FakeTelegram, db_url: str, script: Callable[..., Awaitable[Any]], with_dp: bool = False
) -> Any:
    """One life of the bot on the database: start polling (with the ledger's sender), play `script`, stop."""
    settings = make_settings(
        bot_token="123456:TEST", telegram_api_base=fake.url, database_url=db_url, operators_chat_id=-100777
    )
    async with database_services(settings) as db:
        dp = create_dispatcher(settings, **{**db, "matcher": StandInMatcher()})
        before = len(fake.calls)
        task = asyncio.create_task(run_polling(settings, dp, make_bot(settings), handle_signals=False))
        await fake.wait_for(lambda c: c.is_("getUpdates"), after=before)
        try:
            return await (script(db["ledger"], dp) if with_dp else script(db["ledger"]))
        finally:
            await dp.stop_polling()
            await task


def texts(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [c.params["text"] for c in fake.calls_of("sendMessage", chat_id) if c.error is None]


async def arrives(fake: FakeTelegram, chat_id: int, fragment: str) -> None:
    await fake.wait_for(
        lambda c: c.is_("sendMessage") and c.chat_id == chat_id and fragment in c.params["text"], after=0
    )


async def test_a_full_request_tells_the_family_each_step(fake: FakeTelegram, db_url: str) -> None:
    async def play(ledger: LedgerService) -> World:
        world = await standard_world(ledger)
        director = world.staff["director_a"]
        filed = await ledger.file_request(world.draft(VILLAGE, child_alias="小雨", entry_ids=(3,)), world.consent())
        await arrives(fake, director, filed.reference)
        await ledger.accept(director, filed.case_id)
        await arrives(fake, FAMILY, "已受理")
        await ledger.record_visit(director, filed.case_id, datetime.now(UTC), "见到孩子")
        await arrives(fake, FAMILY, "上门走访")
        department = (await ledger.open_case(director, filed.case_id)).departments[0]
        referral = await ledger.refer(director, filed.case_id, department, Agreement.ASK_FAMILY, "年龄、学籍")
        await arrives(fake, FAMILY, "您同意吗")
        await ledger.answer_referral(FAMILY, referral.id, agree=True)
        await arrives(fake, FAMILY, "已转介给")
        await arrives(fake, director, "家庭同意")
        await ledger.set_referral_status(director, referral.id, RefStatus.DONE)
        await arrives(fake, FAMILY, "已办完")
        await ledger.close(director, filed.case_id, "已入学")
        await arrives(fake, FAMILY, "已办结")
        return world

    world = await bot_life(fake, db_url, play)
    family = texts(fake, FAMILY)
    steps = ["已受理", "上门走访", "您同意吗", "已转介给", "已办完", "已办结"]
    assert [next(s for s in steps if s in t) for t in family] == steps  # each once, in order
    director = texts(fake, world.staff["director_a"])
    assert len(director) == 2 and "小雨" not in director[0]  # the new entry (minimal) and the family's answer
    assert texts(fake, world.staff["supervisor_a"]) == []  # not urgent: the supervisor is not disturbed


async def test_an_urgent_entry_reaches_director_and_supervisor_at_once(fake: FakeTelegram, db_url: str) -> None:
    async def play(ledger: LedgerService) -> World:
        world = await standard_world(ledger)
        filed = await ledger.file_urgent(world.draft(VILLAGE, need_text="孩子一个人在家好几天了"))
        await arrives(fake, world.staff["director_a"], filed.reference)
        await arrives(fake, world.staff["supervisor_a"], filed.reference)
        return world

    world = await bot_life(fake, db_url, play)
    for name in ("director_a", "supervisor_a"):
        (notice,) = texts(fake, world.staff[name])
        assert "紧急求助" in notice and "公安机关" in notice and "一个人在家" not in notice


async def test_saved_while_the_bot_was_down_is_delivered_once_after_the_restart(
    fake: FakeTelegram, db_url: str
) -> None:
    async def setup(ledger: LedgerService) -> World:
        return await standard_world(ledger)

    world = await bot_life(fake, db_url, setup)
    settings = make_settings(database_url=db_url)
    async with database_services(settings) as db:  # the bot is down: only the database is there
        filed = await db["ledger"].file_request(world.draft(VILLAGE), world.consent())
    director = world.staff["director_a"]
    assert texts(fake, director) == []

    async def restart(ledger: LedgerService) -> None:
        await arrives(fake, director, filed.reference)
        await fake.wait_polled()

    await bot_life(fake, db_url, restart)
    await bot_life(fake, db_url, lambda ledger: fake.wait_polled())  # and once more: nothing is sent twice
    assert len(texts(fake, director)) == 1


async def test_the_bot_runs_reminders_and_the_purge_on_its_own(fake: FakeTelegram, db_url: str) -> None:
    async def look(ledger: LedgerService, dp: Any) -> None:
        from sqlalchemy import text

        await dp["ledger_background"].round_done.wait()  # the timer's first round runs at start-up
        async with ledger.engine.connect() as conn:
            found = (await conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'purge'"))).scalar()
        assert found == 1

    await bot_life(fake, db_url, look, with_dp=True)
