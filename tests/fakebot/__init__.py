"""A fake Telegram for tests: users who talk to the bot, over HTTP (FakeTelegram) or straight (DirectTelegram)."""

from tests.fakebot.base import TelegramWorld
from tests.fakebot.direct import DirectTelegram
from tests.fakebot.server import FakeTelegram, Hold, WebhookTelegram, normalize
from tests.fakebot.users import FakeChat, FakeUser

__all__ = [
    "DirectTelegram",
    "FakeChat",
    "FakeTelegram",
    "FakeUser",
    "Hold",
    "TelegramWorld",
    "WebhookTelegram",
    "normalize",
]
