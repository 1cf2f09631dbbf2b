"""The database behind the Telegram run modes: FSM storage, seen update ids, the question log, a session per update."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import database_url, make_engine, session_maker
from bot.dedup import RedisSeenUpdates, SeenUpdates, SQLSeenUpdates
from bot.ledger_wiring import make_ledger
from bot.middlewares import Resources
from bot.migrate import ensure_schema
from bot.questions import QuestionLog
from bot.settings import Settings
from bot.storage import create_fsm_storage
from checklist.unanswered import scrub


class ScrubbedQuestionLog:
    """The FeedbackSink handlers call: scrubs contact details, then keeps the question for the editors' report."""

    def __init__(self, log: QuestionLog) -> None:
        self.log = log

    async def record(self, kind: str, question_text: str, entry_id: int | None, asker: str | None = None) -> None:
        """`asker`: keyring().pseudonym("asker", user_id), so /forget can delete the user's questions too."""
        await self.log.record(kind, scrub(question_text), entry_id, asker)


def session_per_update(engine: AsyncEngine) -> Resources:
    """A database session for each update, as `session` in handlers (it connects only when used)."""
    make_session = session_maker(engine)

    @asynccontextmanager
    async def open_session(_data: dict[str, Any]) -> AsyncIterator[Mapping[str, Any]]:
        async with make_session() as session:
            yield {"session": session}

    return open_session


def seen_updates(settings: Settings, engine: AsyncEngine) -> SeenUpdates:
    """bot.dedup's stores, keeping ids for SEEN_UPDATES_HOURS: Redis when REDIS_URL is set, else the database."""
    keep = timedelta(hours=settings.seen_updates_hours)
    if settings.redis_url:
        return RedisSeenUpdates.from_url(settings.redis_url, settings.redis_prefix, keep)
    return SQLSeenUpdates(engine, keep)


@asynccontextmanager
async def database_services(settings: Settings) -> AsyncIterator[dict[str, Any]]:
    """create_dispatcher() keywords backed by DATABASE_URL (and REDIS_URL); refuses an out-of-date schema."""
    engine = make_engine(database_url(settings))
    try:
        await ensure_schema(engine)  # SchemaError names `tongxing db upgrade`
        seen = seen_updates(settings, engine)
        try:
            storage = create_fsm_storage(settings, engine)
            yield {
                "storage": storage,
                "ledger": make_ledger(settings, engine, storage),
                "seen": seen,
                "resources": session_per_update(engine),
                "feedback": ScrubbedQuestionLog(QuestionLog(engine)),
                "engine": engine,
            }
        finally:
            await seen.close()
    finally:
        await engine.dispose()
