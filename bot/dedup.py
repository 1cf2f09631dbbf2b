"""Seen Telegram update ids, so a re-delivered update is handled once (SQL table or Redis keys)."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from redis.asyncio import Redis
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.models import Clock, SeenUpdate, utcnow
from bot.settings import Settings

# Telegram keeps an unconfirmed update for 24 hours; the margin covers clock skew and a slow purge. Ids are
# not monotonic (Telegram may restart them at a random value), so "below the last id" cannot replace this.
SEEN_KEEP = timedelta(hours=26)
_TABLE = SeenUpdate.__table__  # type: ignore[attr-defined]


class SeenUpdates(Protocol):
    async def first_time(self, bot_id: int, update_id: int) -> bool:
        """True exactly once per (bot, update id) within the keep window, across processes."""
        ...

    async def purge(self) -> int:
        """Forget ids older than the keep window; returns how many went."""
        ...

    async def close(self) -> None: ...


class SQLSeenUpdates:
    """seen_update rows; the primary key makes "insert or ignore" atomic across processes and engines."""

    def __init__(self, engine: AsyncEngine, keep: timedelta = SEEN_KEEP, clock: Clock = utcnow) -> None:
        self._engine = engine
        self._keep = keep
        self._clock = clock
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    async def first_time(self, bot_id: int, update_id: int) -> bool:
        now = self._clock()
        stmt = self._insert(_TABLE).values(bot_id=bot_id, update_id=update_id, seen_at=now)
        # A row older than the window is an id Telegram handed out again after a restart of its counter:
        # claim it anew instead of dropping a real update because the purge has not run yet.
        stmt = stmt.on_conflict_do_update(
            index_elements=[_TABLE.c.bot_id, _TABLE.c.update_id],
            set_={"seen_at": stmt.excluded.seen_at},
            where=_TABLE.c.seen_at <= now - self._keep,
        ).returning(_TABLE.c.update_id)
        async with self._engine.begin() as conn:
            return (await conn.execute(stmt)).first() is not None

    async def forget(self, bot_id: int, update_id: int) -> None:
        """Handling failed: let Telegram's next delivery of this update be handled (webhook mode answers 500)."""
        where = (_TABLE.c.bot_id == bot_id) & (_TABLE.c.update_id == update_id)
        async with self._engine.begin() as conn:
            await conn.execute(delete(_TABLE).where(where))

    async def purge(self) -> int:
        async with self._engine.begin() as conn:
            result = await conn.execute(delete(_TABLE).where(_TABLE.c.seen_at <= self._clock() - self._keep))
        return result.rowcount

    async def close(self) -> None:
        """The engine belongs to the application."""


class RedisSeenUpdates:
    """One key per update id, SET NX with an expiry: Redis forgets them itself."""

    def __init__(self, redis: Redis, prefix: str, keep: timedelta = SEEN_KEEP) -> None:
        self._redis = redis
        self._prefix = f"{prefix}:seen"
        self._keep = keep

    @classmethod
    def from_url(cls, url: str, prefix: str, keep: timedelta = SEEN_KEEP) -> RedisSeenUpdates:
        return cls(Redis.from_url(url), prefix, keep)

    async def first_time(self, bot_id: int, update_id: int) -> bool:
        key = f"{self._prefix}:{bot_id}:{update_id}"
        return bool(await self._redis.set(key, b"1", nx=True, ex=self._keep))

    async def forget(self, bot_id: int, update_id: int) -> None:
        await self._redis.delete(f"{self._prefix}:{bot_id}:{update_id}")

    async def purge(self) -> int:
        return 0  # keys expire on their own

    async def close(self) -> None:
        await self._redis.aclose()


def create_seen_updates(settings: Settings, engine: AsyncEngine) -> SeenUpdates:
    """Redis when REDIS_URL is set (as for the FSM storage), else the seen_update table."""
    if settings.redis_url:
        return RedisSeenUpdates.from_url(settings.redis_url, settings.redis_prefix)
    return SQLSeenUpdates(engine)
