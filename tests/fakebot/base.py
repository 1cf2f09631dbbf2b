"""What every fake Telegram shares: the recorded calls, the people who talk to the bot, waiting for replies."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Callable
from typing import Any

from bot.local_api import ApiCall, ApiError, LocalBotAPI
from tests.fakebot.users import FakeChat, FakeUser


class TelegramWorld:
    """Users and chats over a LocalBotAPI; subclasses decide how an update reaches the bot (`deliver`)."""

    def __init__(self) -> None:
        self.api = LocalBotAPI()
        self.cursor = 0  # number of calls before the latest user action; wait_for looks after it by default
        self._ids = itertools.count(random.randint(10_000, 900_000_000))  # Telegram starts ids anywhere
        self._waiters: list[asyncio.Future[None]] = []
        self.api.listeners.append(lambda _call: self.notify())

    def notify(self) -> None:
        """Something changed (a call, an update): wake everyone waiting."""
        for future in self._waiters:
            if not future.done():
                future.set_result(None)
        self._waiters.clear()

    async def changed(self, timeout: float) -> None:
        """Wait for the next notify(); registered before awaiting, so no wake-up is ever missed."""
        future = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        await asyncio.wait_for(future, max(timeout, 0))

    @property
    def calls(self) -> list[ApiCall]:
        return self.api.calls

    def user(self, id: int = 1001, first_name: str = "Mei") -> FakeUser:
        return FakeUser(self, id, first_name)

    def group(self, id: int = -100500, title: str = "Parents") -> FakeChat:
        self.api.chats[id] = {"id": id, "type": "supergroup", "title": title}
        return FakeChat(self, id, "supergroup", title)

    def new_update(self, fields: dict[str, Any]) -> dict[str, Any]:
        return {"update_id": next(self._ids), **fields}

    async def deliver(self, update: dict[str, Any]) -> None:
        raise NotImplementedError

    async def send_update(self, fields: dict[str, Any]) -> dict[str, Any]:
        """A user action: mark the cursor, number the update, hand it to the bot."""
        self.cursor = len(self.calls)
        update = self.new_update(fields)
        await self.deliver(update)
        return update

    def fail_next(self, method: str, status: int, count: int = 1, chat_id: int | None = None, **kw: Any) -> None:
        """Failure injection: 429 (pass retry_after=…), 403 (bot blocked by the user) or 500."""
        descriptions = {429: "Too Many Requests: retry later", 403: "Forbidden: bot was blocked by the user"}
        error = ApiError(status, descriptions.get(status, "Internal Server Error"), kw.get("retry_after"))
        self.api.fail_next(method, error, count, chat_id)

    def calls_of(self, method: str, chat_id: int | None = None) -> list[ApiCall]:
        return [c for c in self.calls if c.is_(method) and (chat_id is None or c.chat_id == chat_id)]

    async def wait_for(
        self, predicate: Callable[[ApiCall], bool], timeout: float = 10.0, after: int | None = None
    ) -> ApiCall:
        """The first call after the latest user action (or `after`) that matches; fails after `timeout`."""
        start = self.cursor if after is None else after
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for call in self.calls[start:]:
                if predicate(call):
                    return call
            try:
                await self.changed(deadline - loop.time())
            except TimeoutError:
                recent = [(c.method, str(c.params.get("text", ""))[:40]) for c in self.calls[start:]][-8:]
                raise AssertionError(f"no matching Bot API call within {timeout}s; calls since: {recent}") from None
