"""Ledger tables for places and people: areas, staff, invites, families, consents (docs/ledger-design.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.crypto import EncryptedText
from bot.models import UtcDateTime, utc_column


def column(type_: Any, *args: Any, nullable: bool = False, default: Any = None, **kw: Any) -> Any:
    """Field(...) for a column of `type_` (sqlmodel's own inference cannot express FKs, indexes, encryption)."""
    return Field(default=default, sa_column=sa.Column(type_, *args, nullable=nullable, **kw))


def pk() -> Any:
    return Field(default=None, sa_column=sa.Column(sa.Integer(), primary_key=True))


def fk(target: str, *, ondelete: str | None = None, nullable: bool = True, index: bool = True) -> Any:
    return column(sa.Integer(), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


def enc(nullable: bool = True) -> Any:
    """An encrypted text column: a grep of the database or a dump finds no plaintext (个保法第五十一条)."""
    return column(EncryptedText(), nullable=nullable)


def check_in(name: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    listed = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{name} IN ({listed})", name=name)


LEVELS = ("district", "township", "village")
ROLES = ("director", "supervisor", "operator")


class Area(SQLModel, table=True):
    """区县 → 乡镇/街道 → 村/社区; `path` ("/3/17/52/") makes "is this entry in my area" one prefix test."""

    __tablename__ = "area"
    __table_args__ = (check_in("level", LEVELS),)

    id: int | None = pk()
    parent_id: int | None = fk("area.id", ondelete="RESTRICT")
    level: str = column(sa.String(16))
    name: str = column(sa.String(100))
    full_name: str = column(sa.String(320), unique=True)
    path: str = column(sa.String(200), index=True, default="")
    created_at: datetime = utc_column()


class Staff(SQLModel, table=True):
    """A child director, supervisor or operator bound to an area by a redeemed invite."""

    __tablename__ = "staff"
    __table_args__ = (
        check_in("role", ROLES),
        sa.UniqueConstraint("telegram_id", "area_id", "role", name="uq_staff_person_area_role"),
    )

    id: int | None = pk()
    telegram_id: int = column(sa.BigInteger(), index=True)
    chat_id: int = column(sa.BigInteger())
    role: str = column(sa.String(16))
    area_id: int | None = fk("area.id", ondelete="RESTRICT")
    display_name: str | None = enc()
    active: bool = column(sa.Boolean(), default=True)
    created_at: datetime = utc_column()
    revoked_at: datetime | None = utc_column(nullable=True)


class Invite(SQLModel, table=True):
    """A one-time invite: only the code's keyed hash is kept, so a database copy cannot redeem it."""

    __tablename__ = "invite"
    __table_args__ = (check_in("role", ROLES),)

    id: int | None = pk()
    code_hash: str = column(sa.String(64), unique=True)
    role: str = column(sa.String(16))
    area_id: int = fk("area.id", ondelete="RESTRICT", nullable=False)
    created_at: datetime = utc_column()
    expires_at: datetime = utc_column()
    used_at: datetime | None = utc_column(nullable=True)
    staff_id: int | None = fk("staff.id", ondelete="SET NULL")
    revoked_at: datetime | None = utc_column(nullable=True)


class Family(SQLModel, table=True):
    """A Telegram user who filed a request; deleted by /forget (entries are unlinked, not deleted)."""

    __tablename__ = "family"

    id: int | None = pk()
    telegram_id: int = column(sa.BigInteger(), unique=True)
    chat_id: int = column(sa.BigInteger())
    created_at: datetime = utc_column()


class Consent(SQLModel, table=True):
    """A guardian's separate consent for the child's information, or the legal basis of an urgent override."""

    __tablename__ = "consent"
    __table_args__ = (check_in("basis", ("consent", "emergency")),)

    id: int | None = pk()
    family_id: int | None = fk("family.id", ondelete="SET NULL")
    scope: str = column(sa.String(16), default="child_info")
    basis: str = column(sa.String(16))
    rules_version: str | None = column(sa.String(16), nullable=True)
    text_hash: str | None = column(sa.String(64), nullable=True)
    legal_basis: str | None = column(sa.String(200), nullable=True)
    granted_at: datetime = utc_column()
    withdrawn_at: datetime | None = utc_column(nullable=True)


__all__ = ["Area", "Consent", "Family", "Invite", "Staff", "UtcDateTime"]
