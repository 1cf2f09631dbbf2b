"""Rows of a filing: the reference counter and the per-family lock (safe under concurrency), consent, result."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select

from bot.ledger.casemodels import Case, RefCounter
from bot.ledger.core import Tx
from bot.ledger.models import Consent, Family
from bot.ledger.types import EMERGENCY_BASIS, Basis, GivenConsent, Priority, Status
from bot.ledger.values import FilingResult


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


def consent_row(family: Family, consent: GivenConsent | None, basis: Basis, now: datetime) -> Consent:
    if basis is Basis.EMERGENCY or consent is None:
        return Consent(family_id=family.id, basis=basis.value, legal_basis=EMERGENCY_BASIS, granted_at=now)
    return Consent(
        family_id=family.id,
        basis=basis.value,
        rules_version=consent.rules_version,
        text_hash=consent.text_hash,
        granted_at=consent.given_at,
    )


def basis_detail(basis: Basis) -> str | None:
    return "override: " + EMERGENCY_BASIS if basis is Basis.EMERGENCY else None


def filing_result(case: Case, *, created: bool, repeated: bool, routed: tuple[str, ...]) -> FilingResult:
    assert case.id is not None
    return FilingResult(
        case_id=case.id,
        reference=case.reference,
        created=created,
        repeated=repeated,
        priority=Priority(case.priority),
        status=Status(case.status),
        first_visit_due=case.first_visit_due,
        routed_to=routed,
    )
