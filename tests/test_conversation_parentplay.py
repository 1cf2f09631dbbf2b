"""A tired parent on a phone, and a hurried child director: capitalised commands, 取消 anywhere, odd deep links."""

from __future__ import annotations

import pytest
from aiogram.types import Message

from bot.ledger import Role
from tests.fakebot import DirectTelegram
from tests.helpdesk_support import Desk, Person, consent, file, rows

MENU = ["问问题", "自测能享受哪些服务", "服务清单", "求助"]


def buttons(message: Message) -> list[str]:
    markup = message.reply_markup
    return [b.text for row in markup.inline_keyboard for b in row] if markup else []


@pytest.mark.parametrize("typed", ["/Start", "/START", "/Assess", "/LIST", "/Help"])
async def test_a_command_the_phone_capitalised_still_works(tg: DirectTelegram, typed: str) -> None:
    mei = tg.user()
    await mei.send(typed)
    assert "没有这个命令" not in mei.chat.last_message.text
    expected = {"start": "你好，我是童行", "assess": "几个孩子", "list": "共21项", "help": "童行怎么用"}
    assert expected[typed[1:].lower()] in mei.chat.last_message.text


@pytest.mark.parametrize("typed", ["取消", "/cancel", "/Cancel", "算了"])
async def test_cancel_with_nothing_open_says_so_and_shows_the_menu(tg: DirectTelegram, typed: str) -> None:
    mei = tg.user()
    await mei.send(typed)
    last = mei.chat.last_message
    assert "没有在填的内容" in last.text and "不在范围内" not in last.text
    assert buttons(last) == MENU


async def test_a_deep_link_that_is_no_invite_opens_the_welcome(desk: Desk) -> None:
    """A poster's QR code (t.me/bot?start=poster_yubei) is a family opening the bot, not a director's invite."""
    mei = desk.person(5001)
    await mei.send("/start poster_yubei")
    assert "你好，我是童行" in mei.last and "邀请码" not in mei.last
    assert mei.buttons() == MENU
    sql = "SELECT outcome, detail FROM audit_log WHERE action = 'invite_redeem' ORDER BY id"
    audited = await rows(desk.engine, sql)
    assert tuple(audited[-1]) == ("refused", "unknown")  # the attempt is still audited


async def test_a_used_invite_in_a_deep_link_is_still_refused_plainly(desk: Desk) -> None:
    code = await desk.world.ledger.create_invite(desk.world.areas["江北区/观音桥街道"], Role.DIRECTOR)
    await desk.person(7001).send(f"/start {code}")
    wang = desk.person(7002)
    await wang.send(f"/start {code}")
    assert "已经用过了" in wang.last


async def test_slash_cancel_in_a_help_request_drops_the_draft(desk: Desk) -> None:
    mei = desk.person(5001)
    await consent(mei)
    await mei.send("孩子想在这边上小学")
    await mei.send("/cancel")
    assert "这条求助不提交了" in mei.last and "110" in mei.last
    await mei.send("渝北")  # the form is gone: plain text is a question again
    assert "你们住在" not in mei.last


@pytest.mark.parametrize("typed", ["取消", "/cancel"])
async def test_a_director_can_type_cancel_in_a_visit_form(desk: Desk, typed: str) -> None:
    family = desk.person(5001)
    await file(family)
    await desk.deliver()
    director = desk.person(desk.world.staff["director_a"])
    await director.click("🏠 记录走访")
    await director.send("见到孩子了")
    await director.send(typed)
    assert "已取消，什么都没改" in director.last
    visits = await rows(desk.engine, "SELECT count(*) FROM visit")
    assert visits[0][0] == 0


async def test_a_director_capitalising_cases_gets_the_list(desk: Desk) -> None:
    await file(desk.person(5001))
    director: Person = desk.person(desk.world.staff["director_a"])
    await director.send("/Cases")
    assert "片区在办的求助" in director.last


async def test_assess_with_the_count_typed_after_it_goes_straight_to_the_first_question(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess 2个孩子")
    assert "现在住在重庆哪个区县" in mei.chat.last_message.text
    assert not any("几个孩子" in (m.text or "") for m in mei.chat.messages)
    await mei.send("渝北")
    await mei.click("⬅ 上一步")  # back to the count: the typed answer is in the history
    assert "现在住在重庆哪个区县" in mei.chat.last_message.text
    await mei.click("⬅ 上一步")
    assert "几个孩子" in mei.chat.last_message.text


async def test_assess_with_other_words_after_it_asks_the_count_as_usual(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess 帮我看看")
    assert "几个孩子" in mei.chat.last_message.text


async def test_do_not_know_everywhere_names_the_missing_facts_once_and_fits_one_message(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess 1")
    for _ in range(30):
        if "请核对" in mei.chat.last_message.text:
            break
        await mei.send("不知道")
    await mei.click("✅ 看结果")
    result = mei.chat.messages[-2].text
    assert "还需要补充信息" in result and result.count("孩子是跟谁一起来的") == 1
    assert result.count("前提是孩子属于流动儿童") == 21  # each entry says why it is only a maybe, briefly
    assert len(result) < 4096  # one message a parent can forward
