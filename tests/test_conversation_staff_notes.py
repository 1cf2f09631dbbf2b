"""A director's note over the ledger's limit is asked for again at once, with the limit and how far over it is."""

from __future__ import annotations

from bot.ledger.rules import NOTE_LIMIT
from tests.helpdesk_support import Desk, Person, rows
from tests.test_conversation_staff import filed


async def accepted(desk: Desk) -> tuple[Person, str]:
    _family, director, reference = await filed(desk)
    await director.click("✅ 受理")
    return director, reference


async def test_a_visit_note_too_long_says_the_limit_and_keeps_the_note_step(desk: Desk) -> None:
    director, reference = await accepted(desk)
    await director.click("🏠 记录走访")
    await director.send("见" * (NOTE_LIMIT + 35))
    assert f"最多写 {NOTE_LIMIT} 个字" in director.last and "多了 35 个字" in director.last
    assert f"记录求助 {reference} 的走访" in director.last  # the same step, asked again
    assert director.buttons() == ["不写说明", "✖ 取消"]
    await director.send("见到孩子，缺入学材料")
    assert "下次什么时候走访" in director.last
    await director.send("4月10日")
    detail = await desk.world.ledger.open_reference(director.id, reference)
    assert [v.notes for v in detail.visits] == ["见到孩子，缺入学材料"]


async def test_a_closing_note_is_refused_one_character_over_and_taken_at_the_limit(desk: Desk) -> None:
    director, _reference = await accepted(desk)
    await director.click("☑ 办结")
    await director.send("办" * (NOTE_LIMIT + 1))
    assert f"最多写 {NOTE_LIMIT} 个字" in director.last and "多了 1 个字" in director.last
    (case,) = await rows(desk.engine, "SELECT status FROM ledger_case")
    assert case.status == "accepted"
    await director.send("办" * NOTE_LIMIT)
    assert "已办结" in director.last
    (case,) = await rows(desk.engine, "SELECT status FROM ledger_case")
    assert case.status == "closed"


async def test_a_return_reason_too_long_is_asked_again_and_nothing_changes(desk: Desk) -> None:
    director, reference = await accepted(desk)
    await director.click("↪ 转介")
    department = director.buttons()[0]
    await director.click(department)
    await director.click("我已当面取得家庭同意")
    await director.send("7岁，要上一年级")
    await director.click("📄 详情")
    await director.click(f"{department}：部门退回")
    await director.send("缺" * (NOTE_LIMIT + 2))
    assert "多了 2 个字" in director.last and "为什么退回" in director.last
    await director.send("材料不全")
    assert "已退回" in director.last
    detail = await desk.world.ledger.open_reference(director.id, reference)
    assert [r.reason for r in detail.referrals] == ["材料不全"]
