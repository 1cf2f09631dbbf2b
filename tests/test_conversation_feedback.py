"""Every answer a parent reads carries 有用 / 没用, and a 没用 lands in the content editors' report: a question's
answer, an entry opened from /list, and the self-assessment result (which stays one message to forward)."""

from __future__ import annotations

from aiogram.types import Message

from bot.services import MemoryFeedback
from handlers.feedback import read_verdict_code
from tests.fakebot import DirectTelegram
from tests.fakebot.users import FakeUser
from tests.test_conversation_assess import FAMILY_OF_TWO, answer, labels

SCHOOL = "3. 在居住地上小学、初中（免学杂费、免费教科书）"


async def read_school_entry(tg: DirectTelegram) -> FakeUser:
    """A parent opens entry 3 from /list: it carries 有用 / 没用 and the way back."""
    mei = tg.user()
    await mei.send("/list")
    await mei.click("学有所教 (4)")
    await mei.click(SCHOOL)
    return mei


async def test_an_entry_read_from_the_list_takes_a_vote_and_keeps_its_way_back(
    tg: DirectTelegram, feedback: MemoryFeedback
) -> None:
    mei = await read_school_entry(tg)
    await mei.click("👎 没用")
    record = feedback.records[-1]
    assert (record.kind, record.entry_id) == ("not_useful", 3)
    assert record.question_text == "(从服务清单打开的说明)"  # scrubbed (NFKC); never empty
    detail = mei.chat.last_message
    assert labels(detail) == ["⬅ 返回学有所教", "⬅ 返回服务分类"]  # one vote; the way back stays
    assert "编辑会改进" in tg.calls_of("answerCallbackQuery")[-1].params["text"]


async def test_the_result_carries_the_vote_on_the_message_itself(tg: DirectTelegram, feedback: MemoryFeedback) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, *FAMILY_OF_TWO)
    await mei.click("✅ 看结果")
    result: Message = mei.chat.messages[-2]
    assert "自测结果" in result.text and "第2个孩子" in result.text  # one message: feedback does not split it
    assert labels(result) == ["👍 有用", "👎 没用"]
    await mei.click_data(result.reply_markup.inline_keyboard[0][1].callback_data, result)
    record = feedback.records[-1]
    assert (record.kind, record.entry_id) == ("not_useful", None)
    assert record.question_text.startswith("(自测结果)第1个孩子:流动儿童,可以享受")
    assert "第2个孩子" in record.question_text and "渝北" not in record.question_text  # no personal data
    assert labels(mei.chat.messages[-2]) == []
    assert "/qiuzhu" in tg.calls_of("answerCallbackQuery")[-1].params["text"]


async def test_a_forged_result_vote_is_refused_and_records_nothing(
    tg: DirectTelegram, feedback: MemoryFeedback
) -> None:
    mei = tg.user()
    await mei.send("/start")
    for forged in ("fr:0:<script>", "fr:0:ye99m1.ye1m1.ye1m1.ye1m1.ye1m1", "fr:1:", "fr:0:xe1m1"):
        await mei.click_data(forged)
        assert tg.calls_of("answerCallbackQuery")[-1].params.get("show_alert") is True
    assert list(feedback.records) == []


def test_the_verdict_code_reads_back_only_what_it_wrote() -> None:
    assert read_verdict_code("ye6m2.ue0m21") == [
        {"status": "yes", "eligible": 6, "maybe": 2},
        {"status": "unknown", "eligible": 0, "maybe": 21},
    ]
    assert read_verdict_code("ne0m0") == [{"status": "no", "eligible": 0, "maybe": 0}]
    for bad in ("", "ye6", "ye6m2.", "ye123m1", "YE6M2", "ye6m2.ye6m2.ye6m2.ye6m2.ye6m2"):
        assert read_verdict_code(bad) is None


async def test_a_fast_double_tap_on_a_vote_records_one_and_thanks_again(
    tg: DirectTelegram, feedback: MemoryFeedback
) -> None:
    mei = await read_school_entry(tg)
    await mei.double_click("👍 有用")  # the second tap still sees the row the first one took away
    assert [(r.kind, r.entry_id) for r in feedback.records] == [("useful", 3)]
    first, second = [c.params["text"] for c in tg.calls_of("answerCallbackQuery")[-2:]]
    assert "谢谢反馈" in first and "已经收到" in second
    assert labels(mei.chat.last_message) == ["⬅ 返回学有所教", "⬅ 返回服务分类"]


async def test_a_result_voted_twice_keeps_the_first_vote(tg: DirectTelegram, feedback: MemoryFeedback) -> None:
    mei = tg.user()
    await mei.send("/assess")
    await answer(mei, *FAMILY_OF_TWO)
    await mei.click("✅ 看结果")
    await mei.double_click("👎 没用")
    await mei.click_data("fr:1:" + "ye1m1", mei.chat.messages[-2])  # a 有用 forged on the same result afterwards
    assert [r.kind for r in feedback.records] == ["not_useful"]
    assert all("已经收到" in c.params["text"] for c in tg.calls_of("answerCallbackQuery")[-2:])
