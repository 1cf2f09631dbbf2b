"""The fast fake: updates go straight into Dispatcher.feed_update, the bot's calls into an in-process LocalBotAPI."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.types import Update

from bot.local_session import LocalSession
from tests.fakebot.base import TelegramWorld


class DirectTelegram(TelegramWorld):
    """Conversation tests at speed 2: each user action returns once the bot has handled it."""

    def __init__(self, dp: Dispatcher, **feed_kwargs: Any) -> None:
        super().__init__()
        self.dp, self.feed_kwargs = dp, feed_kwargs
        self.bot = Bot(
            "42:TEST", session=LocalSession(self.api), default=DefaultBotProperties(parse_mode=ParseMode.HTML)
        )
        self.results: list[Any] = []

    async def deliver(self, update: dict[str, Any]) -> None:
        parsed = Update.model_validate(update, context={"bot": self.bot})
        self.results.append(await self.dp.feed_update(self.bot, parsed, **self.feed_kwargs))
