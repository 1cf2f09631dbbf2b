"""FSM storage wiring: memory by default, Redis when REDIS_URL is set, so another instance sees the same state."""

from __future__ import annotations

import uuid

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisStorage

from bot.dispatcher import create_dispatcher
from tests.conftest import make_settings
from tests.fakebot import DirectTelegram
from tests.standins import StandInMatcher


def test_memory_storage_without_redis_url() -> None:
    assert isinstance(create_dispatcher(make_settings(), matcher=StandInMatcher()).storage, MemoryStorage)


async def test_with_redis_a_second_instance_sees_the_state_and_urgent_text_still_wins(
    redis_url: str, redis_prefix: str
) -> None:
    settings = make_settings(redis_url=redis_url, redis_prefix=redis_prefix)
    first, second = (create_dispatcher(settings, matcher=StandInMatcher()) for _ in range(2))
    assert isinstance(first.storage, RedisStorage)
    user_id = 10_000_000 + uuid.uuid4().int % 1_000_000  # a fresh key: nothing left over from earlier runs
    key = StorageKey(bot_id=42, chat_id=user_id, user_id=user_id)  # under this test's own key prefix
    try:
        await FSMContext(first.storage, key).set_state("Assess:asking")
        tg = DirectTelegram(second)
        mei = tg.user(user_id)
        await mei.send("救命")
        assert "110" in mei.chat.last_message.text
        assert await FSMContext(second.storage, key).get_state() == "Assess:asking"
    finally:
        await FSMContext(first.storage, key).clear()
        await first.storage.close()
        await second.storage.close()


def test_cli_help_lists_the_bot_settings() -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    out = CliRunner().invoke(app, ["--help"]).output
    for name in ("BOT_TOKEN", "TELEGRAM_API_BASE", "WEBHOOK_SECRET", "THROTTLE_RATE", "SHUTDOWN_GRACE"):
        assert name in out
    assert "serve" in out
