"""Shared fixtures: settings without the environment, stand-in services, a Dispatcher and a fast fake Telegram."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Dispatcher

from bot.dispatcher import create_dispatcher
from bot.services import MemoryFeedback
from bot.settings import Settings
from tests.fakebot import DirectTelegram
from tests.standins import StandInMatcher


def make_settings(**overrides: Any) -> Settings:
    """Settings from arguments only: no .env file and no BOT_TOKEN from the developer's shell.

    Throttling is off unless a test turns it on: conversation tests click faster than any parent.
    """
    values: dict[str, Any] = {"bot_token": None, "redis_url": None, "telegram_api_base": None, "throttle_rate": 0}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


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
