"""Infrastructure tables: fsm_state (aiogram FSM with TTL), seen_update (update dedup), question_log.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fsm_state",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=255), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_fsm_state")),
    )
    op.create_index(op.f("ix_fsm_state_expires_at"), "fsm_state", ["expires_at"])
    op.create_index(op.f("ix_fsm_state_user_id"), "fsm_state", ["user_id"])

    op.create_table(
        "seen_update",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", "update_id", name=op.f("pk_seen_update")),
    )
    op.create_index(op.f("ix_seen_update_seen_at"), "seen_update", ["seen_at"])

    op.create_table(
        "question_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('unanswered', 'not_useful', 'useful', 'clarify')", name=op.f("ck_question_log_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_log")),
    )
    op.create_index(op.f("ix_question_log_created_at"), "question_log", ["created_at"])
    op.create_index(op.f("ix_question_log_kind"), "question_log", ["kind"])


def downgrade() -> None:
    op.drop_table("question_log")
    op.drop_table("seen_update")
    op.drop_table("fsm_state")
