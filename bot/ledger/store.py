"""Writes that must be safe under concurrency: the reference counter and the per-family lock."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select

from bot.ledger.casemodels import RefCounter
from bot.ledger.core import Tx
from bot.ledger.models import Family


def _insert(tx: Tx, table: Any) -> Any:
    """INSERT with ON CONFLICT, in the dialect at hand (both SQLite and PostgreSQL have it)."""
    dialect = tx.session.bind.dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


async def next_reference(tx: Tx, year: int) -> str:
    """CQ-YYYY-NNNNNN from a per-year counter; the UPDATE's row lock (or IMMEDIATE) serialises filings.

    A number is only used when the filing commits; a rolled-back filing leaves no gap because the counter
    rolls back with it.
    """
    table = RefCounter.__table__  # type: ignore[attr-defined]
    await tx.session.exec(_insert(tx, table).values(year=year, last=0).on_conflict_do_nothing(index_elements=["year"]))
    stmt = update(table).where(table.c.year == year).values(last=table.c.last + 1).returning(table.c.last)
    number = (await tx.session.exec(stmt)).scalar_one()
    return f"CQ-{year}-{number:06d}"


async def locked_family(tx: Tx, telegram_id: int, chat_id: int) -> Family:
    """The family row, created if new, and locked: one family's filings run one at a time (duplicates)."""
    table = Family.__table__  # type: ignore[attr-defined]
    values = {"telegram_id": telegram_id, "chat_id": chat_id, "created_at": tx.now}
    await tx.session.exec(_insert(tx, table).values(**values).on_conflict_do_nothing(index_elements=["telegram_id"]))
    stmt = select(Family).where(Family.telegram_id == telegram_id).with_for_update()
    family = (await tx.session.exec(stmt.execution_options(populate_existing=True))).one()
    family.chat_id = chat_id
    return family
