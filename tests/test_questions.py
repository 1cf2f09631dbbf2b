"""Content editors see the questions the bot could not answer, or answered unhelpfully (most asked first)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import make_engine
from bot.migrate import upgrade
from bot.models import QuestionKind
from bot.questions import QuestionLog


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


async def test_report_counts_unanswered_and_not_useful_most_frequent_first(engine: AsyncEngine) -> None:
    log = QuestionLog(engine, clock=FakeClock())
    for _ in range(3):
        await log.record("unanswered", "孩子没户口能在这边上学吗")
    await log.record(QuestionKind.NOT_USEFUL, "疫苗在哪里打", entry_id=9)
    await log.record(QuestionKind.NOT_USEFUL, "  疫苗在哪里打 ", entry_id=9)
    await log.record(QuestionKind.NOT_USEFUL, "疫苗在哪里打", entry_id=8)
    await log.record(QuestionKind.USEFUL, "疫苗在哪里打", entry_id=9)
    await log.record(QuestionKind.CLARIFY, "上学")
    await log.record(QuestionKind.UNANSWERED, "   ")  # nothing left after scrubbing: not worth a row

    rows = await log.report()
    assert [(r.question, r.kind, r.entry_id, r.count) for r in rows] == [
        ("孩子没户口能在这边上学吗", QuestionKind.UNANSWERED, None, 3),
        ("疫苗在哪里打", QuestionKind.NOT_USEFUL, 9, 2),
        ("疫苗在哪里打", QuestionKind.NOT_USEFUL, 8, 1),
    ]
    assert rows[0].last_seen.tzinfo is not None and rows[0].last_seen == datetime(2026, 3, 1, 8, 3, tzinfo=UTC)
    assert len(await log.report(limit=1)) == 1
    assert [r.question for r in await log.report(kinds=[QuestionKind.CLARIFY])] == ["上学"]
    assert await log.report(since=datetime(2026, 3, 2, tzinfo=UTC)) == []


async def test_an_unknown_kind_is_a_bug_not_a_row(engine: AsyncEngine) -> None:
    log = QuestionLog(engine)
    with pytest.raises(ValueError, match="'lost'"):
        await log.record("lost", "x")
    assert await log.report(kinds=list(QuestionKind)) == []


async def test_editors_read_the_report_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        log = QuestionLog(engine, clock=FakeClock())
        await log.record("unanswered", "孩子没户口能在这边上学吗")
        await log.record("unanswered", "孩子没户口能在这边上学吗")
        await log.record("not_useful", "疫苗在哪里打", entry_id=9)
    finally:
        await engine.dispose()
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "-c", "from bot.cli import main; main()", "report", "unanswered"]
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["count", "kind", "entry", "last", "seen", "(UTC)", "question"]
    assert lines[1].split() == ["2", "unanswered", "-", "2026-03-01", "08:02", "孩子没户口能在这边上学吗"]
    assert lines[2].split() == ["1", "not_useful", "#9", "2026-03-01", "08:03", "疫苗在哪里打"]
    assert len(lines) == 3


def test_the_report_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    command = [sys.executable, "-c", "from bot.cli import main; main()", "report", "unanswered"]
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == "tongxing: the database has no schema yet: run `tongxing db upgrade`"
