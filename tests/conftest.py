"""Shared fixtures: settings without the environment, stand-in services, a Dispatcher and a fast fake Telegram."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiogram import Bot, Dispatcher

from bot.dispatcher import create_dispatcher
from bot.run import make_bot, run_polling
from bot.services import MemoryFeedback
from bot.settings import Settings
from tests.fakebot import DirectTelegram, FakeTelegram
from tests.standins import StandInMatcher


def make_settings(**overrides: Any) -> Settings:
    """Settings from arguments only: no .env file and no BOT_TOKEN from the developer's shell.

    Throttling is off unless a test turns it on: conversation tests click faster than any parent.
    """
    values: dict[str, Any] = {"bot_token": None, "redis_url": None, "telegram_api_base": None, "throttle_rate": 0}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def require_server(name: str, port: int) -> None:
    """Skip when the local server is absent, with the reason; in CI (CI=true) its absence is a failure."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not reachable on 127.0.0.1:{port}, and CI=true requires it")
        pytest.skip(f"{name} is not running on 127.0.0.1:{port}")


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def matcher() -> StandInMatcher:
    return StandInMatcher()


@pytest.fixture
def feedback() -> MemoryFeedback:
    return MemoryFeedback()


@pytest.fixture
def dp(settings: Settings, matcher: StandInMatcher, feedback: MemoryFeedback) -> Dispatcher:
    return create_dispatcher(settings, matcher=matcher, feedback=feedback)


@pytest.fixture
def tg(dp: Dispatcher) -> DirectTelegram:
    return DirectTelegram(dp)


@dataclass
class RunningBot:
    """The bot's real polling loop against the fake Bot API server, in this test's event loop."""

    tg: FakeTelegram
    dp: Dispatcher
    bot: Bot
    task: asyncio.Task[None]

    async def settled(self) -> None:
        """Every queued update taken and fully handled: the moment to assert that something did NOT happen."""
        await self.tg.wait_polled()
        await asyncio.wait_for(self.dp["inflight"].wait_idle(), 10)

    async def stop(self) -> None:
        if not self.task.done():
            await self.dp.stop_polling()
        await self.task


StartBot = Callable[..., Awaitable[RunningBot]]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    tg = await FakeTelegram().start()
    yield tg
    await tg.stop()


@pytest.fixture
async def start_bot(fake: FakeTelegram, matcher: StandInMatcher, feedback: MemoryFeedback) -> AsyncIterator[StartBot]:
    """start_bot(**settings) runs `run_polling` (deleteWebhook, setMyCommands, getUpdates …) against `fake`."""
    running: list[RunningBot] = []

    async def start(**overrides: Any) -> RunningBot:
        settings = make_settings(bot_token="123456:TEST", telegram_api_base=fake.url, **overrides)
        dp = create_dispatcher(settings, matcher=matcher, feedback=feedback)
        bot = make_bot(settings)
        task = asyncio.create_task(run_polling(settings, dp, bot, handle_signals=False))
        await fake.wait_for(lambda c: c.is_("getUpdates"), after=0)
        running.append(RunningBot(fake, dp, bot, task))
        return running[-1]

    yield start
    for bot in running:
        await bot.stop()
