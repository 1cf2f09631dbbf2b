"""A parent types a question: answer, "did you mean", don't-know, out of scope, urgent — and rates the answer."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Message

from bot.services import MemoryFeedback
from tests.fakebot import DirectTelegram


def labels(message: Message) -> list[str]:
    return [b.text for row in message.reply_markup.inline_keyboard for b in row] if message.reply_markup else []


async def test_question_gets_the_entry_with_policy_clause_and_rating_buttons(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("孩子没户口能在这边上小学吗")
    answer = mei.chat.last_message
    assert "免学杂费" in answer.text and "附件清单第3项" in answer.text and "居住地区县教育部门" in answer.text
    assert labels(answer) == ["👍 有用", "👎 没用"]
    assert answer.reply_to_message is not None and answer.reply_to_message.text == "孩子没户口能在这边上小学吗"


async def test_useless_lands_in_the_feedback_with_the_question_and_buttons_go(
    tg: DirectTelegram, feedback: MemoryFeedback
) -> None:
    mei = tg.user()
    await mei.send("孩子能上小学吗")
    await mei.click("👎 没用")
    record = feedback.records[-1]
    assert (record.kind, record.question_text, record.entry_id) == ("not_useful", "孩子能上小学吗", 3)
    assert mei.chat.last_message.reply_markup is None
    assert "谢谢" in tg.calls_of("answerCallbackQuery")[-1].params["text"]


async def test_useful_is_recorded(tg: DirectTelegram, feedback: MemoryFeedback) -> None:
    mei = tg.user()
    await mei.send("上学的事")
    await mei.click("👍 有用")
    assert feedback.records[-1].kind == "useful"


async def test_vague_question_offers_up_to_three_choices_and_a_pick_answers(
    tg: DirectTelegram, feedback: MemoryFeedback
) -> None:
    mei = tg.user()
    await mei.send("医保怎么弄")
    clarify = mei.chat.last_message
    assert "是下面这些吗" in clarify.text and len(labels(clarify)) == 3
    await mei.click(labels(clarify)[0])
    answer = mei.chat.last_message
    assert "异地就医" in answer.text and labels(answer) == ["👍 有用", "👎 没用"]
    assert answer.reply_to_message.text == "医保怎么弄"
    await mei.click("👍 有用")
    assert (feedback.records[-1].question_text, feedback.records[-1].entry_id) == ("医保怎么弄", 8)


async def test_unknown_question_is_kept_for_editors_and_offers_a_path(
    tg: DirectTelegram, feedback: MemoryFeedback
) -> None:
    mei = tg.user()
    await mei.send("社保卡丢了怎么补")
    reply = mei.chat.last_message
    assert "答不上来" in reply.text and labels(reply) == ["服务清单", "求助"]
    assert (feedback.records[-1].kind, feedback.records[-1].question_text) == ("unanswered", "社保卡丢了怎么补")


async def test_out_of_scope_says_so(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("明天天气怎么样")
    assert "不在范围" in mei.chat.last_message.text


async def test_urgent_text_gets_110_first(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("他又打我的孩子了")
    text = mei.chat.last_message.text
    assert text.startswith("如果孩子现在有危险，请马上打 110") and "12355" in text


async def test_urgent_reply_follows_the_hit_injured_and_self_harm(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("孩子在流血 不想活了")
    text = mei.chat.last_message.text
    assert "请同时打 120" in text and "现在就打 12355" in text


async def test_urgent_text_interrupts_any_form_state_while_other_text_is_left_to_the_form(tg: DirectTelegram) -> None:
    mei = tg.user()
    key = StorageKey(bot_id=tg.bot.id, chat_id=mei.id, user_id=mei.id)
    state = FSMContext(storage=tg.dp.storage, key=key)
    await state.set_state("Assess:asking")
    await mei.send("救命，有人打我")
    assert "110" in mei.chat.last_message.text
    assert await state.get_state() == "Assess:asking"  # the questionnaire is still there to go back to
    await mei.send("孩子能上小学吗")  # inside a form, free text is the form's, not the ask engine's
    assert "附件清单第3项" not in mei.chat.last_message.text


async def test_kept_questions_lose_phone_and_id_numbers(tg: DirectTelegram, feedback: MemoryFeedback) -> None:
    mei = tg.user()
    await mei.send("我电话13812345678，身份证50010119900101123X，邮箱a.b@example.com 孩子户口问题")
    kept = feedback.records[-1].question_text
    assert "13812345678" not in kept and "1123X" not in kept and "example.com" not in kept and "户口" in kept
