"""Ledger tables for entries: the key-care entry, its filings, visits, referrals and the reference counter."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import SQLModel

from bot.ledger.models import check_in, column, enc, fk, pk
from bot.models import utc_column

STATUSES = ("new", "accepted", "visiting", "referred", "closed")
PRIORITIES = ("urgent", "high", "normal")
REF_STATUSES = ("awaiting", "referred", "received", "returned", "done", "declined")
AGREEMENTS = ("ask_family", "director_confirmed", "emergency")


class RefCounter(SQLModel, table=True):
    """The last reference number per year; incremented inside the filing transaction (row lock / IMMEDIATE)."""

    __tablename__ = "ref_counter"

    year: int = column(sa.Integer(), primary_key=True, autoincrement=False)
    last: int = column(sa.Integer(), default=0)


class Case(SQLModel, table=True):
    """A help request = a key-care entry (重点关爱服务对象信息台账, 方案 二（一）3)."""

    __tablename__ = "ledger_case"
    __table_args__ = (
        check_in("status", STATUSES),
        check_in("priority", PRIORITIES),
        check_in("basis", ("consent", "emergency")),
    )

    id: int | None = pk()
    reference: str = column(sa.String(16), unique=True)
    family_id: int | None = fk("family.id", ondelete="SET NULL")
    area_id: int = fk("area.id", ondelete="RESTRICT", nullable=False)
    consent_id: int | None = fk("consent.id", ondelete="SET NULL")
    basis: str = column(sa.String(16))
    # Keyed hash of (family, child): finds "the same family filing again for the same child" without decrypting.
    child_key: str | None = column(sa.String(32), nullable=True, index=True)
    child_alias: str | None = enc()
    child_age: int | None = column(sa.Integer(), nullable=True)
    need_text: str | None = enc()
    entry_ids: list[int] = column(sa.JSON(), default=[])
    risk_flags: list[str] = column(sa.JSON(), default=[])
    risk_detail: str | None = enc()
    urgent: bool = column(sa.Boolean(), default=False)
    priority: str = column(sa.String(8))
    status: str = column(sa.String(12), index=True)
    contact_kind: str | None = enc()
    contact_value: str | None = enc()
    address_detail: str | None = enc()
    close_note: str | None = enc()
    filed_at: datetime = utc_column()
    updated_at: datetime = utc_column()
    first_visit_due: datetime = utc_column()
    next_visit_due: datetime | None = utc_column(nullable=True, index=True)
    accepted_at: datetime | None = utc_column(nullable=True)
    closed_at: datetime | None = utc_column(nullable=True, index=True)
    anonymised_at: datetime | None = utc_column(nullable=True)
    # The due date a reminder / an escalation was already queued for, so each goes out once per due date.
    reminded_for: datetime | None = utc_column(nullable=True)
    escalated_for: datetime | None = utc_column(nullable=True)


class CaseFiling(SQLModel, table=True):
    """Every filing, the first and the repeats attached to an open entry; the idempotency key is unique."""

    __tablename__ = "case_filing"

    id: int | None = pk()
    case_id: int = fk("ledger_case.id", ondelete="CASCADE", nullable=False)
    idempotency_key: str = column(sa.String(64), unique=True)
    filed_at: datetime = utc_column()
    need_text: str | None = enc()
    risk_flags: list[str] = column(sa.JSON(), default=[])
    urgent: bool = column(sa.Boolean(), default=False)


class Visit(SQLModel, table=True):
    """A visit (走访探视) to the child: when, by whom, notes, and when the next one is due."""

    __tablename__ = "visit"

    id: int | None = pk()
    case_id: int = fk("ledger_case.id", ondelete="CASCADE", nullable=False)
    staff_id: int | None = fk("staff.id", ondelete="SET NULL")
    visited_at: datetime = utc_column()
    notes: str | None = enc()
    next_due: datetime | None = utc_column(nullable=True)
    created_at: datetime = utc_column()


class Referral(SQLModel, table=True):
    """A referral (转介) to a department, with its own status and how the family's agreement was obtained."""

    __tablename__ = "referral"
    __table_args__ = (check_in("status", REF_STATUSES), check_in("agreement", AGREEMENTS))

    id: int | None = pk()
    case_id: int = fk("ledger_case.id", ondelete="CASCADE", nullable=False)
    department: str = column(sa.String(64))
    status: str = column(sa.String(12))
    agreement: str = column(sa.String(24))
    agreed_at: datetime | None = utc_column(nullable=True)
    # Only what the department needs (个保法第二十三条, minimum necessary), written by the director.
    shared_text: str | None = enc()
    reason: str | None = enc()
    staff_id: int | None = fk("staff.id", ondelete="SET NULL")
    created_at: datetime = utc_column()
    updated_at: datetime = utc_column()
