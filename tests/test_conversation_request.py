"""A family asks for help in the chat (/qiuzhu): consent first, nothing kept without it, one entry per 确认."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.helpdesk_support import (
    VILLAGE,
    Answers,
    Desk,
    Person,
    consent,
    count,
    file,
    fill,
    reference_in,
    rows,
)

FAMILY = 5001


@pytest.fixture
def mei(desk: Desk) -> Person:
    return desk.person(FAMILY)


async def nothing_stored(desk: Desk) -> bool:
    tables = ("family", "consent", "ledger_case", "case_filing", "outbox")
    return all([await count(desk.engine, t) == 0 for t in tables])


async def test_the_short_rules_come_first_and_the_full_rules_fit_in_messages(desk: Desk, mei: Person) -> None:
    await mei.send("/qiuzhu")
    assert "部署本服务的民政部门" in mei.last and "/forget" in mei.last
    assert mei.buttons() == ["读完了，下一步", "📄 看完整规则", "✖ 不求助了"]
    before = len(mei.messages)
    await mei.click("📄 看完整规则")
    parts = mei.said_since(before)
    whole = "\n".join(parts)
    for heading in ("一、谁在处理孩子的信息", "九、紧急情况", "十、规则有变化时"):
        assert heading in whole
    assert all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in parts)  # Telegram counts UTF-16 units
    assert mei.buttons() == ["读完了，下一步", "📄 看完整规则", "✖ 不求助了"]
    await mei.click("读完了，下一步")
    assert "单独同意" in mei.last and mei.buttons() == ["✅ 同意", "✖ 不同意"]
    assert await nothing_stored(desk)


@pytest.mark.parametrize("where", ["notice", "consent", "later"])
async def test_not_agreeing_stores_nothing_and_still_gives_the_hotlines(desk: Desk, mei: Person, where: str) -> None:
    await mei.send("/qiuzhu")
    if where == "notice":
        await mei.click("✖ 不求助了")
    else:
        await mei.click("读完了，下一步")
        if where == "consent":
            await mei.click("✖ 不同意")
        else:
            await mei.click("✅ 同意")
            await mei.send("孩子想在这边上小学")
            await mei.send("取消")
    for number in ("110", "120", "12355", "/list", "/assess"):
        assert number in mei.last
    assert ("草稿" in mei.last or "已经删除" in mei.last) == (where == "later")
    assert await nothing_stored(desk)
    state = desk.tg.dp.fsm.get_context(desk.tg.bot, FAMILY, FAMILY)
    assert await state.get_state() is None and await state.get_data() == {}


async def test_a_request_is_summarised_then_filed_once_with_its_reference(desk: Desk, mei: Person) -> None:
    await consent(mei)
    await fill(mei, Answers(risks=["是", "不是", "不想说", "不是", "是", "不是"], contact="留电话"))
    assert "电话号码" in mei.last
    await mei.send("12")
    assert "好像不对" in mei.last
    await mei.send("138 1234 5678")
    summary = mei.last
    shown = ("在居住地上小学", "孩子想在这边上小学", "小雨，7岁", "家庭生活困难、心理和行为异常", VILLAGE)
    shown += ("13812345678",)
    assert all(s in summary for s in shown)
    assert "儿童主任" in summary
    assert await count(desk.engine, "ledger_case") == 0  # nothing is sent before 确认
    await mei.click("✅ 确认提交")
    reference = reference_in(mei.last)
    assert "已提交" in mei.last and "/mine" in mei.last
    (case,) = await rows(desk.engine, "SELECT reference, priority, entry_ids, risk_flags, basis FROM ledger_case")
    assert case.reference == reference and case.priority == "high" and case.basis == "consent"
    assert "3" in str(case.entry_ids) and "hardship" in str(case.risk_flags) and "psych" in str(case.risk_flags)
    await mei.click_data("hq:confirm:")  # 确认 pressed again on the old screen
    alert = desk.tg.calls_of("answerCallbackQuery")[-1].params
    assert reference in alert["text"] and alert["show_alert"]
    assert await count(desk.engine, "ledger_case") == 1 and await count(desk.engine, "case_filing") == 1


async def test_confirm_pressed_twice_at_once_files_once(desk: Desk, mei: Person) -> None:
    await consent(mei)
    await fill(mei)
    screen = mei.user.chat.last_message
    data = "hq:confirm:"
    await asyncio.gather(mei.user.click_data(data, screen), mei.user.click_data(data, screen))
    assert await count(desk.engine, "ledger_case") == 1 and await count(desk.engine, "case_filing") == 1
    references = {reference_in(t) for t in mei.said_since(0) if "CQ-" in t}
    assert len(references) == 1


async def test_needs_are_matched_chosen_by_group_or_kept_as_written(desk: Desk, mei: Person) -> None:
    await consent(mei)
    await mei.send("孩子看病医保怎么办")  # the stand-in matcher: three candidates
    assert len([b for b in mei.buttons() if b[0].isdigit()]) == 3
    await mei.click("📋 按分类选服务")
    group = mei.buttons()[0]
    await mei.click(group)
    entry = mei.buttons()[0]
    await mei.click(entry)
    assert "几岁" in mei.last
    form = (await desk.tg.dp.fsm.get_context(desk.tg.bot, FAMILY, FAMILY).get_data())["req"]
    assert form["entry_ids"] == [int(entry.split(".")[0])] and form["need_text"] == "孩子看病医保怎么办"
    await mei.send("/qiuzhu")
    await mei.click("读完了，下一步")
    await mei.click("✅ 同意")
    await mei.send("房东不让孩子住了")  # nothing matches: kept as written, no question asked
    assert "几岁" in mei.last


async def test_the_child_answer_is_read_and_an_adult_is_asked_again(desk: Desk, mei: Person) -> None:
    await consent(mei)
    await mei.send("房东不让孩子住了")
    await mei.send("老大 20岁")
    assert "不满 18 岁" in mei.last
    await mei.send("豆豆，十二岁")
    form = (await desk.tg.dp.fsm.get_context(desk.tg.bot, FAMILY, FAMILY).get_data())["req"]
    assert (form["child_alias"], form["child_age"]) == ("豆豆", 12)


async def test_places_are_resolved_suggested_or_left_to_the_level_above(desk: Desk, mei: Person) -> None:
    await consent(mei)
    await fill(mei, Answers(places=()))
    await mei.send("瑜北")  # typed by sound
    assert "渝北区" in mei.buttons()
    await mei.click("渝北区")
    await mei.send("龙西")
    assert "龙溪街道" in mei.buttons() and "不清楚" in mei.buttons()
    await mei.click("不清楚")  # the township is unknown: the request goes to the district
    await mei.click("只在这个聊天里联系")
    assert "住在：渝北区\n" in mei.last
    await mei.click("✅ 确认提交")
    (case,) = await rows(desk.engine, "SELECT area_id FROM ledger_case")
    assert case.area_id == desk.world.areas["渝北区"]


async def test_a_forged_area_button_is_not_taken(desk: Desk, mei: Person) -> None:
    await consent(mei)
    await fill(mei, Answers(places=("渝北",)))
    await mei.click_data(f"ha:{desk.world.areas['江北区/观音桥街道']}")  # not below 渝北区
    assert desk.tg.calls_of("answerCallbackQuery")[-1].params.get("show_alert")
    state = desk.tg.dp.fsm.get_context(desk.tg.bot, FAMILY, FAMILY)
    assert await state.get_state() == "Requesting:township"


async def test_the_same_child_again_while_open_joins_the_entry(desk: Desk, mei: Person) -> None:
    first = await file(mei)
    second = await file(mei, Answers(need="还想问问课后服务", pick=None))
    assert second == first and "并进去了" in mei.last
    assert await count(desk.engine, "ledger_case") == 1 and await count(desk.engine, "case_filing") == 2


async def test_mine_lists_the_family_requests_and_forget_erases_them(desk: Desk, mei: Person) -> None:
    await mei.send("/mine")
    assert "这里没有您的求助" in mei.last
    reference = await file(mei)
    await mei.send("/mine")
    assert reference in mei.last and "已收到，等儿童主任受理" in mei.last
    await mei.send("/forget")
    await mei.click("不删了")
    assert "什么都没删" in mei.last and await count(desk.engine, "family") == 1
    await mei.send("/forget")
    await mei.click("确认删除")
    assert "已删除" in mei.last and reference in mei.last and "留下的" in mei.last
    assert await count(desk.engine, "family") == 0
    (case,) = await rows(desk.engine, "SELECT family_id, child_alias, need_text FROM ledger_case")
    assert case == (None, None, None)
    await mei.send("/mine")
    assert "这里没有您的求助" in mei.last


async def test_typing_where_a_button_is_awaited_shows_the_buttons_again(desk: Desk, mei: Person) -> None:
    await mei.send("/qiuzhu")
    await mei.send("好的")
    assert "请点下面的按钮" in mei.last and mei.buttons() == ["读完了，下一步", "📄 看完整规则", "✖ 不求助了"]
    await mei.click("读完了，下一步")
    await mei.send("嗯")
    assert mei.buttons() == ["✅ 同意", "✖ 不同意"]
    await mei.click("✅ 同意")
    await fill(mei)
    await mei.send("对的")
    assert mei.buttons() == ["✅ 确认提交", "✏️ 重新填", "✖ 不求助了"]
    state = desk.tg.dp.fsm.get_context(desk.tg.bot, FAMILY, FAMILY)
    assert await state.get_state() == "Requesting:confirm" and await count(desk.engine, "ledger_case") == 0


async def test_starting_over_from_the_summary_keeps_the_consent_and_asks_again(desk: Desk, mei: Person) -> None:
    await consent(mei)
    await fill(mei)
    await mei.click("✏️ 重新填")
    assert "需要什么帮助" in mei.last
    await fill(mei, Answers(need="房东不让孩子住了", child=None))
    assert "房东不让孩子住了" in mei.last and "未写称呼" in mei.last
    await mei.click("✅ 确认提交")
    (case,) = await rows(desk.engine, "SELECT basis, child_age FROM ledger_case")
    assert tuple(case) == ("consent", None)


async def test_a_district_nobody_set_up_still_takes_the_request(engine: AsyncEngine) -> None:
    """A real 区县 with no area, director or supervisor yet: the area is opened (audited as the system's act) and the
    request is filed for the operators, never turned away; a family who cannot name any district is told plainly."""
    from bot.dispatcher import create_dispatcher
    from bot.ledger.service import LedgerService
    from tests.conftest import make_settings
    from tests.fakebot import DirectTelegram
    from tests.standins import StandInMatcher

    settings = make_settings()
    tg = DirectTelegram(create_dispatcher(settings, matcher=StandInMatcher(), ledger=LedgerService(engine, settings)))
    mei, li = Person(tg.user(FAMILY)), Person(tg.user(FAMILY + 1))
    await consent(li)
    await fill(li, Answers(places=()))
    await li.send("不清楚")  # no 区县 named and none set up: nowhere to send it, said so, nothing kept
    assert "还没有开通任何区县" in li.last and "110" in li.last
    assert await tg.dp.fsm.get_context(tg.bot, li.id, li.id).get_state() is None
    assert await count(engine, "family") == 0
    await consent(mei)
    await fill(mei, Answers(places=("万州",)))  # no townships there: not asked
    await mei.click("只在这个聊天里联系")
    assert "万州区" in mei.last
    await mei.click("✅ 确认提交")
    assert reference_in(mei.last)
    (case,) = await rows(engine, "SELECT a.full_name FROM ledger_case c JOIN area a ON a.id = c.area_id")
    assert case.full_name == "万州区"
    (opened,) = await rows(engine, "SELECT actor, detail FROM audit_log WHERE action = 'area_add'")
    assert tuple(opened) == ("system", "district")
