"""Bodies of `tongxing db …` and `tongxing report unanswered`: the database seen from the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError

from bot.cli import fail
from bot.db import DatabaseUrlError, database_url, make_engine, sync_url
from bot.migrate import SchemaError, current_revision, ensure_schema, head_revision, schema_problem, upgrade
from bot.questions import QuestionLog, ReportRow
from bot.settings import Settings


def _url() -> str:
    try:
        return database_url(Settings())
    except DatabaseUrlError as err:
        fail(str(err))
        raise  # unreachable: fail() exits; keeps the type checker sure a str is returned


def _shown(url: str) -> str:
    return make_url(sync_url(url)).render_as_string(hide_password=True)


@contextmanager
def _database_errors(url: str) -> Iterator[None]:
    """One line for the errors an operator can fix (server down, wrong path, old schema), not a traceback."""
    try:
        yield
    except OperationalError as err:
        reason = str(err.orig or err).strip().splitlines()[0]
        fail(f"cannot use the database {_shown(url)}: {reason}")
    except SchemaError as err:
        fail(str(err))


def upgrade_command() -> None:
    from bot.ledger_wiring import configure_keys

    configure_keys(Settings(), lazily=True)  # migration 0003 encrypts existing drafts, if there are any
    url = _url()
    with _database_errors(url):
        before = current_revision(url)
        upgrade(url)
        after = current_revision(url)
    if before == after:
        print(f"database {_shown(url)} is up to date (revision {after})")
    else:
        print(f"database {_shown(url)} upgraded: {before or 'empty'} -> {after}")


def current_command() -> None:
    url = _url()
    with _database_errors(url):
        current = current_revision(url)
    print(f"database:         {_shown(url)}")
    print(f"current revision: {current or 'none (empty database)'}")
    print(f"needed revision:  {head_revision()}")
    print(schema_problem(current) or "up to date")


async def _report(url: str, limit: int) -> list[ReportRow]:
    engine = make_engine(url)
    try:
        await ensure_schema(engine)
        return await QuestionLog(engine).report(limit)
    finally:
        await engine.dispose()


def unanswered_command(limit: int) -> None:
    url = _url()
    with _database_errors(url):
        rows = asyncio.run(_report(url, limit))
    if not rows:
        print("no unanswered or not-useful questions recorded")
        return
    # The question goes last: CJK characters are two columns wide and would break any alignment after them.
    print(f"{'count':>5}  {'kind':<10}  {'entry':<5}  {'last seen (UTC)':<16}  question")
    for row in rows:
        entry = f"#{row.entry_id}" if row.entry_id is not None else "-"
        seen = row.last_seen.strftime("%Y-%m-%d %H:%M")
        print(f"{row.count:>5}  {row.kind.value:<10}  {entry:<5}  {seen:<16}  {row.question}")
