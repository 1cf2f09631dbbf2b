"""Telegram re-delivers an update: it is handled once, even when two processes see it at the same moment."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import make_engine
from bot.dedup import SEEN_KEEP, RedisSeenUpdates, SQLSeenUpdates, create_seen_updates
from bot.models import SeenUpdate
from bot.settings import Settings


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_an_update_is_new_once_per_bot(engine: AsyncEngine) -> None:
    seen = SQLSeenUpdates(engine)
    assert await seen.first_time(1, 500) is True
    assert await seen.first_time(1, 500) is False
    assert await seen.first_time(2, 500) is True  # another bot's update 500 is another update
    assert await seen.first_time(1, 501) is True


async def test_two_processes_racing_on_one_update_get_one_true(db_url: str) -> None:
    engines = [make_engine(db_url) for _ in range(2)]  # two pools: as two bot processes
    try:
        stores = [SQLSeenUpdates(e) for e in engines]
        answers = await asyncio.gather(*(stores[i % 2].first_time(7, 123456789012) for i in range(20)))
        assert sorted(answers) == [False] * 19 + [True]
    finally:
        for e in engines:
            await e.dispose()


async def test_purge_forgets_ids_after_the_window(engine: AsyncEngine) -> None:
    clock = FakeClock()
    seen = SQLSeenUpdates(engine, clock=clock)
    await seen.first_time(1, 10)
    clock.now += timedelta(hours=12)
    await seen.first_time(1, 11)
    clock.now += SEEN_KEEP - timedelta(hours=6)
    assert await seen.purge() == 1
    async with engine.connect() as conn:
        ids = (await conn.execute(select(SeenUpdate.update_id))).scalars().all()  # type: ignore[arg-type]
    assert ids == [11]


async def test_an_id_reused_after_the_window_is_new_even_before_purge(engine: AsyncEngine) -> None:
    """Telegram may restart update ids at a random value: an old row must not swallow a new update."""
    clock = FakeClock()
    seen = SQLSeenUpdates(engine, clock=clock)
    assert await seen.first_time(1, 10) is True
    clock.now += SEEN_KEEP - timedelta(minutes=1)
    assert await seen.first_time(1, 10) is False
    clock.now += timedelta(minutes=2)
    assert await seen.first_time(1, 10) is True
    assert await seen.first_time(1, 10) is False
    async with engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(SeenUpdate))).scalar_one() == 1


def test_the_window_covers_telegrams_24_hours() -> None:
    assert SEEN_KEEP > timedelta(hours=24)


@pytest.fixture
async def redis_seen(redis_url: str, redis_prefix: str) -> AsyncIterator[RedisSeenUpdates]:
    unused = make_engine("sqlite://")
    seen = create_seen_updates(Settings(_env_file=None, redis_url=redis_url, redis_prefix=redis_prefix), unused)
    assert isinstance(seen, RedisSeenUpdates)
    yield seen
    await seen.close()
    await unused.dispose()


@pytest.mark.redis
async def test_redis_an_update_is_new_once_and_expires_itself(
    redis_seen: RedisSeenUpdates, redis_url: str, redis_prefix: str
) -> None:
    answers = await asyncio.gather(*(redis_seen.first_time(1, 99) for _ in range(20)))
    assert sorted(answers) == [False] * 19 + [True]
    assert await redis_seen.first_time(2, 99) is True
    client = Redis.from_url(redis_url)
    try:
        ttl = await client.ttl(f"{redis_prefix}:seen:1:99")
    finally:
        await client.aclose()
    assert 86400 < ttl <= SEEN_KEEP.total_seconds()
    assert await redis_seen.purge() == 0


async def test_sql_store_without_redis(engine: AsyncEngine) -> None:
    assert isinstance(create_seen_updates(Settings(_env_file=None), engine), SQLSeenUpdates)
