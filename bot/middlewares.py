"""Outer middlewares on every update: in-flight count, duplicate drop, per-update resources."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

log = logging.getLogger(__name__)
Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ShuttingDown(RuntimeError):
    """A webhook update arrived after SIGTERM: refuse it (no 200) so Telegram delivers it again later."""


class InFlight(BaseMiddleware):
    """Counts updates being handled, so shutdown can wait for them (aiogram itself does not)."""

    def __init__(self) -> None:
        self.count = 0
        self.refuse_new = False
        self.last_update_id: int | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if self.refuse_new:
            raise ShuttingDown(f"update {getattr(event, 'update_id', '?')} arrived while shutting down")
        self.count += 1
        self._idle.clear()
        self.last_update_id = getattr(event, "update_id", self.last_update_id)
        try:
            return await handler(event, data)
        finally:
            self.count -= 1
            if self.count == 0:
                self._idle.set()

    async def wait_idle(self) -> None:
        await self._idle.wait()

    async def drain(self, limit: float) -> int:
        """Wait up to `limit` seconds for the updates in flight; return how many were still running."""
        if self.count:
            log.info("stopping: waiting up to %ss for %d update(s) in flight", limit, self.count)
        try:
            await asyncio.wait_for(self.wait_idle(), limit)
        except TimeoutError:
            log.warning("stopping: %d update(s) still in flight after %ss, abandoned", self.count, limit)
            return self.count
        log.info("stopping: all updates handled")
        return 0


class SeenUpdates(Protocol):
    """The update ids already taken (bot.dedup's SQL and Redis stores, or the memory one below).

    A store may also have `async forget(bot_id, update_id)`: then an update whose handling failed is handled
    when Telegram delivers it again; without it, the repeat is dropped like any other.
    """

    async def first_time(self, bot_id: int, update_id: int) -> bool: ...


class MemorySeenUpdates:
    """Per-process seen-ids, kept `keep_hours`; ids are compared for equality only, since Telegram may restart them."""

    def __init__(self, keep_hours: float = 48.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.keep, self.clock = keep_hours * 3600, clock
        self._seen: OrderedDict[tuple[int, int], float] = OrderedDict()

    async def first_time(self, bot_id: int, update_id: int) -> bool:
        now = self.clock()
        while self._seen and next(iter(self._seen.values())) < now - self.keep:
            self._seen.popitem(last=False)
        if (bot_id, update_id) in self._seen:
            return False
        self._seen[bot_id, update_id] = now
        return True

    async def forget(self, bot_id: int, update_id: int) -> None:
        self._seen.pop((bot_id, update_id), None)

    async def close(self) -> None:
        """Nothing to release."""


class Dedup(BaseMiddleware):
    """Drops an update_id seen before; forgets it again when handling failed, so a re-delivery is handled."""

    def __init__(self, seen: SeenUpdates) -> None:
        self.seen = seen

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        bot_id = data["bot"].id
        if not await self.seen.first_time(bot_id, event.update_id):
            log.info("update %s is a repeat, dropped", event.update_id)
            return None
        try:
            return await handler(event, data)
        except BaseException:
            forget = getattr(self.seen, "forget", None)
            if forget is not None:
                await forget(bot_id, event.update_id)
            raise


Resources = Callable[[dict[str, Any]], AbstractAsyncContextManager[Mapping[str, Any]]]


@asynccontextmanager
async def no_resources(_data: dict[str, Any]) -> AsyncIterator[Mapping[str, Any]]:
    yield {}


class PerUpdate(BaseMiddleware):
    """Opens per-update resources (e.g. a database session) around the handlers and passes them in by name."""

    def __init__(self, factory: Resources = no_resources) -> None:
        self.factory = factory

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.factory(data) as resources:
            return await handler(event, {**data, **resources})
