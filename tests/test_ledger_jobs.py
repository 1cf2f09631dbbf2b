"""Reminders and overdue escalation, /forget, the retention purge (frozen clock) and the insert-only audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ledger import Agreement, ContactKind, Status
from bot.ledger.service import LedgerService
from bot.questions import QuestionLog
from bot.storage import SQLStorage
from tests.ledger_support import VILLAGE, Clock, World, standard_world


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    async with engine.connect() as conn:
        return [tuple(r) for r in (await conn.execute(sa.text(sql), params)).all()]


async def kinds(engine: AsyncEngine, kind: str) -> list[int | None]:
    return [c for (c,) in await rows(engine, "SELECT chat_id FROM outbox WHERE kind = :k ORDER BY id", k=kind)]


async def test_visits_are_reminded_once_and_overdue_ones_escalate(
    world: World, engine: AsyncEngine, clock: Clock
) -> None:
    director, supervisor = world.staff["director_a"], world.staff["supervisor_a"]
    case_id = (await world.ledger.file_request(world.draft(VILLAGE), world.consent())).case_id
    await world.ledger.accept(director, case_id)
    await world.ledger.record_visit(director, case_id, clock.now, "ok")  # next visit due in 30 days
    clock.advance(days=28)
    assert await world.ledger.run_reminders() == (0, 0)
    clock.advance(days=1, hours=1)  # within REMINDER_LEAD_DAYS of the due date
    assert await world.ledger.run_reminders() == (1, 0)
    assert await world.ledger.run_reminders() == (0, 0)  # once per due date
    assert await kinds(engine, "visit_reminder") == [director]
    clock.advance(days=4)  # due + OVERDUE_GRACE_DAYS passed without a visit
    assert await world.ledger.run_reminders() == (0, 1)
    assert await world.ledger.run_reminders() == (0, 0)
    assert await kinds(engine, "visit_overdue") == [supervisor]
    await world.ledger.record_visit(director, case_id, clock.now, "visited late")
    clock.advance(days=30)
    assert await world.ledger.run_reminders() == (1, 0)  # the new due date is reminded again


async def test_a_missed_first_visit_reaches_the_supervisor(world: World, engine: AsyncEngine, clock: Clock) -> None:
    await world.ledger.file_request(world.draft(VILLAGE, risk_flags=("no_guardian",)), world.consent())
    clock.advance(days=3 + 3, hours=1)  # FIRST_VISIT_DAYS_HIGH + OVERDUE_GRACE_DAYS
    assert await world.ledger.run_reminders() == (1, 1)  # the director reminded, the supervisor told
    assert await kinds(engine, "visit_overdue") == [world.staff["supervisor_a"]]
    texts = await rows(engine, "SELECT kind FROM outbox WHERE kind = 'visit_overdue'")
    assert len(texts) == 1
    listed = await world.ledger.list_cases(world.staff["director_a"])
    assert listed[0].overdue


async def test_forget_erases_the_family_everywhere_and_keeps_the_ledger_facts(
    world: World, engine: AsyncEngine, clock: Clock
) -> None:
    director = world.staff["director_a"]
    draft = world.draft(
        VILLAGE,
        child_alias="王小明",
        child_age=9,
        need_text="想给孩子转学",
        contact_kind=ContactKind.PHONE,
        contact_value="13800001111",
        address_detail="松牌路8号",
        risk_flags=("hardship",),
        entry_ids=(3,),
    )
    case_id = (await world.ledger.file_request(draft, world.consent())).case_id
    await world.ledger.accept(director, case_id)
    await world.ledger.record_visit(director, case_id, clock.now, "见到王小明")
    department = (await world.ledger.open_case(director, case_id)).departments[0]
    await world.ledger.refer(director, case_id, department, Agreement.ASK_FAMILY, "王小明 9岁")
    storage = SQLStorage(engine, clock=clock)
    await storage.set_data(StorageKey(42, 5001, 5001), {"alias": "王小明"})
    await QuestionLog(engine, clock).record("unanswered", "王小明怎么办", None, world.ledger.pseudonym("asker", 5001))
    report = await world.ledger.forget(5001)
    assert report.references == report.open_references and len(report.references) == 1
    assert report.fsm_rows == 1 and report.questions == 1 and report.outbox_rows >= 3
    detail = await world.ledger.open_case(director, case_id)
    assert (detail.child_alias, detail.need_text, detail.contact_value, detail.address_detail) == (None,) * 4
    assert detail.visits[0].notes is None and detail.child_age == 9 and detail.risk_flags == ("hardship",)
    assert detail.status is Status.VISITING and detail.visits and not detail.family_reachable
    assert await rows(engine, "SELECT count(*) FROM family") == [(0,)]
    assert await rows(engine, "SELECT count(*) FROM fsm_state") == [(0,)]
    assert await rows(engine, "SELECT count(*) FROM question_log") == [(0,)]
    assert await rows(engine, "SELECT count(*) FROM outbox WHERE target = 'family'") == [(0,)]
    assert await rows(engine, "SELECT withdrawn_at IS NOT NULL FROM consent") == [(True,)]
    assert await rows(engine, "SELECT status FROM referral") == [("declined",)]
    assert await kinds(engine, "case_forgotten") == [director]
    again = await world.ledger.file_request(world.draft(VILLAGE, child_alias="王小明"), world.consent())
    assert again.created  # nothing links the new request to the anonymised entry
    assert await world.ledger.my_cases(5001) != [] and len(await world.ledger.my_cases(5001)) == 1


async def test_purge_applies_each_retention_with_a_frozen_clock(
    engine: AsyncEngine, ledger: LedgerService, clock: Clock
) -> None:
    real_now = datetime.now(UTC).replace(microsecond=0)
    clock.now = real_now - timedelta(days=5 * 365)  # five years ago, by the database's clock too
    w = await standard_world(ledger)
    director = w.staff["director_a"]
    old = (await ledger.file_request(w.draft(VILLAGE, child_alias="旧"), w.consent())).case_id
    await ledger.accept(director, old)
    await ledger.close(director, old, "done")
    await QuestionLog(engine, clock).record("unanswered", "old question")
    await SQLStorage(engine, clock=clock).set_data(StorageKey(42, 7, 7), {"draft": 1})
    clock.now = real_now - timedelta(days=10)
    recent = (await ledger.file_request(w.draft(VILLAGE, child_alias="新", telegram_id=5002), w.consent())).case_id
    clock.now = real_now
    report = await ledger.purge()
    assert report.drafts == 1 and report.anonymised == 1 and report.questions == 1
    assert report.audit_rows > 0 and report.families == 1
    assert report.outbox_rows == 0  # unsent notices are never purged: five-year-old ones are still pending
    detail = await ledger.open_case(director, old)
    assert detail.child_alias is None and detail.status is Status.CLOSED
    assert (await ledger.open_case(director, recent)).child_alias == "新"
    young = await rows(engine, "SELECT count(*) FROM audit_log WHERE at > :t", t=real_now - timedelta(days=30))
    assert young[0][0] > 0
    assert await ledger.purge() == type(report)(0, 0, 0, 0, 0, 0, 0)


async def test_the_audit_log_refuses_updates_and_early_deletes(world: World, engine: AsyncEngine) -> None:
    await world.ledger.file_request(world.draft(VILLAGE), world.consent())
    for statement in ("UPDATE audit_log SET outcome = 'ok'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="insert-only"):
            async with engine.begin() as conn:
                await conn.execute(sa.text(statement))
    if engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="insert-only"):
            async with engine.begin() as conn:
                await conn.execute(sa.text("TRUNCATE audit_log"))
    assert (await rows(engine, "SELECT count(*) FROM audit_log"))[0][0] > 0


@pytest.mark.redis
async def test_forget_reaches_drafts_in_redis(
    world: World, engine: AsyncEngine, redis_url: str, redis_prefix: str
) -> None:
    from bot.ledger_wiring import make_ledger as wire
    from bot.storage import create_fsm_storage
    from tests.conftest import make_settings

    settings = make_settings(redis_url=redis_url, redis_prefix=redis_prefix)
    storage = create_fsm_storage(settings, engine)
    try:
        await storage.set_data(StorageKey(42, 5001, 5001), {"alias": "王小明"})
        await storage.set_state(StorageKey(42, 5001, 5001), "Help:need")
        await storage.set_data(StorageKey(42, 5009, 5009), {"other": "family"})
        raw = await storage.redis.get(storage.key_builder.build(StorageKey(42, 5001, 5001), "data"))  # type: ignore[attr-defined]
        assert b"\xe7\x8e\x8b" not in raw  # encrypted in Redis too ("王" in UTF-8)
        ledger = wire(settings, engine, storage)
        report = await ledger.forget(5001)
        assert report.fsm_rows == 1
        assert await storage.get_data(StorageKey(42, 5001, 5001)) == {}
        assert await storage.get_state(StorageKey(42, 5001, 5001)) is None
        assert await storage.get_data(StorageKey(42, 5009, 5009)) == {"other": "family"}
    finally:
        await storage.close()
