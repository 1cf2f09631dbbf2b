"""aiogram FSM storage: SQLStorage in the app's database, or aiogram's RedisStorage; both expire drafts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StateType, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from sqlalchemy import case, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.models import Clock, FsmState, utcnow
from bot.settings import Settings

_TABLE = FsmState.__table__  # type: ignore[attr-defined]
_KEEP: Any = object()  # "leave this field as it is" in _upsert


class FsmDataError(TypeError):
    """FSM data that would not come back unchanged from JSON (the form every storage keeps it in)."""


def fsm_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON round-trip copy of `data`; fails, naming the key, when JSON would lose or change something."""
    if not isinstance(data, dict):
        raise DataNotDictLikeError(f"Data must be a dict or dict-like object, got {type(data).__name__}")
    for name, value in data.items():
        try:
            same = json.loads(json.dumps({name: value}, allow_nan=False)) == {name: value}
        except (TypeError, ValueError) as err:
            raise FsmDataError(f"FSM data key {name!r} is not JSON-serialisable: {err}") from err
        if not same:
            raise FsmDataError(
                f"FSM data key {name!r} changes through JSON (tuples become lists, dict keys become "
                "strings): store lists and string keys, so a restart reads back what was written"
            )
    return json.loads(json.dumps(data))


def dump_fsm_data(data: Mapping[str, Any]) -> str:
    """json_dumps for RedisStorage: the same checks as SQLStorage, so both storages accept the same data."""
    return json.dumps(fsm_data(data), ensure_ascii=False)


def storage_key(key: StorageKey) -> str:
    """A stable string for every field of the aiogram key; free-text parts quoted so ':' stays a separator."""
    parts = (key.bot_id, key.chat_id, key.user_id, key.thread_id or "")
    free = (quote(key.business_connection_id or "", safe=""), quote(key.destiny, safe=""))
    return ":".join([*map(str, parts), *free])


class SQLStorage(BaseStorage):
    """FSM state and data in the fsm_state table; a draft untouched for `ttl` reads as empty and is purged."""

    def __init__(self, engine: AsyncEngine, ttl: timedelta | None = timedelta(days=7), clock: Clock = utcnow):
        self._engine = engine
        # Reads need no write lock: WAL lets them run beside a writer.
        self._reader = engine.execution_options(sqlite_begin="DEFERRED")
        self._ttl = ttl
        self._clock = clock
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self._engine.begin() as conn:
            await self._upsert(conn, key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._reader.connect() as conn:
            row = await self._read(conn, key)
        return row[0] if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        clean = fsm_data(data)
        async with self._engine.begin() as conn:
            await self._upsert(conn, key, data=clean)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._reader.connect() as conn:
            row = await self._read(conn, key)
        return dict(row[1]) if row else {}

    async def update_data(self, key: StorageKey, data: Mapping[str, Any]) -> dict[str, Any]:
        """Read, merge and write in one transaction, so two updates of the same key cannot lose each other."""
        part = fsm_data(dict(data))
        async with self._engine.begin() as conn:
            row = await self._read(conn, key, lock=True)
            merged = {**(row[1] if row else {}), **part}
            await self._upsert(conn, key, data=merged)
        return dict(merged)

    async def purge_expired(self) -> int:
        """Delete expired drafts (reads already ignore them); returns how many rows went."""
        async with self._engine.begin() as conn:
            result = await conn.execute(delete(_TABLE).where(_TABLE.c.expires_at <= self._clock()))
        return result.rowcount

    async def forget_user(self, user_id: int) -> int:
        """Delete every FSM row of a user, in every chat (for /forget); returns how many rows went."""
        async with self._engine.begin() as conn:
            result = await conn.execute(delete(_TABLE).where(_TABLE.c.user_id == user_id))
        return result.rowcount

    async def close(self) -> None:
        """Nothing to do: the engine belongs to the application, which disposes of it after the dispatcher."""

    def _live(self, now: datetime) -> Any:
        return or_(_TABLE.c.expires_at.is_(None), _TABLE.c.expires_at > now)

    async def _read(self, conn: AsyncConnection, key: StorageKey, lock: bool = False) -> Any:
        stmt = select(_TABLE.c.state, _TABLE.c.data).where(_TABLE.c.key == storage_key(key), self._live(self._clock()))
        result = await conn.execute(stmt.with_for_update() if lock else stmt)
        return result.first()

    async def _upsert(self, conn: AsyncConnection, key: StorageKey, *, state: Any = _KEEP, data: Any = _KEEP) -> None:
        """Write one field, keep the other, refresh the expiry; an expired row's other field is reset."""
        now = self._clock()
        values = {
            "key": storage_key(key),
            "user_id": key.user_id,
            "state": None if state is _KEEP else state,
            "data": {} if data is _KEEP else data,
            "updated_at": now,
            "expires_at": now + self._ttl if self._ttl else None,
        }
        stmt = self._insert(_TABLE).values(**values)
        expired = _TABLE.c.expires_at <= now

        def written(name: str, given: Any) -> Any:
            fresh = stmt.excluded[name]
            return fresh if given is not _KEEP else case((expired, fresh), else_=_TABLE.c[name])

        stmt = stmt.on_conflict_do_update(
            index_elements=[_TABLE.c.key],
            set_={
                "state": written("state", state),
                "data": written("data", data),
                "updated_at": stmt.excluded.updated_at,
                "expires_at": stmt.excluded.expires_at,
            },
        ).returning(_TABLE.c.state, _TABLE.c.data)
        row = (await conn.execute(stmt)).one()
        if row.state is None and not row.data:  # state.clear(): leave no empty row behind
            await conn.execute(delete(_TABLE).where(_TABLE.c.key == values["key"]))


class TtlRedisStorage(RedisStorage):
    """aiogram's RedisStorage where writing either part refreshes the TTL of both, as in SQLStorage.

    Stock RedisStorage gives state and data separate TTLs: a step that only changes the state would let the
    answers collected so far expire under a questionnaire that is still going.
    """

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await super().set_state(key, state)
        if self.data_ttl is not None:
            await self.redis.expire(self.key_builder.build(key, "data"), self.data_ttl)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await super().set_data(key, data)
        if self.state_ttl is not None:
            await self.redis.expire(self.key_builder.build(key, "state"), self.state_ttl)


def redis_key_builder(settings: Settings) -> DefaultKeyBuilder:
    return DefaultKeyBuilder(
        prefix=f"{settings.redis_prefix}:fsm",
        with_bot_id=True,
        with_business_connection_id=True,
        with_destiny=True,  # aiogram scenes keep their history under another destiny
    )


def create_fsm_storage(settings: Settings, engine: AsyncEngine, clock: Clock = utcnow) -> BaseStorage:
    """RedisStorage when REDIS_URL is set (instances share it), else SQLStorage in the app's database."""
    ttl = timedelta(days=settings.fsm_ttl_days)
    if settings.redis_url:
        return TtlRedisStorage.from_url(
            settings.redis_url,
            key_builder=redis_key_builder(settings),
            state_ttl=ttl,
            data_ttl=ttl,
            json_dumps=dump_fsm_data,
        )
    return SQLStorage(engine, ttl=ttl, clock=clock)
