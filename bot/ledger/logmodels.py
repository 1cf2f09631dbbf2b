"""The audit log (insert-only, enforced by triggers) and the outbox of notifications (never dropped)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

from bot.ledger.models import check_in, column, enc, fk, pk
from bot.models import utc_column

OUTCOMES = ("ok", "refused", "error")
OUTBOX_STATUSES = ("pending", "sent", "escalated")
TARGETS = ("family", "staff", "operators")
# Audit rows younger than this cannot be deleted, whatever the settings say (the migration's triggers).
AUDIT_MIN_DAYS = 1095


class AuditLog(SQLModel, table=True):
    """Who did what to which entry, when, with what outcome: never the content, only pseudonymous ids."""

    __tablename__ = "audit_log"
    __table_args__ = (check_in("outcome", OUTCOMES),)

    id: int | None = pk()
    at: datetime = utc_column(index=True)
    actor: str = column(sa.String(40))  # "staff:<id>", "family:<pseudonym>", "operator:cli", "system"
    role: str = column(sa.String(16))
    area_id: int | None = column(sa.Integer(), nullable=True)  # no FK: the log outlives what it names
    action: str = column(sa.String(32))
    case_id: int | None = column(sa.Integer(), nullable=True, index=True)
    reference: str | None = column(sa.String(16), nullable=True, index=True)
    outcome: str = column(sa.String(8))
    detail: str | None = column(sa.String(200), nullable=True)  # a reason code, never personal data


class Outbox(SQLModel, table=True):
    """A notification written in the same transaction as the change it announces; the sender delivers it."""

    __tablename__ = "outbox"
    __table_args__ = (
        check_in("status", OUTBOX_STATUSES),
        check_in("target", TARGETS),
        sa.Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: int | None = pk()
    created_at: datetime = utc_column()
    target: str = column(sa.String(12))
    chat_id: int | None = column(sa.BigInteger(), nullable=True, index=True)  # None: OPERATORS_CHAT_ID at send
    family_id: int | None = fk("family.id", ondelete="SET NULL")
    staff_id: int | None = fk("staff.id", ondelete="SET NULL")
    case_id: int | None = fk("ledger_case.id", ondelete="SET NULL")
    kind: str = column(sa.String(32))
    urgent: bool = column(sa.Boolean(), default=False)
    text: str = enc(nullable=False)
    markup: dict[str, Any] | None = column(sa.JSON(), nullable=True)  # InlineKeyboardMarkup as a dict
    dedup_key: str | None = column(sa.String(96), nullable=True, unique=True)
    status: str = column(sa.String(12), default="pending")
    attempts: int = column(sa.Integer(), default=0)
    next_attempt_at: datetime = utc_column()
    lease_until: datetime | None = utc_column(nullable=True)
    leased_by: str | None = column(sa.String(40), nullable=True)
    sent_at: datetime | None = utc_column(nullable=True, index=True)
    message_id: int | None = column(sa.BigInteger(), nullable=True)
    last_error: str | None = column(sa.String(200), nullable=True)
    escalated_at: datetime | None = utc_column(nullable=True)  # a person was told it is late or undeliverable
    escalation_of: int | None = fk("outbox.id", ondelete="SET NULL")
