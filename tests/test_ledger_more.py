"""Smaller rules: area look-up, stale consent, declined referrals, urgent routing without supervisors, reminders
claimed once by two processes, referral steps."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import make_engine
from bot.ledger import Agreement, BadInput, ConsentRequired, GivenConsent, InvalidStep, NotFound, RefStatus, Status
from bot.ledger.service import LedgerService
from tests.ledger_support import VILLAGE, Clock, World, make_ledger


async def test_families_find_their_area_by_what_they_type(world: World) -> None:
    district, _ = await world.ledger.find_area("渝北")
    assert district is not None and district.full_name == "渝北区"
    township, _ = await world.ledger.find_area("龙溪", district.id)
    assert township is not None and township.name == "龙溪街道"
    missing, suggestions = await world.ledger.find_area("龙西街道", district.id)
    assert missing is None and [a.name for a in suggestions] == ["龙溪街道"]
    assert [a.name for a in await world.ledger.areas()] == sorted(["渝北区", "江北区"])
    with pytest.raises(NotFound):
        await world.ledger.area_named("火星区")


async def test_a_real_district_nobody_set_up_is_opened_and_nothing_else_is(world: World) -> None:
    opened = await world.ledger.open_district("万州区")
    assert opened.full_name == "万州区" and (await world.ledger.open_district("万州区")).id == opened.id
    assert (await world.ledger.open_district("渝北区")).id == (await world.ledger.area_named("渝北区")).id
    for name in ("火星区", "渝北区/龙溪街道", "北京市"):
        with pytest.raises(BadInput):
            await world.ledger.open_district(name)


async def test_a_consent_older_than_a_draft_lives_is_not_enough(world: World, clock: Clock) -> None:
    terms = world.ledger.consent_terms()
    old = GivenConsent(terms.rules_version, terms.text_hash, clock.now - timedelta(days=8))
    with pytest.raises(ConsentRequired):
        await world.ledger.file_request(world.draft(VILLAGE), old)
    forged = GivenConsent(terms.rules_version, "0" * 64, clock.now)
    with pytest.raises(ConsentRequired):
        await world.ledger.file_request(world.draft(VILLAGE), forged)


async def test_a_family_can_decline_a_referral(world: World, engine: AsyncEngine) -> None:
    director = world.staff["director_a"]
    filed = await world.ledger.file_request(world.draft(VILLAGE, entry_ids=(1,)), world.consent())
    await world.ledger.accept(director, filed.case_id)
    detail = await world.ledger.open_reference(director, filed.reference.lower())
    ref = await world.ledger.refer(director, filed.case_id, detail.departments[0], Agreement.ASK_FAMILY)
    declined = await world.ledger.answer_referral(5001, ref.id, agree=False)
    assert declined.status is RefStatus.DECLINED
    assert (await world.ledger.open_case(director, filed.case_id)).status is Status.ACCEPTED
    with pytest.raises(InvalidStep):
        await world.ledger.answer_referral(5001, ref.id, agree=True)
    with pytest.raises(InvalidStep):
        await world.ledger.set_referral_status(director, ref.id, RefStatus.DONE)
    with pytest.raises(BadInput):
        await world.ledger.refer(director, filed.case_id, detail.departments[0], Agreement.EMERGENCY)


async def test_a_returned_referral_needs_a_reason(world: World) -> None:
    director = world.staff["director_a"]
    filed = await world.ledger.file_request(world.draft(VILLAGE, entry_ids=(3,)), world.consent())
    await world.ledger.accept(director, filed.case_id)
    department = (await world.ledger.open_case(director, filed.case_id)).departments[0]
    ref = await world.ledger.refer(director, filed.case_id, department, Agreement.DIRECTOR_CONFIRMED)
    with pytest.raises(BadInput):
        await world.ledger.set_referral_status(director, ref.id, RefStatus.RETURNED, " ")
    returned = await world.ledger.set_referral_status(director, ref.id, RefStatus.RETURNED, "不在本区")
    assert returned.status is RefStatus.RETURNED and returned.reason == "不在本区"
    with pytest.raises(InvalidStep):
        await world.ledger.set_referral_status(director, ref.id, RefStatus.DONE)


async def test_urgent_without_any_supervisor_also_reaches_the_operators(ledger: LedgerService) -> None:
    w = World(ledger)
    await w.area("城口县")
    await w.area("城口县", "葛城街道")
    await w.hire("director", 9301, "城口县/葛城街道")
    result = await ledger.file_urgent(w.draft("城口县/葛城街道"))
    assert result.routed_to == ("director", "operators")


async def test_two_processes_remind_each_due_visit_once(
    world: World, db_url: str, engine: AsyncEngine, clock: Clock
) -> None:
    for i in range(6):
        await world.ledger.file_request(world.draft(VILLAGE, telegram_id=6100 + i), world.consent())
    clock.advance(days=7, hours=1)
    second = make_engine(db_url)
    try:
        other = make_ledger(second, clock)
        results = await asyncio.gather(world.ledger.run_reminders(), other.run_reminders())
    finally:
        await second.dispose()
    assert sum(r[0] for r in results) == 6
    async with engine.connect() as conn:
        sent = (await conn.execute(sa.text("SELECT count(*) FROM outbox WHERE kind = 'visit_reminder'"))).scalar()
    assert sent == 6


def test_the_consent_version_is_the_one_printed_in_the_rules() -> None:
    from bot.ledger.labels import consent_terms, load_labels

    terms = consent_terms()
    assert f"规则版本 {load_labels().rules_version}" in terms.full_text
    assert terms.short_text.startswith("提交求助前") and len(terms.text_hash) == 64
