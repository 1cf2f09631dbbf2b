"""Shared fixtures: settings and stand-in services, fake Telegrams, a migrated database per test, Redis.

PostgreSQL and Redis tests skip with the reason when the server is unreachable, and fail instead when CI=true.
Servers: TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test) and TEST_REDIS_URL (default
redis://127.0.0.1:6379/0). Every test gets its own PostgreSQL schema and Redis key prefix, so several test
runs can share one server.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
import redis
import yaml
from aiogram import Bot, Dispatcher
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ask import load_matcher
from bot.crypto import Keyring, configure
from bot.db import make_engine, session_maker
from bot.dispatcher import create_dispatcher
from bot.ledger.service import LedgerService
from bot.migrate import upgrade
from bot.run import make_bot, run_polling
from bot.services import MemoryFeedback
from bot.settings import Settings
from checklist.content import load_catalog
from checklist.matcher import Matcher
from tests.fakebot import DirectTelegram, FakeTelegram
from tests.helpdesk_support import Desk, make_desk
from tests.ledger_support import Clock, World, make_ledger, standard_world
from tests.standins import StandInMatcher

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: needs the PostgreSQL server (TEST_POSTGRES_URL)")
    config.addinivalue_line("markers", "redis: needs the Redis server (TEST_REDIS_URL)")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def unavailable(what: str, variable: str, url: str, reason: str) -> None:
    """Skip with the reason on a developer machine; in CI a missing server is a failure, never a skip."""
    message = f"{what} unreachable at {url} ({reason})"
    if in_ci():
        pytest.fail(f"{message}; CI=true requires it", pytrace=False)
    pytest.skip(f"{message}; start it or set {variable}")


@cache
def _postgres_error() -> str | None:
    try:
        psycopg.connect(_libpq(POSTGRES_URL), connect_timeout=3).close()
    except psycopg.Error as err:
        return str(err).strip().splitlines()[0]
    return None


@cache
def _redis_error() -> str | None:
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        client.ping()
        client.close()
    except redis.RedisError as err:
        return str(err)
    return None


def _libpq(url: str) -> str:
    """psycopg wants postgresql://, not SQLAlchemy's postgresql+driver:// spelling."""
    return "postgresql://" + url.split("://", 1)[1]


@pytest.fixture
def postgres_server() -> str:
    """The PostgreSQL server URL (skips, or fails under CI, when it is down)."""
    error = _postgres_error()
    if error:
        unavailable("PostgreSQL", "TEST_POSTGRES_URL", POSTGRES_URL, error)
    return POSTGRES_URL


@pytest.fixture
def postgres_schema_url(postgres_server: str) -> Iterator[str]:
    """A URL whose connections use a fresh, empty schema (search_path via libpq options); dropped after."""
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(_libpq(postgres_server), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in postgres_server else "?"
    yield f"{postgres_server}{separator}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(_libpq(postgres_server), autocommit=True) as conn:
        # A leaked connection holding locks must fail the teardown loudly, not hang the run.
        conn.execute("SET lock_timeout = '10s'")
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def empty_db_url(db_backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty database (no tables): a new SQLite file, or a new PostgreSQL schema."""
    if db_backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'tongxing.db'}"
    return str(request.getfixturevalue("postgres_schema_url"))


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """A database migrated to the newest revision, parametrised over SQLite and PostgreSQL."""
    upgrade(empty_db_url)
    return empty_db_url


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with session_maker(engine)() as session:
        yield session


@pytest.fixture
def redis_server() -> str:
    error = _redis_error()
    if error:
        unavailable("Redis", "TEST_REDIS_URL", REDIS_URL, error)
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_server: str) -> Iterator[str]:
    """A key prefix of this test alone (pass it as Settings.redis_prefix); its keys are deleted after."""
    prefix = f"tongxing-test-{uuid.uuid4().hex[:16]}"
    yield prefix
    client = redis.Redis.from_url(redis_server)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def redis_url(redis_server: str, redis_prefix: str) -> str:
    """The Redis URL; use it with the `redis_prefix` fixture, whose keys are cleaned up after the test."""
    return redis_server


# -- the bot: settings, stand-in services, fake Telegrams ------------------------------------------------------
def make_settings(**overrides: Any) -> Settings:
    """Settings from arguments only: no .env file and no BOT_TOKEN from the developer's shell.

    Throttling is off unless a test turns it on: conversation tests click faster than any parent.
    """
    values: dict[str, Any] = {"bot_token": None, "redis_url": None, "telegram_api_base": None, "throttle_rate": 0}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def standin() -> StandInMatcher:
    """The keyword stand-in matcher: conversation tests control which branch the ask handler takes."""
    return StandInMatcher()


@pytest.fixture
def feedback() -> MemoryFeedback:
    return MemoryFeedback()


@pytest.fixture
def dp(settings: Settings, standin: StandInMatcher, feedback: MemoryFeedback) -> Dispatcher:
    return create_dispatcher(settings, matcher=standin, feedback=feedback)


@pytest.fixture
def tg(dp: Dispatcher) -> DirectTelegram:
    return DirectTelegram(dp)


@dataclass
class RunningBot:
    """The bot's real polling loop against the fake Bot API server, in this test's event loop."""

    tg: FakeTelegram
    dp: Dispatcher
    bot: Bot
    task: asyncio.Task[None]

    async def settled(self) -> None:
        """Every queued update taken and fully handled: the moment to assert that something did NOT happen."""
        await self.tg.wait_polled()
        await asyncio.wait_for(self.dp["inflight"].wait_idle(), 10)

    async def stop(self) -> None:
        if not self.task.done():
            await self.dp.stop_polling()
        await self.task


StartBot = Callable[..., Awaitable[RunningBot]]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    tg = await FakeTelegram().start()
    yield tg
    await tg.stop()


@pytest.fixture
async def start_bot(fake: FakeTelegram, standin: StandInMatcher, feedback: MemoryFeedback) -> AsyncIterator[StartBot]:
    """start_bot(**settings) runs `run_polling` (deleteWebhook, setMyCommands, getUpdates …) against `fake`."""
    running: list[RunningBot] = []

    async def start(**overrides: Any) -> RunningBot:
        settings = make_settings(bot_token="123456:TEST", telegram_api_base=fake.url, **overrides)
        dp = create_dispatcher(settings, matcher=standin, feedback=feedback)
        bot = make_bot(settings)
        task = asyncio.create_task(run_polling(settings, dp, bot, handle_signals=False))
        await fake.wait_for(lambda c: c.is_("getUpdates"), after=0)
        running.append(RunningBot(fake, dp, bot, task))
        return running[-1]

    yield start
    for bot in running:
        await bot.stop()


DATA = Path(__file__).parent / "data"
CASES = Path(__file__).parent / "cases"


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def matcher() -> Matcher:
    return load_matcher(load_catalog())


@pytest.fixture(scope="session")
def labelled() -> dict[str, Any]:
    return load_yaml(DATA / "ask_labelled.yaml")


@pytest.fixture(autouse=True, scope="session")
def test_keys() -> Keyring:
    """Encryption keys for every test (EncryptedText columns need them); production reads ENCRYPTION_KEYS."""
    keys = Keyring((Fernet.generate_key().decode(),), b"test-pseudonym-key")
    configure(keys)
    return keys


# The ledger on the test database with a hand-moved clock and the standard areas and staff (tests/ledger_support.py);
# a module overrides any of the three where it needs other settings or more data.
@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ledger(engine: AsyncEngine, clock: Clock) -> LedgerService:
    return make_ledger(engine, clock)


@pytest.fixture
async def world(ledger: LedgerService) -> World:
    return await standard_world(ledger)


@pytest.fixture
async def desk(engine: AsyncEngine) -> AsyncIterator[Desk]:
    """The bot with the ledger on the test database, in the standard world (tests/helpdesk_support.py)."""
    yield await make_desk(engine)
