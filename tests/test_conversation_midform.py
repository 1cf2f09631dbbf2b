"""Odd input in the middle of a form: a sticker, a location, an edit, an emoji, 不知道 typed where a button waits.
Each gets a reply that points back to the open question, and the form loses nothing."""

from __future__ import annotations

import pytest

from tests.fakebot import DirectTelegram
from tests.helpdesk_support import Answers, Desk, consent, fill
from tests.test_conversation_assess import answer, labels, last

MENU = ["问问题", "自测能享受哪些服务", "服务清单", "求助"]


@pytest.mark.parametrize(
    ("send", "expected"),
    [("send_sticker", "回答上面的问题"), ("send_location", "地名请直接打字"), ("send_photo", "不要发证件照片")],
)
async def test_a_sticker_or_location_mid_assessment_points_back_to_the_question(
    tg: DirectTelegram, send: str, expected: str
) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, "1个孩子")
    await getattr(mei, send)()
    assert expected in last(mei).text and "/start" not in last(mei).text
    await mei.send("渝北")  # the questionnaire goes on where it was
    assert "户口在哪里" in last(mei).text


async def test_emoji_or_spaces_are_neither_a_question_nor_an_answer(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("👍")
    assert "想问什么" in last(mei).text and labels(last(mei)) == MENU
    await mei.send("/assess")
    await answer(mei, "1个孩子")
    for nothing in ("😀", "   ", "？？"):
        await mei.send(nothing)
        assert "回答上面的问题" in last(mei).text and "没找到" not in last(mei).text
    await mei.send("渝北")
    assert "户口在哪里" in last(mei).text


async def test_greetings_and_thanks_get_the_menu_not_a_brush_off(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("天气怎么样")  # the stand-in matcher's out-of-scope question
    assert "不在范围内" in last(mei).text and labels(last(mei)) == MENU


async def test_an_edit_mid_assessment_says_the_first_answer_stands_and_how_to_change_it(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, "1个孩子")
    sent = await mei.send("渝北")
    edited = {**sent["message"], "text": "渝中", "edit_date": sent["message"]["date"] + 5}
    await tg.send_update({"edited_message": edited})
    assert "按改之前的算" in last(mei).text and "上一步" in last(mei).text


async def test_the_assessment_place_not_found_still_offers_do_not_know(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, "1个孩子", "123")
    assert "没找到“123”" in last(mei).text and "不知道" in labels(last(mei))
    await mei.click("不知道")
    assert "户口在哪里" in last(mei).text


async def test_typing_on_the_summary_shows_its_buttons_and_cancel_cancels(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, "1个孩子", *["不知道"] * 4, "9岁", "小学", "不知道", "都没有", "否", "不知道", "都没有")
    assert "请核对" in last(mei).text
    await mei.send("好了")
    assert labels(last(mei)) == ["✅ 看结果", "✏️ 改一个答案", "✖ 取消"] and "只看得懂文字" not in last(mei).text
    await mei.send("取消")
    assert "自测已取消" in last(mei).text


async def test_do_not_know_typed_for_the_district_of_a_help_request_lists_the_districts(desk: Desk) -> None:
    mei = desk.person(5001)
    await consent(mei)
    await fill(mei, Answers(places=()))
    await mei.send("不知道")
    assert "请从下面选" in mei.last and mei.buttons() == ["江北区", "渝北区"]
    await mei.click("渝北区")
    assert "哪个乡镇或街道" in mei.last


async def test_a_district_outside_chongqing_is_named_in_a_help_request(desk: Desk) -> None:
    mei = desk.person(5001)
    await consent(mei)
    await fill(mei, Answers(places=()))
    await mei.send("北京")
    assert "“北京市”不在重庆" in mei.last and "110" in mei.last
    await mei.send("渝北")
    assert "哪个乡镇或街道" in mei.last


async def test_a_sticker_in_a_help_request_points_back_to_the_question(desk: Desk) -> None:
    mei = desk.person(5001)
    await consent(mei)
    await mei.user.send_sticker()
    assert "回答上面的问题" in mei.last
    await mei.send("   ")  # not taken as the need
    assert "回答上面的问题" in mei.last
    await mei.send("孩子想在这边上小学")
    assert "是这一项服务吗" in mei.last and mei.buttons()[0].startswith("3. ")


async def test_start_mid_assessment_keeps_it_and_ask_a_question_ends_it(tg: DirectTelegram) -> None:
    """A parent sends /start half-way, then taps 问问题: the question must not be read as the answer."""
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, "1个孩子")
    await mei.send("/start")
    assert "你刚才的自测还没填完" in last(mei).text and labels(last(mei)) == MENU
    await mei.click("问问题")
    assert "自测先结束了" in last(mei).text
    await mei.send("孩子能上小学吗")
    assert "没找到" not in last(mei).text and "附件清单第3项" in last(mei).text


async def test_ask_a_question_ends_an_unfinished_help_request_and_says_nothing_was_sent(desk: Desk) -> None:
    mei = desk.person(5001)
    await consent(mei)
    await mei.send("/start")
    assert "你刚才的求助还没填完" in mei.last
    await mei.click("问问题")
    assert "也没有交给任何人" in mei.last
    await mei.send("/start")
    assert "还没填完" not in mei.last
