"""Child directors in the chat: invites, /cases, 受理 / 记录走访 / 转介 / 办结 — every press re-checked and audited."""

from __future__ import annotations

from bot.ledger import Role
from tests.helpdesk_support import VILLAGE, Desk, Person, file, rows

FAMILY = 5001


async def audit(desk: Desk, action: str) -> list[tuple[str, str | None]]:
    found = await rows(desk.engine, f"SELECT outcome, detail FROM audit_log WHERE action = '{action}' ORDER BY id")
    return [tuple(r) for r in found]


async def filed(desk: Desk) -> tuple[Person, Person, str]:
    """A family files in the chat; the notice reaches director A with its buttons."""
    family, director = desk.person(FAMILY), desk.person(desk.world.staff["director_a"])
    reference = await file(family)
    await desk.deliver()
    return family, director, reference


async def test_an_invite_binds_once_and_a_second_use_is_refused(desk: Desk) -> None:
    code = await desk.world.ledger.create_invite(desk.world.areas["江北区/观音桥街道"], Role.DIRECTOR)
    li, wang = desk.person(7001), desk.person(7002)
    await li.send("/join")
    assert "/join" in li.last and "邀请码" in li.last
    await li.send("/join NOTACODE")
    assert "没有这个邀请码" in li.last
    await li.send(f"/start {code.lower()}")  # the deep link; case does not matter
    assert "江北区/观音桥街道的儿童主任" in li.last and "/cases" in li.last
    scoped = desk.tg.calls_of("setMyCommands")[-1].params
    assert scoped["scope"]["chat_id"] == li.id and "cases" in [c["command"] for c in scoped["commands"]]
    await wang.send(f"/join {code}")
    assert "已经用过了" in wang.last
    assert (await audit(desk, "invite_redeem"))[-3:] == [("refused", "unknown"), ("ok", None), ("refused", "used")]
    assert [s.telegram_id for s in await desk.world.ledger.staff_roles(li.id)] == [li.id]
    assert await desk.world.ledger.staff_roles(wang.id) == []


async def test_a_family_is_told_each_step_the_director_takes_with_the_buttons(desk: Desk) -> None:
    family, director, reference = await filed(desk)
    assert director.buttons() == ["📄 详情", "✅ 受理", "🏠 记录走访", "↪ 转介", "☑ 办结"]
    assert "小雨" not in director.last  # the notice is minimal; details are read after the area check
    await director.click("📄 详情")
    assert "小雨，7岁" in director.last and "孩子想在这边上小学" in director.last
    await director.click("✅ 受理")
    assert "已受理" in director.last and "✅ 受理" not in director.buttons()
    await director.click("🏠 记录走访")
    await director.send("见到孩子，缺入学材料")
    await director.send("下周三")
    assert "没看懂这个日期" in director.last
    await director.send("4月10日")
    assert "2026-04-10 09:00" in director.said_since(len(director.messages) - 2)[0]
    await director.click("↪ 转介")
    department = director.buttons()[0]
    await director.click(department)
    assert "紧急情况（不需要同意）" not in director.buttons()  # an ordinary entry needs the family's agreement
    await director.click("我已当面取得家庭同意")
    await director.send("7岁，要上一年级")
    assert f"已转介给{department}" in director.last
    await director.click("📄 详情")
    await director.click(f"{department}：部门退回")
    await director.send("材料不全")
    assert "已退回" in director.last
    await director.click("☑ 办结")
    await director.click("不写说明")
    assert "已办结" in director.last
    await desk.deliver()
    steps = ["已受理", "上门走访", f"已转介给{department}", "退回了", "已办结"]
    told = [t for t in family.said_since(0) if reference in t and "已提交" not in t]
    assert [next(s for s in steps if s in t) for t in told] == steps
    detail = await desk.world.ledger.open_reference(director.id, reference)
    assert detail.visits[0].notes == "见到孩子，缺入学材料" and detail.referrals[0].reason == "材料不全"


async def test_a_referral_asked_of_the_family_waits_for_their_answer(desk: Desk) -> None:
    family, director, _reference = await filed(desk)
    await director.click("✅ 受理")
    await director.click("↪ 转介")
    await director.click(director.buttons()[0])
    await director.click("在机器人里问家庭")
    await director.click("只给编号、年龄和服务项目")
    assert "家庭同意后才转介" in director.last
    await desk.deliver()
    assert "您同意吗" in family.last and family.buttons() == ["✅ 同意转介", "✖ 不同意"]
    stranger = desk.person(6001)
    await stranger.send("/mine")
    await stranger.user.click_data(family.user.chat.last_message.reply_markup.inline_keyboard[0][0].callback_data)
    assert "不能查看或处理" in desk.tg.calls_of("answerCallbackQuery")[-1].params["text"]
    assert ("refused", "not_their_referral:1") in await audit(desk, "referral_answer")
    await family.send("/mine")
    assert "待家庭同意" in family.said_since(len(family.messages) - 2)[0]
    await family.click("✖ 不同意")
    await desk.deliver()
    assert "不转介" in family.last and "不同意把求助" in director.last


async def test_forged_buttons_for_another_area_are_refused_and_audited(desk: Desk) -> None:
    _family, _director, reference = await filed(desk)
    case_id = (await desk.world.ledger.open_reference(desk.world.staff["director_a"], reference)).id
    other = desk.person(desk.world.staff["director_b"])
    await other.send("/cases")
    assert "没有在办的求助" in other.last
    for data in (f"sc:ac:{case_id}", f"sc:op:{case_id}", f"sd:{case_id}:0", f"sg:{case_id}:0:c"):
        await other.click_data(data)
        alert = desk.tg.calls_of("answerCallbackQuery")[-1].params
        assert "不在您负责的片区" in alert["text"] and alert["show_alert"]
    refusals = await rows(desk.engine, "SELECT action, detail, reference FROM audit_log WHERE outcome = 'refused'")
    assert [tuple(r) for r in refusals] == [
        ("accept", "other_area", reference),
        ("read", "other_area", reference),
        ("read", "other_area", reference),
        ("read", "other_area", reference),
    ]
    (case,) = await rows(desk.engine, "SELECT status FROM ledger_case")
    assert case.status == "new"


async def test_steps_out_of_order_stale_data_and_revoked_directors_are_answered_plainly(desk: Desk) -> None:
    _family, director, reference = await filed(desk)
    await director.click("✅ 受理")
    await director.click_data(director.user.chat.messages[0].reply_markup.inline_keyboard[0][1].callback_data)
    assert "做不了" in desk.tg.calls_of("answerCallbackQuery")[-1].params["text"]  # 受理 twice
    case_id = (await desk.world.ledger.open_reference(director.id, reference)).id
    await director.click_data(f"sd:{case_id}:99")  # a department index no button carries
    assert desk.tg.calls_of("answerCallbackQuery")[-1].params["show_alert"]
    stranger = desk.person(6001)
    await stranger.send("/cases")
    assert "还没有登记" in stranger.last and "/qiuzhu" in stranger.last
    await desk.world.ledger.revoke_staff(director.id)
    await director.click("📄 详情")
    assert "已停用" in desk.tg.calls_of("answerCallbackQuery")[-1].params["text"]
    assert [d for o, d in await audit(desk, "read") if o == "refused"] == ["revoked"]


async def test_cases_lists_the_area_urgent_first(desk: Desk) -> None:
    ledger, world = desk.world.ledger, desk.world
    ordinary = await ledger.file_request(world.draft(VILLAGE, child_alias="甲"), world.consent())
    urgent = await ledger.file_urgent(world.draft(VILLAGE, telegram_id=5002, child_alias="乙"))
    supervisor = desk.person(world.staff["district_a"])
    await supervisor.send("/cases")
    text = supervisor.last
    assert text.index(urgent.reference) < text.index(ordinary.reference) and "⚠️" in text
    assert supervisor.buttons() == [urgent.reference, ordinary.reference]
    await supervisor.click(urgent.reference)
    assert "紧急" in supervisor.last and "紧急情况下保护生命健康" in supervisor.last
    await ledger.accept(world.staff["director_a"], urgent.case_id)
    await supervisor.click(urgent.reference)
    await supervisor.click("↪ 转介")
    await supervisor.click(supervisor.buttons()[0])
    assert "紧急情况（不需要同意）" in supervisor.buttons()


async def test_a_long_list_comes_in_pages_that_fit_a_telegram_message(desk: Desk) -> None:
    ledger, world = desk.world.ledger, desk.world
    filed = [
        await ledger.file_request(world.draft(VILLAGE, telegram_id=5100 + n, child_alias=f"孩子{n}"), world.consent())
        for n in range(23)
    ]
    director = desk.person(world.staff["director_a"])
    await director.send("/cases")
    assert "共 23 条" in director.last and "第 1/3 页" in director.last
    assert director.buttons() == [f.reference for f in filed[:10]] + ["下一页 ▶"]
    await director.click("下一页 ▶")
    assert "第 2/3 页" in director.last and "11. " in director.last
    assert director.buttons() == [f.reference for f in filed[10:20]] + ["◀ 上一页", "下一页 ▶"]
    await director.click("下一页 ▶")
    assert director.buttons() == [f.reference for f in filed[20:]] + ["◀ 上一页"]
    await director.click(filed[22].reference)
    assert filed[22].reference in director.last
    texts = [c.params["text"] for c in desk.tg.calls_of("sendMessage") + desk.tg.calls_of("editMessageText")]
    assert max(len(t) for t in texts) < 4096
    await director.user.click_data("sp:99")  # a page past the end (the list shrank, or forged): the last page
    assert "第 3/3 页" in desk.tg.calls_of("editMessageText")[-1].params["text"]
    other = desk.person(world.staff["director_b"])
    await other.send("/cases")
    await other.click_data("sp:1")  # another area's director paging: their own (empty) list, nothing of area A
    assert "没有在办的求助" in desk.tg.calls_of("editMessageText")[-1].params["text"]


async def test_buttons_pressed_in_a_group_do_nothing(desk: Desk) -> None:
    """Groups are commands-only: the operators' chat gets notices without buttons, and forged presses are ignored."""
    _family, director, reference = await filed(desk)
    case_id = (await desk.world.ledger.open_reference(director.id, reference)).id
    group = desk.tg.group()
    await director.user.send("/start", chat=group)
    note = group.last_message
    await director.user.click_data(f"sc:ac:{case_id}", note)
    (case,) = await rows(desk.engine, "SELECT status FROM ledger_case")
    assert case.status == "new"


async def test_a_form_cancelled_changes_nothing(desk: Desk) -> None:
    _family, director, _reference = await filed(desk)
    await director.click("☑ 办结")
    await director.click("✖ 取消")
    assert "什么都没改" in director.last
    await director.send("已办完")  # no form open any more: not taken as a closing note
    (case,) = await rows(desk.engine, "SELECT status, close_note FROM ledger_case")
    assert tuple(case) == ("new", None)
