"""Encrypt FSM drafts at rest (fsm_state.data JSON → Fernet text); question_log.asker so /forget reaches it.

Existing drafts are re-written encrypted, so `tongxing db upgrade` needs the keys (ENCRYPTION_KEYS, or the dev
key file) whenever fsm_state has rows; the downgrade decrypts them back.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _convert(source: str, target: str, encrypt: bool) -> None:
    from bot.crypto import keyring  # only when there are rows: an empty table needs no keys

    bind = op.get_bind()
    table = sa.table("fsm_state", sa.column("key", sa.String), sa.column(source), sa.column(target))
    for key, value in bind.execute(sa.select(table.c.key, table.c[source])).all():
        if encrypt:
            plain = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            new = keyring().encrypt(json.dumps(json.loads(plain), ensure_ascii=False, separators=(",", ":")))
        else:
            new = keyring().decrypt(value)
        bind.execute(sa.update(table).where(table.c.key == key).values({target: new}))


def upgrade() -> None:
    with op.batch_alter_table("question_log") as batch:
        batch.add_column(sa.Column("asker", sa.String(length=32), nullable=True))
        batch.create_index(batch.f("ix_question_log_asker"), ["asker"])
    with op.batch_alter_table("fsm_state") as batch:
        batch.add_column(sa.Column("data_enc", sa.Text(), nullable=True))
    _convert("data", "data_enc", encrypt=True)
    with op.batch_alter_table("fsm_state") as batch:
        batch.drop_column("data")
        batch.alter_column("data_enc", new_column_name="data", existing_type=sa.Text(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("fsm_state") as batch:
        batch.add_column(sa.Column("data_plain", sa.Text(), nullable=True))
    _convert("data", "data_plain", encrypt=False)
    with op.batch_alter_table("fsm_state") as batch:
        batch.drop_column("data")
        batch.alter_column("data_plain", new_column_name="data", existing_type=sa.Text(), nullable=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE fsm_state ALTER COLUMN data TYPE JSON USING data::json")
    with op.batch_alter_table("question_log") as batch:
        batch.drop_index(batch.f("ix_question_log_asker"))
        batch.drop_column("asker")
