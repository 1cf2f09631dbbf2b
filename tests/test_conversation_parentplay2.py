"""A parent on a phone through /qiuzhu (contact cards, photos, edits, the need in three messages, 有危险 and typing
on) and child directors pressing old notices, revoked mid-form, or at the same moment as a colleague."""

from __future__ import annotations

import asyncio

import pytest

from tests.helpdesk_support import Answers, Desk, Person, consent, file, fill, reference_in

CONTACT = Answers(contact="留电话")


@pytest.fixture
def mei(desk: Desk) -> Person:
    return desk.person(5001)


async def at_contact(mei: Person) -> None:
    await consent(mei)
    await fill(mei, CONTACT)
    assert "请写电话号码" in mei.last


async def need_of(desk: Desk, reference: str) -> str:
    detail = await desk.world.ledger.open_reference(desk.world.staff["director_a"], reference)
    return str(detail.need_text)


async def test_a_shared_contact_of_their_own_is_taken_as_the_phone(desk: Desk, mei: Person) -> None:
    await at_contact(mei)
    await mei.user.send_contact("+86 138 0000 0000")
    assert "请核对" in mei.last and "电话（13800000000）" in mei.last


async def test_someone_elses_contact_card_is_not_kept_and_a_typed_number_is(desk: Desk, mei: Person) -> None:
    await at_contact(mei)
    await mei.user.send_contact("+8613900000000", user_id=999)
    assert "别人的名片" in mei.last and "请写电话号码" in mei.last
    await mei.send("138 0000 0000")
    assert "电话（13800000000）" in mei.last and "13900000000" not in mei.last


async def test_a_contact_card_shared_before_the_contact_question_is_taken_there(desk: Desk, mei: Person) -> None:
    await consent(mei)
    await mei.user.send_contact("+8613800000000")
    assert "先不用发名片" in mei.last and "都还在" in mei.last
    await fill(mei, Answers(places=()))
    for place in Answers().places:
        await mei.send(place)
    await mei.user.send_contact("+8613800000000")  # at the contact question itself, before any button
    assert "电话（13800000000）" in mei.last


async def test_a_photo_at_the_need_step_says_what_to_do_and_keeps_the_draft(desk: Desk, mei: Person) -> None:
    await consent(mei)
    await mei.user.send_photo()
    assert "看不了图片" in mei.last and "学校让补居住证" in mei.last and "都还在" in mei.last
    await mei.user.send_voice()
    assert "语音转文字" in mei.last
    await fill(mei)  # the need question still stands
    assert "请核对" in mei.last and "孩子想在这边上小学" in mei.last


async def test_a_photo_caption_at_the_need_step_is_the_need(desk: Desk, mei: Person) -> None:
    await consent(mei)
    await mei.user.send_photo(caption="学校要这个证明，我们没有")
    said = mei.said_since(len(mei.messages) - 2)
    assert "写的字收到了" in said[0] and "孩子几岁" in said[1]
    await fill(mei, Answers(need="", pick=None))  # the form goes on from the child question
    await mei.click("✅ 确认提交")
    assert await need_of(desk, reference_in(mei.last)) == "学校要这个证明，我们没有"


async def test_a_location_at_the_district_step_asks_for_the_name_typed(desk: Desk, mei: Person) -> None:
    await consent(mei)
    await fill(mei, Answers(places=()))
    await mei.user.send_location()
    assert "看不了位置" in mei.last and "渝北" in mei.last and "都还在" in mei.last
    for place in Answers().places:
        await mei.send(place)
    assert "怎么联系您" in mei.last


async def test_an_edited_need_is_what_the_director_reads(desk: Desk, mei: Person) -> None:
    await consent(mei)
    sent = await mei.user.send("孩子想上学")
    await mei.click("都不是，按我写的")
    await mei.send("小雨 7岁")
    await mei.user.edit(sent, "孩子想在这边上小学，学校说没学位")
    assert "按您改过的记下了" in mei.last and "学校说没学位" in mei.last
    reference = await finish(mei)
    assert await need_of(desk, reference) == "孩子想在这边上小学，学校说没学位"


async def finish(mei: Person) -> str:
    """From the risk questions to the reference (the defaults of Answers)."""
    a = Answers()
    for answer in [*a.risks, a.danger]:
        await mei.click(answer)
    for place in a.places:
        await mei.send(place)
    await mei.click(a.contact)
    await mei.click("✅ 确认提交")
    return reference_in(mei.last)


async def test_the_need_in_three_quick_messages_is_kept_whole(desk: Desk, mei: Person) -> None:
    """All three reach Telegram before the bot answers the first: none is the child's name."""
    await consent(mei)
    await mei.user.send_burst("我想问一下", "娃儿读书的事", "学校说不收")
    assert "记进“需要的帮助”" in mei.last
    await mei.send("小雨 7岁")
    reference = await finish(mei)
    assert await need_of(desk, reference) == "我想问一下\n娃儿读书的事\n学校说不收"
    detail = await desk.world.ledger.open_reference(desk.world.staff["director_a"], reference)
    assert (detail.child_alias, detail.child_age) == ("小雨", 7)


async def test_more_words_after_the_match_screen_are_added_not_swapped(desk: Desk, mei: Person) -> None:
    await consent(mei)
    await mei.send("孩子想在这边上小学")
    await mei.send("学校说没学位")
    assert "和前面写的记在一起了" in mei.last
    await mei.click("都不是，按我写的")
    await mei.send("小雨 7岁")
    reference = await finish(mei)
    assert await need_of(desk, reference) == "孩子想在这边上小学\n学校说没学位"


async def test_qiuzhu_again_for_the_same_child_says_it_was_attached(desk: Desk, mei: Person) -> None:
    reference = await file(mei)
    again = await file(mei, Answers(need="孩子还要打疫苗", pick=None))
    assert again == reference and "并进去了" in mei.last and "/mine" in mei.last
    await mei.send("/mine")
    assert mei.last.count("CQ-") == 1


async def test_forget_pressed_twice_then_mine(desk: Desk, mei: Person) -> None:
    reference = await file(mei)
    await mei.send("/forget")
    await mei.send("/forget")
    first, second = [m for m in mei.messages if "删除您留下的信息" in (m.text or "")]
    await mei.user.click_data(mei.user.button("确认删除", mei.user.chat)[1], second)
    assert "已删除" in mei.last and reference in mei.last
    await mei.user.click_data(mei.user.button("确认删除", mei.user.chat)[1], first)
    assert "没有找到您提交的求助" in mei.last and "没有提交过求助" not in mei.last
    await mei.send("/mine")
    assert "已经用 /forget 删除了" in mei.last


async def test_a_director_accepting_an_old_notice_after_forget_is_told_the_family_cannot_be_reached(
    desk: Desk, mei: Person
) -> None:
    await file(mei)
    await desk.deliver()
    await mei.send("/forget")
    await mei.click("确认删除")
    director = desk.person(desk.world.staff["director_a"])
    await director.click("✅ 受理")
    assert "已受理" in director.last and "收不到通知" in director.last and "家庭会收到通知" not in director.last
    await director.click("☑ 办结")
    await director.click("不写说明")
    assert "已办结" in director.said_since(len(director.messages) - 2)[0]
    assert "收不到通知" in director.said_since(len(director.messages) - 2)[0]


async def test_a_director_revoked_mid_form_is_refused_plainly_and_the_form_goes(desk: Desk, mei: Person) -> None:
    await file(mei)
    await desk.deliver()
    director = desk.person(desk.world.staff["director_a"])
    await director.click("🏠 记录走访")
    await desk.world.ledger.revoke_staff(director.id)
    await director.send("见到孩子了")
    await director.click("7天后")
    assert "身份已停用" in director.user.tg.calls_of("answerCallbackQuery")[-1].params["text"]
    await director.send("明天")  # the form is gone: no visit is recorded
    visits = await desk.world.ledger.open_reference(desk.world.staff["supervisor_a"], reference_in(mei.last))
    assert visits.visits == ()


async def test_two_directors_pressing_accept_at_once_accept_it_once(desk: Desk, mei: Person) -> None:
    await desk.world.hire("director_c", 9104, "渝北区/龙溪街道/松牌路社区")
    reference = await file(mei)
    await desk.deliver()
    a, c = desk.person(desk.world.staff["director_a"]), desk.person(9104)
    await asyncio.gather(a.click("✅ 受理"), c.click("✅ 受理"))
    accepted = [p for p in (a, c) if "已受理" in p.last]
    alerts = [x.params.get("text") for x in desk.tg.calls_of("answerCallbackQuery") if x.params.get("show_alert")]
    assert len(accepted) == 1 and len(alerts) == 1 and "做不了" in str(alerts[0])
    await desk.deliver()
    assert sum(f"{reference} 已受理" in t for t in mei.said_since(0)) == 1


async def test_danger_then_typing_on_keeps_the_words_for_the_director(desk: Desk, mei: Person) -> None:
    await consent(mei)
    await fill(mei, Answers(danger="⚠️ 有危险", places=()))
    await mei.send("他爸又喝醉了")
    assert "记下了" in mei.last and "110" in mei.last and "区县" in mei.last
    for place in Answers().places:
        await mei.send(place)
    reference = reference_in(mei.last)
    assert "他爸又喝醉了" in await need_of(desk, reference)
