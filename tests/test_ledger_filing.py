"""Filing: consent enforced in the service, one entry per child while open, priority, routing, idempotency."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ledger import BadInput, Basis, ConsentRequired, GivenConsent, Priority, Status
from bot.ledger.service import LedgerService
from tests.ledger_support import VILLAGE, Clock, World, make_ledger


async def count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(sa.text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def outbox_chats(engine: AsyncEngine) -> list[int | None]:
    async with engine.connect() as conn:
        return [r[0] for r in (await conn.execute(sa.text("SELECT chat_id FROM outbox ORDER BY id"))).all()]


async def test_without_consent_nothing_is_stored(world: World, engine: AsyncEngine) -> None:
    before = {t: await count(engine, t) for t in ("family", "consent", "ledger_case", "outbox", "audit_log")}
    with pytest.raises(ConsentRequired):
        await world.ledger.file_request(world.draft(VILLAGE, child_alias="小明"), None)
    stale = GivenConsent("v0", world.ledger.consent_terms().text_hash, world.ledger.clock())
    with pytest.raises(ConsentRequired):
        await world.ledger.file_request(world.draft(VILLAGE), stale)
    after = {t: await count(engine, t) for t in before}
    assert after == before


async def test_a_request_becomes_one_entry_routed_to_the_area_director(world: World, engine: AsyncEngine) -> None:
    draft = world.draft(VILLAGE, child_alias="小明", need_text="孩子上学", entry_ids=(3,), child_age=8)
    result = await world.ledger.file_request(draft, world.consent())
    assert result.created and not result.repeated
    assert result.reference == "CQ-2026-000001"
    assert result.status is Status.NEW and result.priority is Priority.NORMAL
    assert result.routed_to == ("director",)
    assert await outbox_chats(engine) == [world.staff["director_a"]]
    again = await world.ledger.file_request(draft, world.consent())  # 确认 pressed twice
    assert again.repeated and again.reference == result.reference
    assert await count(engine, "ledger_case") == 1 and await count(engine, "outbox") == 1


async def test_the_same_child_again_while_open_joins_the_entry(world: World) -> None:
    first = await world.ledger.file_request(world.draft(VILLAGE, child_alias="小明"), world.consent())
    second = await world.ledger.file_request(
        world.draft(VILLAGE, child_alias=" 小 明", risk_flags=("no_guardian",)), world.consent()
    )
    assert second.reference == first.reference and not second.created and not second.repeated
    assert second.priority is Priority.HIGH  # the new risk answer raised it
    other = await world.ledger.file_request(world.draft(VILLAGE, child_alias="小红"), world.consent())
    assert other.reference != first.reference


@pytest.mark.parametrize(
    ("flags", "urgent", "expected"),
    [
        ((), False, Priority.NORMAL),
        (("hardship",), False, Priority.NORMAL),
        (("psych",), False, Priority.HIGH),
        (("hardship", "disability"), False, Priority.HIGH),
        ((), True, Priority.URGENT),
    ],
)
async def test_priority_from_risk_flags(world: World, flags: tuple[str, ...], urgent: bool, expected: Priority) -> None:
    result = await world.ledger.file_request(world.draft(VILLAGE, risk_flags=flags, urgent=urgent), world.consent())
    assert result.priority is expected


async def test_urgent_override_records_its_legal_basis_and_reaches_the_supervisor(
    world: World, engine: AsyncEngine
) -> None:
    result = await world.ledger.file_urgent(world.draft(VILLAGE, need_text="邻居家孩子被打"))
    assert result.priority is Priority.URGENT
    assert set(result.routed_to) == {"director", "supervisor"}
    assert sorted(await outbox_chats(engine)) == sorted([world.staff["director_a"], world.staff["supervisor_a"]])
    async with engine.connect() as conn:
        basis = (await conn.execute(sa.text("SELECT basis, legal_basis FROM consent"))).one()
        audit = (await conn.execute(sa.text("SELECT action, detail FROM audit_log WHERE case_id IS NOT NULL"))).one()
    assert basis[0] == Basis.EMERGENCY and "13(1)(4)" in basis[1]
    assert audit[0] == "file_emergency" and "override" in audit[1]


async def test_an_area_without_anyone_goes_to_the_operators(ledger: LedgerService, engine: AsyncEngine) -> None:
    w = World(ledger)
    await w.area("巫山县")
    await w.area("巫山县", "龙门街道")
    result = await ledger.file_request(w.draft("巫山县/龙门街道"), w.consent())
    assert result.routed_to == ("operators",)
    async with engine.connect() as conn:
        row = (await conn.execute(sa.text("SELECT target, chat_id FROM outbox"))).one()
    assert row == ("operators", None)


async def test_unknown_values_are_refused_before_anything_is_written(world: World) -> None:
    with pytest.raises(BadInput):
        await world.ledger.file_request(world.draft(VILLAGE, risk_flags=("rich",)), world.consent())
    with pytest.raises(BadInput):
        await world.ledger.file_request(world.draft(VILLAGE, entry_ids=(99,)), world.consent())


async def test_requests_filed_at_the_same_moment_are_each_stored_once(
    world: World, db_url: str, engine: AsyncEngine, clock: Clock
) -> None:
    """Several processes (own engines) file at once: distinct requests get distinct numbers; a double 确认 and a
    duplicate for the same child while open end up as one entry."""
    from bot.db import make_engine

    engines = [make_engine(db_url) for _ in range(4)]
    try:
        ledgers = [make_ledger(e, clock) for e in engines]
        consent = world.consent()
        distinct = [world.draft(VILLAGE, telegram_id=7000 + i) for i in range(8)]
        twice = world.draft(VILLAGE, telegram_id=7100, child_alias="双击")
        same_child = [world.draft(VILLAGE, telegram_id=7200, child_alias="同一个") for _ in range(3)]
        jobs = [ledgers[i % 4].file_request(d, consent) for i, d in enumerate([*distinct, twice, twice, *same_child])]
        results = await asyncio.gather(*jobs)
    finally:
        for e in engines:
            await e.dispose()
    refs = [r.reference for r in results]
    assert len(set(refs[:8])) == 8  # each request its own entry and number
    assert refs[8] == refs[9] and [results[8].repeated, results[9].repeated].count(True) == 1
    assert len(set(refs[10:])) == 1  # one entry for the same child, the other filings attached to it
    assert await count(engine, "ledger_case") == 8 + 1 + 1
    assert await count(engine, "case_filing") == 8 + 1 + 3
    numbers = sorted(int(r.split("-")[2]) for r in set(refs))
    assert numbers == list(range(1, 11))  # no gaps, no duplicates
