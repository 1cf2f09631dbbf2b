"""The question log behind the content editors' report: unanswered and not-useful questions, counted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.models import Clock, LoggedQuestion, QuestionKind, utcnow

_TABLE = LoggedQuestion.__table__  # type: ignore[attr-defined]
EDITOR_KINDS = (QuestionKind.UNANSWERED, QuestionKind.NOT_USEFUL)


@dataclass(frozen=True)
class ReportRow:
    """One question as families asked it, how often, and the entry they were shown (if any)."""

    question: str
    kind: QuestionKind
    entry_id: int | None
    count: int
    last_seen: datetime


class QuestionLog:
    """Records questions (the caller scrubs personal data first) and reports the most frequent."""

    def __init__(self, engine: AsyncEngine, clock: Clock = utcnow) -> None:
        self._engine = engine
        self._clock = clock

    async def record(self, kind: QuestionKind | str, scrubbed_text: str, entry_id: int | None = None) -> None:
        """Keep one question; `scrubbed_text` must already be free of names, numbers and addresses."""
        kind = QuestionKind(kind)  # an unknown kind is a bug in the caller: ValueError
        text = " ".join(scrubbed_text.split())  # one spelling per question, whatever the spacing
        if not text:
            return
        row = {"kind": kind.value, "question": text, "entry_id": entry_id, "created_at": self._clock()}
        async with self._engine.begin() as conn:
            await conn.execute(insert(_TABLE).values(**row))

    async def report(
        self, limit: int = 50, kinds: Iterable[QuestionKind] = EDITOR_KINDS, since: datetime | None = None
    ) -> list[ReportRow]:
        """Count per question text, kind and entry shown; most frequent first, then most recent."""
        count = func.count().label("n")
        last = func.max(_TABLE.c.created_at).label("last_seen")
        stmt = (
            select(_TABLE.c.question, _TABLE.c.kind, _TABLE.c.entry_id, count, last)
            .where(_TABLE.c.kind.in_([QuestionKind(k).value for k in kinds]))
            .group_by(_TABLE.c.question, _TABLE.c.kind, _TABLE.c.entry_id)
            .order_by(count.desc(), last.desc(), _TABLE.c.question)
            .limit(limit)
        )
        if since is not None:
            stmt = stmt.where(_TABLE.c.created_at >= since)
        async with self._engine.execution_options(sqlite_begin="DEFERRED").connect() as conn:
            rows = (await conn.execute(stmt)).all()
        return [ReportRow(r.question, QuestionKind(r.kind), r.entry_id, r.n, r.last_seen) for r in rows]
