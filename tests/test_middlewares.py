"""The update middlewares: repeats dropped (and re-handled after a failure), floods slowed, resources per update."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiogram import Router
from aiogram.exceptions import TelegramServerError
from aiogram.types import Message

from bot.dispatcher import create_dispatcher
from bot.middlewares import MemorySeenUpdates
from bot.throttle import RedisTokenBucket, TokenBucket
from tests.conftest import make_settings
from tests.fakebot import DirectTelegram
from tests.standins import StandInMatcher


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_same_update_delivered_twice_is_handled_once(tg: DirectTelegram) -> None:
    mei = tg.user()
    update = await mei.send("/help")
    await tg.deliver(update)
    assert len(tg.calls_of("sendMessage")) == 1


async def test_lower_update_ids_after_a_restart_are_still_handled(tg: DirectTelegram) -> None:
    mei = tg.user()
    first = await mei.send("/help")
    restarted = {**(await mei.send("/list")), "update_id": first["update_id"] - 500}
    await tg.deliver(restarted)
    assert len(tg.calls_of("sendMessage")) == 3


async def test_an_update_whose_handling_failed_is_handled_when_delivered_again(tg: DirectTelegram) -> None:
    mei = tg.user()
    message = tg.api.add_message(mei.id, mei.as_json(), text="/help")
    update = tg.new_update({"message": message})
    tg.fail_next("sendMessage", 500)
    with pytest.raises(TelegramServerError):
        await tg.deliver(update)
    await tg.deliver(update)  # not acknowledged, so Telegram delivers it again: this time it is handled
    await tg.deliver(update)  # and a third copy is a repeat again
    assert [c.error is None for c in tg.calls_of("sendMessage")] == [False, True]


async def test_seen_ids_are_kept_for_the_configured_hours_then_forgotten() -> None:
    clock = Clock()
    seen = MemorySeenUpdates(keep_hours=24, clock=clock)
    assert await seen.first_time(42, 5)
    assert await seen.first_time(43, 5)  # another bot's update 5 is another update
    clock.now += 23.9 * 3600
    assert not await seen.first_time(42, 5)
    clock.now += 0.2 * 3600
    assert await seen.first_time(42, 5)


async def check_bucket(bucket: Any, clock: Clock) -> None:
    verdicts = [await bucket.take(1) for _ in range(50)]
    assert verdicts.count("ok") == 5 and verdicts.count("note") == 1
    assert await bucket.take(2) == "ok"  # another parent is not affected
    clock.now += 1.0
    assert await bucket.take(1) == "ok"  # refilled at the set rate
    assert await bucket.take(1) == "drop"  # still within the same flood: no second note
    clock.now += 10
    assert [await bucket.take(1) for _ in range(6)][-1] == "note"  # a new flood later gets a new note


async def test_token_bucket_slows_one_user_and_notes_once_per_flood() -> None:
    clock = Clock()
    await check_bucket(TokenBucket(rate=1.0, burst=5, clock=clock), clock)


async def test_redis_token_bucket_does_the_same_across_instances(redis_url: str, redis_prefix: str) -> None:
    from redis.asyncio import Redis

    clock = Clock()
    one, two = (RedisTokenBucket(Redis.from_url(redis_url), redis_prefix, 1.0, 5, clock) for _ in range(2))
    assert [await one.take(9), await two.take(9), await one.take(9)] == ["ok"] * 3
    assert [await two.take(9), await one.take(9), await two.take(9)] == ["ok", "ok", "note"]  # one bucket for both
    await one.close()
    await check_bucket(two, clock)  # user 1's bucket: the whole story on Redis
    await two.close()


async def test_flooding_user_is_slowed_while_another_is_answered() -> None:
    dp = create_dispatcher(make_settings(throttle_rate=0.001, throttle_burst=3), matcher=StandInMatcher())
    tg = DirectTelegram(dp)
    flood, calm = tg.user(1, "Flood"), tg.user(2, "Calm")
    for _ in range(50):
        await flood.send("/help")
    await calm.send("/help")
    texts = [m.text for m in flood.chat.messages]
    assert len(texts) == 4 and "发得有点快" in texts[-1]
    assert "/start" in calm.chat.last_message.text


async def test_urgent_text_is_never_throttled() -> None:
    dp = create_dispatcher(make_settings(throttle_rate=0.001, throttle_burst=1), matcher=StandInMatcher())
    tg = DirectTelegram(dp)
    mei = tg.user()
    for _ in range(5):
        await mei.send("/help")
    await mei.send("救命")
    assert "110" in mei.chat.last_message.text


async def test_per_update_resources_are_opened_around_each_update_and_injected() -> None:
    events: list[str] = []

    @asynccontextmanager
    async def session(data: dict[str, Any]) -> AsyncIterator[Mapping[str, Any]]:
        events.append(f"open {data['event_update'].update_id if 'event_update' in data else '?'}")
        yield {"db": "session-object"}
        events.append("close")

    probe = Router()
    seen: list[Any] = []

    @probe.message()
    async def show(message: Message, db: str) -> None:
        seen.append(db)

    dp = create_dispatcher(make_settings(), matcher=StandInMatcher(), resources=session)
    dp.include_router(probe)
    dp.sub_routers.insert(0, dp.sub_routers.pop())  # ahead of the feature routers, which would answer first
    tg = DirectTelegram(dp)
    await tg.user().send("hello")
    await tg.user().send("again")
    assert seen == ["session-object", "session-object"]
    assert [e.split()[0] for e in events] == ["open", "close", "open", "close"]
