"""A parent takes the self-assessment in the chat: one question at a time, back, 不知道, change, cancel, result."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from aiogram.types import Message

from tests.fakebot import DirectTelegram
from tests.fakebot.users import FakeUser


def labels(message: Message) -> list[str]:
    return [b.text for row in message.reply_markup.inline_keyboard for b in row] if message.reply_markup else []


def last(user: FakeUser) -> Message:
    return user.chat.last_message


async def answer(user: FakeUser, *steps: str) -> None:
    """Each step presses the button with that label if the last message has one, else types the text."""
    for step in steps:
        if step in labels(last(user)):
            await user.click(step)
        else:
            await user.send(step)


def cli_assess(profile: dict[str, Any]) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "assess", "-", "--json"],
        input=json.dumps(profile),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=True,
    )
    return json.loads(run.stdout)


FAMILY_OF_TWO = [
    "2个孩子",
    "渝北",
    "四川南充",
    "一年以上",
    "跟父母（或其中一方）",
    "7岁",
    "小学",
    "是",
    "都没有",
    "否",  # the 7-year-old: stage, school registration, screening, psych
    "4岁",
    "幼儿园",
    "都没有",
    "否",  # the 4-year-old: no school registration or height question
    "否",
    "有其中一种或几种",
    "是",
    "不知道",
    "否",
    "否",
    "否",  # permit; hardship yes, 低保 ?, 特困/突发/住房 no
]


NOT_ANY = dict.fromkeys(["disability", "orphan", "unsupported", "hiv", "severe_mental_disorder"], False)
PROFILE_OF_TWO = {  # what FAMILY_OF_TWO answers, as `tongxing assess` reads it
    "residence": "渝北区",
    "hukou": "四川省南充市",
    "months_here": 12,
    "moved_with": "parents",
    "residence_permit": False,
    "household": {"economic_hardship": True, "tekun": False, "sudden_hardship": False, "housing_difficulty": False},
    "children": [
        {"age": 7, "stage": "primary", "school_registered": True, "psych_needs": False, **NOT_ANY},
        {"age": 4, "stage": "kindergarten", "psych_needs": False, **NOT_ANY},
    ],
}


async def test_two_children_end_with_the_same_verdicts_as_the_command_line(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, *FAMILY_OF_TWO)
    summary = last(mei)
    assert "请核对" in summary.text and labels(summary) == ["✅ 看结果", "✏️ 改一个答案", "✖ 取消"]
    assert "第1个孩子（7岁）" in summary.text and "第2个孩子（4岁）" in summary.text
    await mei.click("✅ 看结果")
    result = "\n".join(m.text for m in mei.chat.messages[-2:-1])
    cli = cli_assess(PROFILE_OF_TWO)
    blocks = result.split("【")[1:]
    assert len(blocks) == 2
    for block, child in zip(blocks, cli["children"], strict=True):
        eligible = block.split("✅")[1].split("❓")[0] if "✅" in block else ""
        for entry in child["entries"]:
            line = f"{entry['id']}. {entry['title']}"
            if entry["verdict"] == "eligible":
                assert line in eligible, (entry["id"], block)
            elif entry["verdict"] == "maybe":
                assert line in block.split("❓")[1], (entry["id"], block)
            else:
                assert line not in block
    assert "先办居住证" in result
    assert await tg.dp.storage.get_state(key=storage_key(tg, mei)) is None  # the answers are not kept


def storage_key(tg: DirectTelegram, user: FakeUser) -> Any:
    from aiogram.fsm.storage.base import StorageKey

    return StorageKey(bot_id=tg.bot.id, chat_id=user.id, user_id=user.id)


def said(tg: DirectTelegram) -> list[str]:
    """Every text the bot sent or put in place of an older one (questions are turned like pages)."""
    return [c.params["text"] for c in tg.calls if c.method in ("sendMessage", "editMessageText")]


async def test_no_height_question_for_a_12_year_old_and_no_school_questions_for_a_2_year_old(
    tg: DirectTelegram,
) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(
        mei,
        "2个孩子",
        "万州",
        "湖北恩施",
        "一年以上",
        "跟父母（或其中一方）",
        "12岁",
        "初中",
        "是",
        "都没有",
        "否",
        "2岁",
        "都没有",
        "否",
    )
    texts = said(tg)
    assert sum("上什么学" in t for t in texts) == 1  # asked of the 12-year-old only
    assert sum("学籍" in t for t in texts) == 1
    assert not any("1.3米" in t for t in texts)  # a pupil gets the bus card; a 2-year-old is under 1.3 m


async def test_back_goes_to_the_previous_question_and_forgets_its_answer(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, "1个孩子", "渝北")
    assert "户口在哪里" in last(mei).text
    await mei.click("⬅ 上一步")
    assert "住在重庆哪个区县" in last(mei).text
    await mei.click("⬅ 上一步")
    assert "几个孩子" in last(mei).text
    await answer(mei, "1个孩子", "万州", "广东东莞")
    assert "住了多久" in last(mei).text


async def test_unknown_place_offers_suggestions_and_a_tap_picks_one(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, "1个孩子", "瑜北")
    assert "没找到" in last(mei).text and "渝北区" in labels(last(mei))
    await mei.click("渝北区")
    assert "户口在哪里" in last(mei).text


async def test_living_outside_chongqing_is_asked_again(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, "1个孩子", "四川成都")
    assert "不在重庆" in last(mei).text
    await answer(mei, "南岸区")
    assert "户口在哪里" in last(mei).text


async def test_do_not_know_skips_and_the_result_says_what_to_confirm(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(
        mei,
        "1个孩子",
        "不知道",
        "不知道",
        "不知道",
        "不知道",
        "9岁",
        "小学",
        "不知道",
        "都没有",
        "否",
        "不知道",
        "都没有",
    )
    assert "请核对" in last(mei).text and "不知道" in last(mei).text
    await mei.click("✅ 看结果")
    result = mei.chat.messages[-2].text
    assert "还需要补充信息" in result and "要部门认定或再确认" in result


async def test_change_one_answer_from_the_summary(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, "1个孩子", "渝北", "四川南充", "一年以上", "孩子自己一个人")
    assert "请核对" in last(mei).text  # came alone: not a migrant child, nothing else can change the result
    await mei.click("✏️ 改一个答案")
    await mei.click("孩子是跟谁一起来的：孩子自己一个人")
    assert "跟谁一起来" in last(mei).text
    await mei.click("跟父母（或其中一方）")
    assert "几岁" in last(mei).text  # now the child's questions matter


async def test_typed_answers_and_nonsense_get_a_kind_reprompt(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, "两个", "江北", "贵州遵义", "8个月", "跟父母（或其中一方）")
    assert "几岁" in last(mei).text and "第1个孩子" in last(mei).text
    await mei.send("很大了")
    assert "没看懂" in last(mei).text
    await mei.send("十岁")
    assert "上什么学" in last(mei).text


async def test_cancel_clears_everything(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, "1个孩子", "渝北")
    await mei.click("✖ 取消")
    assert "已取消" in last(mei).text
    assert await tg.dp.storage.get_data(key=storage_key(tg, mei)) == {}
    await mei.send("孩子没户口能上小学吗")  # free text is a question again
    assert "附件清单第3项" in last(mei).text or "第3项" in last(mei).text


async def test_stale_and_forged_buttons_are_refused(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, "1个孩子", "渝北")
    for data in ("aa:-1:0:42", "aa:0:999:1", "aa:-1:2:5", "ac:9", "as:3", "ae:0:99"):
        await mei.click_data(data)
        reply = tg.calls_of("answerCallbackQuery")[-1].params.get("text", "")
        assert "答过了" in reply or "结束" in reply
    assert "户口在哪里" in last(mei).text


async def test_urgent_words_interrupt_the_questionnaire_which_then_goes_on(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, "1个孩子", "渝北")
    await mei.send("他爸打我")  # the stand-in matcher flags 打我 as danger
    assert "110" in last(mei).text
    await mei.send("四川南充")
    assert "住了多久" in last(mei).text


async def test_menu_button_starts_the_assessment(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/start")
    await mei.click("自测能享受哪些服务")
    assert "几个孩子" in last(mei).text


async def test_a_restart_mid_questionnaire_resumes_where_the_parent_was(db_url: str) -> None:
    """FSM state lives in the database: a new process (new Dispatcher, new engine) carries on."""
    from bot.app import database_services
    from bot.dispatcher import create_dispatcher
    from tests.conftest import make_settings
    from tests.standins import StandInMatcher

    settings = make_settings(database_url=db_url)
    async with database_services(settings) as services:
        first = DirectTelegram(create_dispatcher(settings, matcher=StandInMatcher(), **services))
        mei = first.user()
        await mei.send("/assess")
        await answer(mei, "1个孩子", "渝北")
        assert "户口在哪里" in last(mei).text
    async with database_services(settings) as services:
        second = DirectTelegram(create_dispatcher(settings, matcher=StandInMatcher(), **services))
        mei = second.user()
        await mei.send("四川南充")
        assert "住了多久" in last(mei).text
