"""A questionnaire's FSM state: kept across restarts, expired after the TTL; SQLite, PostgreSQL, Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import make_engine
from bot.models import FsmState
from bot.settings import Settings
from bot.storage import FsmDataError, SQLStorage, TtlRedisStorage, create_fsm_storage, storage_key

KEY = StorageKey(bot_id=42, chat_id=1001, user_id=1001)
TTL = timedelta(days=7)


class Assess(StatesGroup):
    asking = State()


class FakeClock:
    """A clock the test moves by hand: TTL tests without sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def storage(engine: AsyncEngine, clock: FakeClock) -> SQLStorage:
    return SQLStorage(engine, ttl=TTL, clock=clock)


async def fsm_rows(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(FsmState))).scalar_one())


async def test_questionnaire_round_trip(storage: SQLStorage) -> None:
    fsm = FSMContext(storage, KEY)
    await fsm.set_state(Assess.asking)
    await fsm.update_data(step=2, children=[{"age": 5, "place": "渝北区"}])
    await fsm.update_data(step=3)
    assert await fsm.get_state() == Assess.asking.state
    assert await fsm.get_data() == {"step": 3, "children": [{"age": 5, "place": "渝北区"}]}
    other = FSMContext(storage, StorageKey(bot_id=42, chat_id=1001, user_id=1001, destiny="scenes_history"))
    assert await other.get_state() is None and await other.get_data() == {}


async def test_state_survives_a_restart(db_url: str, clock: FakeClock) -> None:
    first = make_engine(db_url)
    await SQLStorage(first, clock=clock).set_state(KEY, Assess.asking)
    await SQLStorage(first, clock=clock).set_data(KEY, {"step": 4})
    await first.dispose()
    second = make_engine(db_url)
    try:
        storage = SQLStorage(second, clock=clock)
        assert await storage.get_state(KEY) == Assess.asking.state
        assert await storage.get_data(KEY) == {"step": 4}
    finally:
        await second.dispose()


async def test_draft_expires_after_ttl_of_inactivity(storage: SQLStorage, clock: FakeClock) -> None:
    await storage.set_state(KEY, "Assess:asking")
    await storage.set_data(KEY, {"step": 1})
    clock.advance(days=6)
    await storage.set_data(KEY, {"step": 2})  # any step refreshes the whole draft
    clock.advance(days=6, hours=23)
    assert await storage.get_state(KEY) == "Assess:asking"
    clock.advance(hours=1)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}


async def test_expired_data_is_not_revived_by_a_new_state(storage: SQLStorage, clock: FakeClock) -> None:
    await storage.set_state(KEY, "Assess:asking")
    await storage.set_data(KEY, {"children": [{"age": 7}]})
    clock.advance(days=8)
    await storage.set_state(KEY, "Assess:asking")
    assert await storage.get_data(KEY) == {}
    await storage.set_data(KEY, {"fresh": True})
    clock.advance(days=8)
    await storage.set_data(KEY, {"fresh": False})
    assert await storage.get_state(KEY) is None


async def test_purge_removes_only_expired_drafts(storage: SQLStorage, clock: FakeClock, engine: AsyncEngine) -> None:
    await storage.set_state(KEY, "Assess:asking")
    clock.advance(days=5)
    await storage.set_state(StorageKey(bot_id=42, chat_id=7, user_id=7), "Assess:asking")
    clock.advance(days=3)
    assert await storage.purge_expired() == 1
    assert await fsm_rows(engine) == 1


async def test_clear_leaves_no_row(storage: SQLStorage, engine: AsyncEngine) -> None:
    fsm = FSMContext(storage, KEY)
    await fsm.set_state(Assess.asking)
    await fsm.set_data({"step": 1})
    await fsm.clear()
    assert await fsm_rows(engine) == 0


async def test_forget_user_deletes_every_chat_of_that_user(storage: SQLStorage, engine: AsyncEngine) -> None:
    await storage.set_state(KEY, "a")
    await storage.set_state(StorageKey(bot_id=42, chat_id=-500, user_id=1001), "b")
    await storage.set_state(StorageKey(bot_id=42, chat_id=8, user_id=8), "c")
    assert await storage.forget_user(1001) == 2
    assert await fsm_rows(engine) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"born": date(2020, 1, 1)}, "'born' is not JSON-serialisable"),
        ({"pair": (1, 2)}, "'pair' changes through JSON"),
        ({"by_id": {1: "x"}}, "'by_id' changes through JSON"),
        ({"score": float("nan")}, "'score' is not JSON-serialisable"),
    ],
)
async def test_data_must_stay_json(storage: SQLStorage, data: dict[str, object], message: str) -> None:
    with pytest.raises(FsmDataError, match=message):
        await storage.set_data(KEY, data)
    with pytest.raises(FsmDataError, match=message):
        await storage.update_data(KEY, data)


def test_storage_key_is_stable_and_unambiguous() -> None:
    assert storage_key(KEY) == "42:1001:1001:::default"
    a = StorageKey(bot_id=1, chat_id=2, user_id=3, thread_id=4, business_connection_id="x:y", destiny="d")
    b = StorageKey(bot_id=1, chat_id=2, user_id=3, thread_id=4, business_connection_id="x", destiny="y:d")
    assert storage_key(a) != storage_key(b)
    assert storage_key(a) == "1:2:3:4:x%3Ay:d"


def test_sql_storage_without_redis(engine: AsyncEngine) -> None:
    storage = create_fsm_storage(Settings(_env_file=None, fsm_ttl_days=3), engine)
    assert isinstance(storage, SQLStorage) and storage._ttl == timedelta(days=3)


# Redis: aiogram's RedisStorage, with the same TTL and the same JSON rules.


@pytest.fixture
async def redis_storage(redis_url: str, redis_prefix: str) -> AsyncIterator[TtlRedisStorage]:
    settings = Settings(_env_file=None, redis_url=redis_url, redis_prefix=redis_prefix, fsm_ttl_days=7)
    unused = make_engine("sqlite://")  # with REDIS_URL set the database is not used for FSM state
    storage = create_fsm_storage(settings, unused)
    assert isinstance(storage, TtlRedisStorage)
    yield storage
    await storage.close()
    await unused.dispose()


@pytest.mark.redis
async def test_redis_round_trip_restart_and_ttl(
    redis_storage: TtlRedisStorage, redis_url: str, redis_prefix: str
) -> None:
    fsm = FSMContext(redis_storage, KEY)
    await fsm.set_state(Assess.asking)
    await fsm.update_data(step=2, place="渝北区")
    redis: Redis = redis_storage.redis
    keys = sorted(k.decode() for k in await redis.keys(f"{redis_prefix}:*"))
    assert keys == [
        f"{redis_prefix}:fsm:42:1001:1001:default:data",
        f"{redis_prefix}:fsm:42:1001:1001:default:state",
    ]
    for key in keys:
        assert TTL - timedelta(minutes=1) < timedelta(seconds=await redis.ttl(key)) <= TTL
    # A restart: a new client reads what the old one wrote.
    again = TtlRedisStorage.from_url(redis_url, key_builder=redis_storage.key_builder)
    try:
        assert await again.get_state(KEY) == Assess.asking.state
        assert await again.get_data(KEY) == {"step": 2, "place": "渝北区"}
    finally:
        await again.close()
    with pytest.raises(FsmDataError, match="'born'"):
        await fsm.update_data(born=date(2020, 1, 1))


@pytest.mark.redis
async def test_redis_step_refreshes_both_ttls_and_expiry_empties(redis_storage: TtlRedisStorage) -> None:
    redis: Redis = redis_storage.redis
    data_key = redis_storage.key_builder.build(KEY, "data")
    state_key = redis_storage.key_builder.build(KEY, "state")
    await redis_storage.set_data(KEY, {"step": 1})
    await redis.expire(data_key, 60)  # as if the answers were written days ago
    await redis_storage.set_state(KEY, "Assess:asking")
    assert await redis.ttl(data_key) > 60  # a step that only moves the state keeps the answers alive
    # Redis owns its clock: move each key's expiry into the past, which is what 7 idle days do.
    for key in (data_key, state_key):
        await redis.pexpireat(key, 1)
    assert await redis_storage.get_state(KEY) is None
    assert await redis_storage.get_data(KEY) == {}
