"""Every migration upgrades from each earlier revision on seeded data: row counts and encrypted values survive."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from bot.crypto import decrypt_json, keyring
from bot.db import make_engine, make_sync_engine
from bot.ledger import ContactKind
from bot.migrate import alembic_config, current_revision, downgrade, head_revision, upgrade
from tests.ledger_support import Clock, make_ledger, standard_world

REVISIONS = [
    s.revision for s in reversed(list(ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions()))
]
DRAFT = {"step": 3, "alias": "欧阳小雨", "children": [{"age": 7}]}


def seed_infra(url: str) -> None:
    """Rows of the 0001 tables, written as 0001 stored them (FSM data as plain JSON)."""
    engine = make_sync_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO fsm_state (key, user_id, state, data, updated_at, expires_at) VALUES "
                "('42:5001:5001::default', 5001, 'Ask:need', :data, '2026-03-01 00:00:00', '2026-03-08 00:00:00'),"
                "('42:5002:5002::default', 5002, NULL, :empty, '2026-03-01 00:00:00', NULL)"
            ),
            {"data": json.dumps(DRAFT, ensure_ascii=False), "empty": "{}"},
        )
        conn.execute(sa.text("INSERT INTO seen_update VALUES (42, 1, '2026-03-01 00:00:00')"))
        conn.execute(
            sa.text(
                "INSERT INTO question_log (kind, question, entry_id, created_at) VALUES ('unanswered', 'q', 3, :t)"
            ),
            {"t": "2026-03-01 00:00:00"},
        )
    engine.dispose()


async def seed_ledger(url: str) -> None:
    """Ledger rows through the service (its tables are the same from 0002 on)."""
    engine = make_engine(url)
    try:
        ledger = make_ledger(engine, Clock())
        w = await standard_world(ledger)
        draft = w.draft(
            "渝北区/龙溪街道/松牌路社区",
            child_alias="欧阳小雨",
            contact_kind=ContactKind.PHONE,
            contact_value="13912345678",
            address_detail="松牌路88号",
        )
        result = await ledger.file_request(draft, w.consent())
        await ledger.accept(w.staff["director_a"], result.case_id)
    finally:
        await engine.dispose()


def snapshot(url: str) -> dict[str, Any]:
    """Row counts of every table, and the decrypted sensitive values, as the database holds them now."""
    engine = make_sync_engine(url)
    try:
        with engine.connect() as conn:
            tables = [t for t in sa.inspect(conn).get_table_names() if t != "alembic_version"]
            counts = {t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}
            rows = conn.execute(sa.text("SELECT key, data FROM fsm_state"))
            drafts = {k: decrypt_json(d) if isinstance(d, str) else d for k, d in rows}  # 0001 on PostgreSQL: JSON
            cases: list[Any] = []
            if "ledger_case" in tables:
                raw = conn.execute(sa.text("SELECT child_alias, contact_value, address_detail FROM ledger_case"))
                cases = [tuple(keyring().decrypt(v) for v in row) for row in raw]
                outbox = [keyring().decrypt(t) for (t,) in conn.execute(sa.text("SELECT text FROM outbox"))]
                cases += [tuple(outbox)] if outbox else []
    finally:
        engine.dispose()
    return {"counts": counts, "drafts": drafts, "cases": cases}


@pytest.mark.parametrize("start", REVISIONS[:-1])
async def test_upgrade_from_each_earlier_revision_keeps_the_data(empty_db_url: str, start: str) -> None:
    upgrade(empty_db_url, start)
    seed_infra(empty_db_url)
    if REVISIONS.index(start) >= REVISIONS.index("0002"):
        await seed_ledger(empty_db_url)
    before = snapshot(empty_db_url)
    upgrade(empty_db_url)
    assert current_revision(empty_db_url) == head_revision()
    after = snapshot(empty_db_url)
    assert {t: after["counts"][t] for t in before["counts"]} == before["counts"]
    assert after["drafts"] == before["drafts"] == {"42:5001:5001::default": DRAFT, "42:5002:5002::default": {}}
    assert after["cases"] == before["cases"]
    engine = make_sync_engine(empty_db_url)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT data FROM fsm_state")).scalars().all()
    engine.dispose()
    assert all(not s.startswith("{") and "欧阳" not in s for s in stored)  # encrypted at rest now


async def test_downgrade_to_each_revision_keeps_the_data_readable(empty_db_url: str) -> None:
    upgrade(empty_db_url, "0001")
    seed_infra(empty_db_url)
    upgrade(empty_db_url)
    await seed_ledger(empty_db_url)
    for target in reversed(REVISIONS[:-1]):
        downgrade(empty_db_url, target)
        assert snapshot(empty_db_url)["drafts"]["42:5001:5001::default"] == DRAFT
    engine = make_sync_engine(empty_db_url)
    with engine.connect() as conn:
        plain = conn.execute(sa.text("SELECT data FROM fsm_state WHERE user_id = 5001")).scalar_one()
    engine.dispose()
    assert (json.loads(plain) if isinstance(plain, str) else plain) == DRAFT
