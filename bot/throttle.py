"""Per-user throttling: a token bucket per user (in memory, or in Redis shared by every instance)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, Literal, Protocol

from aiogram import BaseMiddleware
from aiogram.exceptions import TelegramAPIError
from aiogram.types import TelegramObject, Update
from redis.asyncio import Redis

from bot.middlewares import Handler

log = logging.getLogger(__name__)
Verdict = Literal["ok", "note", "drop"]


class Bucket(Protocol):
    rate: float

    async def take(self, key: int) -> Verdict:
        """ok: go on; note: drop it and tell the user once; drop: drop it silently."""
        ...


class TokenBucket:
    """Per-user token buckets in this process's memory (one instance; RedisTokenBucket when several share the load)."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self._tokens: dict[int, tuple[float, float]] = {}
        self._noted: dict[int, float] = {}

    async def take(self, key: int) -> Verdict:
        """ok: go on; note: drop it and tell the user once; drop: drop it silently."""
        now = self.clock()
        tokens, stamp = self._tokens.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - stamp) * self.rate)
        if len(self._tokens) > 10_000:  # forget users whose bucket is full again
            self._tokens = {k: v for k, v in self._tokens.items() if v[0] + (now - v[1]) * self.rate < self.burst}
        if tokens >= 1:
            self._tokens[key] = (tokens - 1, now)
            return "ok"
        self._tokens[key] = (tokens, now)
        # One note per flood: again only after a full bucket's worth of quiet time.
        if now - self._noted.get(key, float("-inf")) < self.burst / self.rate:
            return "drop"
        self._noted[key] = now
        return "note"


class Throttle(BaseMiddleware):
    """Slows one flooding user down without touching anyone else; urgent text is never dropped."""

    def __init__(self, bucket: Bucket, is_urgent: Callable[[str], bool] = lambda _text: False) -> None:
        self.bucket, self.is_urgent = bucket, is_urgent

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user = data.get("event_from_user")
        if user is None or self.bucket.rate <= 0:
            return await handler(event, data)
        verdict = await self.bucket.take(user.id)
        text = event.message.text if isinstance(event, Update) and event.message else None
        if verdict == "ok" or (text and self.is_urgent(text)):
            return await handler(event, data)
        log.info("user %s sends too fast: update %s dropped", user.id, getattr(event, "update_id", "?"))
        chat = data.get("event_chat")
        if verdict == "note" and chat is not None:
            try:
                await data["bot"].send_message(chat.id, data["renderer"].html("slow_down"))
            except TelegramAPIError as err:  # the note is a courtesy; failing to send it changes nothing
                log.warning("could not send the slow-down note to %s: %s", chat.id, err)
        return None


# The same arithmetic as TokenBucket, atomically; "n" is when the user was last told to slow down.
_TAKE = """
local rate, burst, now, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local saved = redis.call('HMGET', KEYS[1], 't', 's', 'n')
local tokens = math.min(burst, (tonumber(saved[1]) or burst) + (now - (tonumber(saved[2]) or now)) * rate)
local noted = tonumber(saved[3])
local verdict = 'drop'
if tokens >= 1 then
  tokens = tokens - 1
  verdict = 'ok'
elseif noted == nil or now - noted >= window then
  noted = now
  verdict = 'note'
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 's', tostring(now), 'n', tostring(noted or ''))
redis.call('EXPIRE', KEYS[1], math.ceil(window) + 1)
return verdict
"""


class RedisTokenBucket:
    """The same buckets in Redis (one atomic script per message), so a flood is slowed across all instances."""

    def __init__(
        self, redis: Redis, prefix: str, rate: float, burst: int, clock: Callable[[], float] = time.time
    ) -> None:
        self.redis, self.prefix, self.rate, self.burst, self.clock = redis, f"{prefix}:throttle", rate, burst, clock
        self._script = redis.register_script(_TAKE)

    async def take(self, key: int) -> Verdict:
        window = self.burst / self.rate  # a full bucket's worth of quiet time: one note per flood
        verdict = await self._script(keys=[f"{self.prefix}:{key}"], args=[self.rate, self.burst, self.clock(), window])
        return "ok" if verdict in (b"ok", "ok") else "note" if verdict in (b"note", "note") else "drop"

    async def close(self) -> None:
        await self.redis.aclose()
