"""Key-care ledger: areas, staff, invites, families, consents, entries, filings, visits, referrals, outbox, audit log.

The audit log is insert-only: triggers refuse UPDATE (and TRUNCATE on PostgreSQL) and refuse DELETE of rows
younger than AUDIT_MIN_DAYS (the purge may remove older ones). SQLite's batch mode rebuilds a table without its
triggers: a later migration that batch-alters audit_log must call create_audit_guards() again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUDIT_MIN_DAYS = 1095  # 3 years (PIPIA records, 个保法第五十六条); bot.ledger.logmodels.AUDIT_MIN_DAYS

SQLITE_GUARDS = (
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is insert-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    WHEN OLD.at > datetime('now', '-{AUDIT_MIN_DAYS} days')
    BEGIN SELECT RAISE(ABORT, 'audit_log is insert-only: DELETE of a row younger than the retention refused'); END""",
)
POSTGRES_GUARDS = (
    f"""CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF OLD.at <= now() - interval '{AUDIT_MIN_DAYS} days' THEN
                RETURN OLD;
            END IF;
        END IF;
        RAISE EXCEPTION 'audit_log is insert-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$""",
    """CREATE TRIGGER audit_log_insert_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_guard()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard()""",
    # Harmless where PUBLIC had nothing; a deployment's app role should hold SELECT, INSERT, DELETE only.
    "REVOKE UPDATE, TRUNCATE ON audit_log FROM PUBLIC",
)


def create_audit_guards() -> None:
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_GUARDS if dialect == "sqlite" else POSTGRES_GUARDS:
        op.execute(statement)


def drop_audit_guards() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_insert_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_guard()")


def upgrade() -> None:
    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("full_name", sa.String(length=320), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("level IN ('district', 'township', 'village')", name=op.f("ck_area_level")),
        sa.ForeignKeyConstraint(["parent_id"], ["area.id"], name=op.f("fk_area_parent_id_area"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area")),
        sa.UniqueConstraint("full_name", name=op.f("uq_area_full_name")),
    )
    op.create_index(op.f("ix_area_parent_id"), "area", ["parent_id"])
    op.create_index(op.f("ix_area_path"), "area", ["path"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=16), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.CheckConstraint("outcome IN ('ok', 'refused', 'error')", name=op.f("ck_audit_log_outcome")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_case_id"), "audit_log", ["case_id"])
    op.create_index(op.f("ix_audit_log_reference"), "audit_log", ["reference"])

    op.create_table(
        "family",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family")),
        sa.UniqueConstraint("telegram_id", name=op.f("uq_family_telegram_id")),
    )
    op.create_table(
        "ref_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_ref_counter")),
    )
    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("rules_version", sa.String(length=16), nullable=True),
        sa.Column("text_hash", sa.String(length=64), nullable=True),
        sa.Column("legal_basis", sa.String(length=200), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("basis IN ('consent', 'emergency')", name=op.f("ck_consent_basis")),
        sa.ForeignKeyConstraint(
            ["family_id"], ["family.id"], name=op.f("fk_consent_family_id_family"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    op.create_index(op.f("ix_consent_family_id"), "consent", ["family_id"])

    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('director', 'supervisor', 'operator')", name=op.f("ck_staff_role")),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_staff_area_id_area"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("telegram_id", "area_id", "role", name="uq_staff_person_area_role"),
    )
    op.create_index(op.f("ix_staff_area_id"), "staff", ["area_id"])
    op.create_index(op.f("ix_staff_telegram_id"), "staff", ["telegram_id"])

    op.create_table(
        "invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("role IN ('director', 'supervisor', 'operator')", name=op.f("ck_invite_role")),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_invite_area_id_area"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_invite_staff_id_staff"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_invite_code_hash")),
    )
    op.create_index(op.f("ix_invite_area_id"), "invite", ["area_id"])
    op.create_index(op.f("ix_invite_staff_id"), "invite", ["staff_id"])

    op.create_table(
        "ledger_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.Integer(), nullable=True),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("child_key", sa.String(length=32), nullable=True),
        sa.Column("child_alias", sa.Text(), nullable=True),
        sa.Column("child_age", sa.Integer(), nullable=True),
        sa.Column("need_text", sa.Text(), nullable=True),
        sa.Column("entry_ids", sa.JSON(), nullable=False),
        sa.Column("risk_flags", sa.JSON(), nullable=False),
        sa.Column("risk_detail", sa.Text(), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("contact_kind", sa.Text(), nullable=True),
        sa.Column("contact_value", sa.Text(), nullable=True),
        sa.Column("address_detail", sa.Text(), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_visit_due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_visit_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_for", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("basis IN ('consent', 'emergency')", name=op.f("ck_ledger_case_basis")),
        sa.CheckConstraint("priority IN ('urgent', 'high', 'normal')", name=op.f("ck_ledger_case_priority")),
        sa.CheckConstraint(
            "status IN ('new', 'accepted', 'visiting', 'referred', 'closed')", name=op.f("ck_ledger_case_status")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_ledger_case_area_id_area"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["consent_id"], ["consent.id"], name=op.f("fk_ledger_case_consent_id_consent"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["family_id"], ["family.id"], name=op.f("fk_ledger_case_family_id_family"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_case")),
        sa.UniqueConstraint("reference", name=op.f("uq_ledger_case_reference")),
    )
    op.create_index(op.f("ix_ledger_case_area_id"), "ledger_case", ["area_id"])
    op.create_index(op.f("ix_ledger_case_child_key"), "ledger_case", ["child_key"])
    op.create_index(op.f("ix_ledger_case_closed_at"), "ledger_case", ["closed_at"])
    op.create_index(op.f("ix_ledger_case_consent_id"), "ledger_case", ["consent_id"])
    op.create_index(op.f("ix_ledger_case_family_id"), "ledger_case", ["family_id"])
    op.create_index(op.f("ix_ledger_case_next_visit_due"), "ledger_case", ["next_visit_due"])
    op.create_index(op.f("ix_ledger_case_status"), "ledger_case", ["status"])

    op.create_table(
        "case_filing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("need_text", sa.Text(), nullable=True),
        sa.Column("risk_flags", sa.JSON(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["ledger_case.id"], name=op.f("fk_case_filing_case_id_ledger_case"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_filing")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_case_filing_idempotency_key")),
    )
    op.create_index(op.f("ix_case_filing_case_id"), "case_filing", ["case_id"])

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("target", sa.String(length=12), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("family_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("markup", sa.JSON(), nullable=True),
        sa.Column("dedup_key", sa.String(length=96), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("leased_by", sa.String(length=40), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalation_of", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sent', 'escalated')", name=op.f("ck_outbox_status")),
        sa.CheckConstraint("target IN ('family', 'staff', 'operators')", name=op.f("ck_outbox_target")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["ledger_case.id"], name=op.f("fk_outbox_case_id_ledger_case"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["escalation_of"], ["outbox.id"], name=op.f("fk_outbox_escalation_of_outbox"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["family_id"], ["family.id"], name=op.f("fk_outbox_family_id_family"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_outbox_staff_id_staff"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_outbox_dedup_key")),
    )
    op.create_index(op.f("ix_outbox_case_id"), "outbox", ["case_id"])
    op.create_index(op.f("ix_outbox_chat_id"), "outbox", ["chat_id"])
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.create_index(op.f("ix_outbox_escalation_of"), "outbox", ["escalation_of"])
    op.create_index(op.f("ix_outbox_family_id"), "outbox", ["family_id"])
    op.create_index(op.f("ix_outbox_sent_at"), "outbox", ["sent_at"])
    op.create_index(op.f("ix_outbox_staff_id"), "outbox", ["staff_id"])

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("agreement", sa.String(length=24), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shared_text", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "agreement IN ('ask_family', 'director_confirmed', 'emergency')", name=op.f("ck_referral_agreement")
        ),
        sa.CheckConstraint(
            "status IN ('awaiting', 'referred', 'received', 'returned', 'done', 'declined')",
            name=op.f("ck_referral_status"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["ledger_case.id"], name=op.f("fk_referral_case_id_ledger_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_referral_staff_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    op.create_index(op.f("ix_referral_case_id"), "referral", ["case_id"])
    op.create_index(op.f("ix_referral_staff_id"), "referral", ["staff_id"])

    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("visited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("next_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["ledger_case.id"], name=op.f("fk_visit_case_id_ledger_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_visit_staff_id_staff"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
    )
    op.create_index(op.f("ix_visit_case_id"), "visit", ["case_id"])
    op.create_index(op.f("ix_visit_staff_id"), "visit", ["staff_id"])
    create_audit_guards()


def downgrade() -> None:
    drop_audit_guards()
    op.drop_table("visit")
    op.drop_table("referral")
    op.drop_table("outbox")
    op.drop_table("case_filing")
    op.drop_table("ledger_case")
    op.drop_table("invite")
    op.drop_table("staff")
    op.drop_table("consent")
    op.drop_table("ref_counter")
    op.drop_table("family")
    op.drop_table("audit_log")
    op.drop_table("area")
