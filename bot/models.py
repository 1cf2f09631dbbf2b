"""Infrastructure tables (FSM state, seen updates, question log) and the shared column types."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel

# Named constraints: Alembic's SQLite batch mode can only drop or alter a constraint it can name. Set before
# any table is defined; every model module imports this one (for UtcDateTime), so the order holds.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


# Services take a clock so tests can freeze or advance time instead of sleeping.
Clock = Callable[[], datetime]


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp (SQLite keeps no zone: UTC is stored, then re-attached)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime for a UTC column; use bot.models.utcnow() or tz-aware values")
        value = value.astimezone(UTC)
        # SQLite compares timestamps as text: store one fixed format without an offset.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(*, nullable: bool = False, index: bool = False) -> Any:
    """Field(...) for a UTC timestamp column."""
    return Field(sa_column=sa.Column(UtcDateTime(), nullable=nullable, index=index))


class FsmState(SQLModel, table=True):
    """aiogram FSM state and data per storage key; rows past expires_at read as empty (drafts expire)."""

    __tablename__ = "fsm_state"

    key: str = Field(sa_column=sa.Column(sa.String(255), primary_key=True))
    # Kept beside the key so /forget can find every row of a user without parsing keys.
    user_id: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False, index=True))
    state: str | None = Field(default=None, sa_column=sa.Column(sa.String(255), nullable=True))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON(), nullable=False))
    updated_at: datetime = utc_column()
    expires_at: datetime | None = utc_column(nullable=True, index=True)


class SeenUpdate(SQLModel, table=True):
    """Telegram update ids already handled, per bot; kept a little over the 24 h Telegram may re-deliver."""

    __tablename__ = "seen_update"

    bot_id: int = Field(sa_column=sa.Column(sa.BigInteger(), primary_key=True, autoincrement=False))
    update_id: int = Field(sa_column=sa.Column(sa.BigInteger(), primary_key=True, autoincrement=False))
    seen_at: datetime = utc_column(index=True)


class QuestionKind(StrEnum):
    """Why a question is in the content editors' report."""

    UNANSWERED = "unanswered"
    NOT_USEFUL = "not_useful"
    USEFUL = "useful"
    CLARIFY = "clarify"


class LoggedQuestion(SQLModel, table=True):
    """Questions families asked, already scrubbed of personal data by the caller, for the editors' report."""

    __tablename__ = "question_log"
    __table_args__ = (sa.CheckConstraint("kind IN ('unanswered', 'not_useful', 'useful', 'clarify')", name="kind"),)

    id: int | None = Field(default=None, sa_column=sa.Column(sa.Integer(), primary_key=True))
    kind: str = Field(sa_column=sa.Column(sa.String(16), nullable=False, index=True))
    question: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    # The checklist entry the answer showed (content id, not a foreign key: entries live in content/).
    entry_id: int | None = Field(default=None, sa_column=sa.Column(sa.Integer(), nullable=True))
    created_at: datetime = utc_column(index=True)
