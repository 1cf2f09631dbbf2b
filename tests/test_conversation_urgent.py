"""Danger: 110/120 first, on the spot; then an urgent entry to the director and the supervisor, without consent."""

from __future__ import annotations

import pytest

from tests.helpdesk_support import Answers, Desk, Person, consent, count, fill, reference_in, rows

FAMILY = 5001


@pytest.fixture
def mei(desk: Desk) -> Person:
    return desk.person(FAMILY)


async def told_director_and_supervisor(desk: Desk, reference: str) -> None:
    """The urgent entry reaches both at once (once the outbox is delivered), with the minimum in the text."""
    await desk.deliver()
    for name in ("director_a", "supervisor_a"):
        notice = desk.person(desk.world.staff[name]).last
        assert reference in notice and "紧急求助" in notice and "公安机关" in notice
    assert desk.person(desk.world.staff["director_b"]).messages == []


async def test_danger_words_get_the_hotlines_then_the_urgent_filing_without_consent(desk: Desk, mei: Person) -> None:
    await mei.send("救命 他打我")
    assert "110" in mei.last and "点下面的按钮" in mei.last and mei.buttons() == ["🚨 请儿童主任马上跟进"]
    assert await count(desk.engine, "family") == 0  # nothing kept for saying it
    await mei.click("🚨 请儿童主任马上跟进")
    assert "马上通知" in mei.last and "区县" in mei.last
    for place in ("渝北", "龙溪", "松牌路"):
        await mei.send(place)
    reference = reference_in(mei.last)
    assert "儿童主任和儿童督导员" in mei.last and "110" in mei.last and "第十三条第一款第（四）项" in mei.last
    (case,) = await rows(desk.engine, "SELECT priority, urgent, basis FROM ledger_case")
    assert tuple(case) == ("urgent", True, "emergency")
    (consent_row,) = await rows(desk.engine, "SELECT basis, legal_basis, rules_version FROM consent")
    assert consent_row.basis == "emergency" and "13(1)(4)" in consent_row.legal_basis
    assert consent_row.rules_version is None  # no consent was asked for, and none is pretended
    actions = [a for (a,) in await rows(desk.engine, "SELECT action FROM audit_log WHERE action LIKE 'file%'")]
    assert actions == ["file_emergency"]
    detail = await desk.world.ledger.open_reference(desk.world.staff["director_a"], reference)
    assert detail.need_text == "救命 他打我"
    await told_director_and_supervisor(desk, reference)
    await mei.send("人呢 快点来")  # no question: it is about the urgent request just filed
    assert reference in mei.last and "已经交给儿童主任" in mei.last and "110" in mei.last


async def test_a_danger_answer_files_at_once_after_110(desk: Desk, mei: Person) -> None:
    await consent(mei)
    await fill(mei, Answers(danger="⚠️ 有危险", places=()))
    texts = mei.said_since(len(mei.messages) - 2)
    assert "110" in texts[0] and "区县" in texts[1]  # the hotlines first, then only the place
    assert "现在就把求助交给" in texts[0] and "/qiuzhu" not in texts[0]
    for place in ("渝北", "龙溪", "松牌路"):
        await mei.send(place)
    reference = reference_in(mei.last)
    assert "儿童督导员" in mei.last
    (case,) = await rows(desk.engine, "SELECT priority, basis FROM ledger_case")
    assert tuple(case) == ("urgent", "emergency")
    detail = await desk.world.ledger.open_reference(desk.world.staff["director_a"], reference)
    assert (detail.child_alias, detail.child_age, detail.entry_ids) == ("小雨", 7, (3,))
    assert detail.contact_kind == "telegram"  # no contact question on the urgent path: this chat
    await told_director_and_supervisor(desk, reference)
    state = desk.tg.dp.fsm.get_context(desk.tg.bot, FAMILY, FAMILY)
    assert await state.get_state() is None


async def test_danger_words_in_the_middle_of_a_request_keep_the_draft_and_file_it_urgently(
    desk: Desk, mei: Person
) -> None:
    await consent(mei)
    await fill(mei)
    assert "请核对" in mei.last
    await mei.send("他打我，孩子在流血")
    assert "120" in mei.last and mei.buttons() == ["🚨 请儿童主任马上跟进"]
    state = desk.tg.dp.fsm.get_context(desk.tg.bot, FAMILY, FAMILY)
    assert await state.get_state() == "Requesting:confirm"  # the urgent reply did not throw the draft away
    await mei.click("🚨 请儿童主任马上跟进")  # the place is known: filed at once
    reference = reference_in(mei.last)
    detail = await desk.world.ledger.open_reference(desk.world.staff["director_a"], reference)
    assert detail.urgent and detail.need_text == "他打我，孩子在流血\n孩子想在这边上小学"
    assert await count(desk.engine, "ledger_case") == 1


async def test_a_childs_director_writing_a_note_about_harm_is_not_taken_for_a_cry_for_help(desk: Desk) -> None:
    ledger, world = desk.world.ledger, desk.world
    filed = await ledger.file_request(world.draft("渝北区/龙溪街道/松牌路社区"), world.consent())
    director = desk.person(world.staff["director_a"])
    await ledger.accept(director.id, filed.case_id)
    await desk.deliver()
    await director.click("🏠 记录走访")
    await director.send("孩子说爸爸打他")
    assert "下次什么时候走访" in director.last and "🚨 请儿童主任马上跟进" not in director.buttons()
