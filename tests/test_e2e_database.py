"""The Telegram run mode on the database (SQLite and PostgreSQL): state and seen ids outlive a restart."""

from __future__ import annotations

import asyncio

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey

from bot.app import database_services
from bot.dispatcher import create_dispatcher
from bot.questions import QuestionLog
from bot.run import make_bot, run_polling
from tests.conftest import make_settings
from tests.fakebot import FakeTelegram
from tests.standins import StandInMatcher


async def run_once(fake: FakeTelegram, db_url: str, script: object) -> None:
    """One life of the bot: start polling on the database, let `script(dp)` play, stop."""
    settings = make_settings(bot_token="123456:TEST", telegram_api_base=fake.url, database_url=db_url)
    async with database_services(settings) as db:
        dp = create_dispatcher(settings, matcher=StandInMatcher(), **db)
        calls_before = len(fake.calls)
        task = asyncio.create_task(run_polling(settings, dp, make_bot(settings), handle_signals=False))
        await fake.wait_for(lambda c: c.is_("getUpdates"), after=calls_before)
        try:
            await script(dp)  # type: ignore[operator]
        finally:
            await dp.stop_polling()
            await task


async def test_state_and_seen_ids_survive_a_restart_and_questions_reach_the_editors(
    fake: FakeTelegram, db_url: str
) -> None:
    mei = fake.user()
    key = StorageKey(bot_id=123456, chat_id=mei.id, user_id=mei.id)
    first: dict = {}

    async def before(dp: object) -> None:
        first.update(await mei.send("社保卡丢了 电话13812345678"))
        await mei.next_message()
        await FSMContext(dp.storage, key).set_state("Assess:asking")  # type: ignore[attr-defined]

    async def after(dp: object) -> None:
        assert await FSMContext(dp.storage, key).get_state() == "Assess:asking"  # type: ignore[attr-defined]
        fake.push_raw(first)  # Telegram hands the old update over again after the restart
        await mei.send("/help")
        await mei.next_message()
        await fake.wait_polled()

    await run_once(fake, db_url, before)
    await run_once(fake, db_url, after)
    assert len([c for c in fake.calls_of("sendMessage", mei.id) if "答不上来" in c.params["text"]]) == 1
    settings = make_settings(database_url=db_url)
    async with database_services(settings) as db:
        rows = await QuestionLog(db["engine"]).report()
    assert [(r.kind.value, r.question) for r in rows] == [("unanswered", "社保卡丢了电话[电话]")]


async def test_a_failed_update_is_handled_again_with_the_sql_and_redis_stores(
    engine: object, redis_url: str, redis_prefix: str
) -> None:
    from bot.dedup import RedisSeenUpdates, SQLSeenUpdates

    for seen in (SQLSeenUpdates(engine), RedisSeenUpdates.from_url(redis_url, redis_prefix)):  # type: ignore[arg-type]
        assert await seen.first_time(1, 99)
        await seen.forget(1, 99)
        assert await seen.first_time(1, 99)
        assert not await seen.first_time(1, 99)
        await seen.close()
