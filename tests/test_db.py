"""The database layer: pragmas on every SQLite connection, IMMEDIATE write transactions, safe row claims."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db import (
    DatabaseUrlError,
    async_url,
    claim,
    database_url,
    make_engine,
    make_sync_engine,
    session_maker,
    sqlite_file,
    sync_url,
)
from bot.models import SeenUpdate, utcnow
from bot.settings import Settings


@pytest.mark.parametrize(
    ("given", "async_form", "sync_form"),
    [
        ("sqlite:///data/x.db", "sqlite+aiosqlite:///data/x.db", "sqlite:///data/x.db"),
        ("sqlite+aiosqlite:////abs/x.db", "sqlite+aiosqlite:////abs/x.db", "sqlite:////abs/x.db"),
        (
            "postgresql://u:p@h:5432/db",
            "postgresql+psycopg://u:p@h:5432/db",
            "postgresql+psycopg://u:p@h:5432/db",
        ),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_urls_map_to_the_chosen_drivers(given: str, async_form: str, sync_form: str) -> None:
    assert async_url(given) == async_form
    assert sync_url(given) == sync_form


@pytest.mark.parametrize("bad", ["mysql://u@h/db", "not a url"])
def test_unsupported_urls_are_refused_clearly(bad: str) -> None:
    with pytest.raises(DatabaseUrlError):
        async_url(bad)


def test_default_is_a_sqlite_file_under_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    url = database_url(Settings(_env_file=None))
    assert sqlite_file(url) == tmp_path / "data" / "tongxing.db"
    assert not (tmp_path / "data").exists()
    make_sync_engine(url).dispose()  # the folder appears when an engine needs it
    assert (tmp_path / "data").is_dir()
    assert database_url(Settings(_env_file=None, database_url="postgresql://h/db")).startswith("postgresql+psycopg")


PRAGMAS = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}  # synchronous 2 = FULL


async def test_every_sqlite_connection_gets_the_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        # Three distinct pooled connections, open at once; DEFERRED so the three can hold a transaction each.
        reader = engine.execution_options(sqlite_begin="DEFERRED")
        connections = [await reader.connect() for _ in range(3)]
        for conn in connections:
            for name, expected in PRAGMAS.items():
                assert (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar() == expected, name
            assert (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar() >= 5000
        for conn in connections:
            await conn.close()
    finally:
        await engine.dispose()
    sync = make_sync_engine(f"sqlite:///{tmp_path / 'p.db'}")  # Alembic's engine too
    with sync.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    sync.dispose()


def outsider_can_write(path: Path) -> bool:
    """Whether another process could start a write right now (no waiting)."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as err:
        assert "locked" in str(err)
        return False
    finally:
        other.close()


async def test_sqlite_transactions_take_the_write_lock_at_begin(tmp_path: Path) -> None:
    path = tmp_path / "i.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        async with engine.begin() as conn:
            await conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        async with engine.begin() as conn:
            await conn.exec_driver_sql("SELECT count(*) FROM t")  # a read, yet the write lock is held
            assert not outsider_can_write(path)
        assert outsider_can_write(path)
        async with session_maker(engine)() as session:  # ORM sessions take the same path
            await session.exec(sa.text("SELECT 1"))
            assert not outsider_can_write(path)
        reader = engine.execution_options(sqlite_begin="DEFERRED")
        async with reader.begin() as conn:
            await conn.exec_driver_sql("SELECT count(*) FROM t")
            assert outsider_can_write(path)
    finally:
        await engine.dispose()


async def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'f.db'}")
    try:
        async with engine.begin() as conn:
            await conn.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
            await conn.exec_driver_sql("CREATE TABLE child (id INTEGER, parent_id INTEGER REFERENCES parent(id))")
        with pytest.raises(sa.exc.IntegrityError):
            async with engine.begin() as conn:
                await conn.exec_driver_sql("INSERT INTO child VALUES (1, 99)")
    finally:
        await engine.dispose()


def test_postgresql_engines_ping_before_use() -> None:
    engine = make_engine("postgresql://nobody@127.0.0.1:1/none")  # no connection is made here
    assert engine.sync_engine.pool._pre_ping  # type: ignore[attr-defined]


JOBS = sa.MetaData()  # a table of this test only: not part of the app's schema
job = sa.Table("claim_test_job", JOBS, sa.Column("id", sa.Integer, primary_key=True), sa.Column("owner", sa.String))


async def claim_two(
    engine: AsyncEngine,
    owner: str,
    claimed: asyncio.Event | None = None,
    release: asyncio.Event | None = None,
) -> list[int]:
    """A sender's claim: take two free rows and mark them, in one transaction that may be held open."""
    async with session_maker(engine)() as session, session.begin():
        ids = list(await claim(session, sa.select(job.c.id).where(job.c.owner.is_(None)).order_by(job.c.id), 2))
        await session.exec(sa.update(job).where(job.c.id.in_(ids)).values(owner=owner))
        if claimed and release:
            claimed.set()
            await release.wait()  # keep the rows locked, as a slow sender would
    return ids


async def test_two_workers_claim_disjoint_rows(engine: AsyncEngine, db_url: str) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(JOBS.create_all)
        await conn.execute(sa.insert(job), [{"id": i} for i in range(1, 6)])
    other = make_engine(db_url)  # a second process
    try:
        claimed, release = asyncio.Event(), asyncio.Event()
        first = asyncio.create_task(claim_two(engine, "a", claimed, release))
        await claimed.wait()
        second = asyncio.create_task(claim_two(other, "b"))
        if engine.dialect.name == "postgresql":
            assert sorted(await second) == [3, 4]  # SKIP LOCKED: no waiting for the first worker
            release.set()
        else:
            await asyncio.sleep(0)
            assert not second.done()  # SQLite: the second waits for the first IMMEDIATE transaction
            release.set()
            assert sorted(await second) == [3, 4]
        assert sorted(await first) == [1, 2]
        async with engine.connect() as conn:
            owners = (await conn.execute(sa.select(job.c.owner).order_by(job.c.id))).scalars().all()
        assert owners == ["a", "a", "b", "b", None]
    finally:
        await other.dispose()
        async with engine.begin() as conn:
            await conn.run_sync(JOBS.drop_all)


async def test_claim_returns_models_for_a_sqlmodel_select(session: AsyncSession) -> None:
    async with session.begin():
        session.add(SeenUpdate(bot_id=1, update_id=2, seen_at=utcnow()))
    async with session.begin():
        claimed = await claim(session, select(SeenUpdate), 10)
    assert [(row.bot_id, row.update_id) for row in claimed] == [(1, 2)]


async def test_timestamps_come_back_as_utc_whatever_zone_went_in(session: AsyncSession) -> None:
    chongqing = datetime(2026, 3, 1, 16, 30, tzinfo=timezone(timedelta(hours=8)))
    async with session.begin():
        session.add(SeenUpdate(bot_id=1, update_id=3, seen_at=chongqing))
    session.expunge_all()
    row = (await session.exec(select(SeenUpdate))).one()
    assert row.seen_at == chongqing and row.seen_at.tzinfo == UTC and row.seen_at.hour == 8
    await session.rollback()  # end the read's transaction (SQLite: it holds the write lock)
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        async with session.begin():
            session.add(SeenUpdate(bot_id=1, update_id=4, seen_at=datetime(2026, 3, 1, 8, 0)))
