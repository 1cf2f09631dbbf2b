"""End to end over HTTP, as a tired parent taps: twice fast, after a restart, with capitals and stickers."""

from __future__ import annotations

from aiogram.types import Message

from bot.services import MemoryFeedback
from tests.conftest import RunningBot, StartBot
from tests.fakebot import FakeTelegram
from tests.fakebot.users import FakeUser
from tests.test_conversation_assess import FAMILY_OF_TWO
from tests.test_conversation_feedback import SCHOOL


def labels(message: Message) -> list[str]:
    return [b.text for row in message.reply_markup.inline_keyboard for b in row] if message.reply_markup else []


async def to_summary(mei: FakeUser, bot: RunningBot) -> None:
    await mei.send("/Assess")  # as the phone capitalised it
    await bot.settled()
    for step in FAMILY_OF_TWO:
        last = mei.chat.last_message
        await (mei.click(step) if step in labels(last) else mei.send(step))
        await bot.settled()
    assert "请核对" in mei.chat.last_message.text


def results(fake: FakeTelegram, mei: FakeUser) -> list[Message]:
    return [m for m in mei.chat.messages if "自测结果" in (m.text or "")]


async def test_see_result_pressed_twice_fast_gives_one_result(fake: FakeTelegram, start_bot: StartBot) -> None:
    bot = await start_bot()
    mei = fake.user()
    await to_summary(mei, bot)
    hold = fake.hold("answerCallbackQuery")  # the first press is still being handled …
    await mei.click("✅ 看结果")
    await mei.click("✅ 看结果")  # … when the second arrives
    await hold.arrived.wait()
    hold.release()
    await bot.settled()
    assert len(results(fake, mei)) == 1
    alerts = [c.params.get("text") for c in fake.calls_of("answerCallbackQuery") if c.params.get("show_alert")]
    assert any("已经结束" in str(a) for a in alerts)


async def test_the_result_vote_still_counts_after_a_restart(
    fake: FakeTelegram, start_bot: StartBot, feedback: MemoryFeedback
) -> None:
    first = await start_bot()
    mei = fake.user()
    await to_summary(mei, first)
    await mei.click("✅ 看结果")
    await first.settled()
    await first.stop()
    second = await start_bot()
    result = results(fake, mei)[-1]
    await mei.click_data(result.reply_markup.inline_keyboard[0][1].callback_data, result)
    await second.settled()
    assert feedback.records[-1].kind == "not_useful" and "自测结果" in feedback.records[-1].question_text


async def test_useful_tapped_twice_fast_is_one_vote(
    fake: FakeTelegram, start_bot: StartBot, feedback: MemoryFeedback
) -> None:
    bot = await start_bot()
    mei = fake.user()
    await mei.send("/list")
    await bot.settled()
    for step in ("学有所教 (4)", SCHOOL):
        await mei.click(step)
        await bot.settled()
    hold = fake.hold("editMessageReplyMarkup")  # the first tap is still taking the row away …
    await mei.click("👍 有用")
    await hold.arrived.wait()
    await mei.click("👍 有用")  # … when the second arrives, both handled at once by the polling loop
    await fake.wait_for(lambda c: c.is_("answerCallbackQuery"))
    hold.release()
    await bot.settled()
    assert [(r.kind, r.entry_id) for r in feedback.records] == [("useful", 3)]
    alerts = sorted(c.params["text"] for c in fake.calls_of("answerCallbackQuery")[-2:])
    assert "已经收到" in alerts[0] and "谢谢反馈" in alerts[1]
    assert labels(mei.chat.last_message) == ["⬅ 返回学有所教", "⬅ 返回服务分类"]


async def test_stickers_emoji_and_cancel_through_the_polling_loop(fake: FakeTelegram, start_bot: StartBot) -> None:
    bot = await start_bot()
    mei = fake.user()
    steps = [  # what the parent sends (None: a sticker), and what the bot's newest message must say
        ("/START@tongxing_bot", "你好，我是童行"),
        ("👍", "想问什么"),
        ("/assess 2个孩子", "现在住在重庆哪个区县"),
        (None, "回答上面的问题"),
        ("取消", "自测已取消"),
        ("取消", "没有在填的内容"),
    ]
    for sent, expected in steps:
        await (mei.send(sent) if sent is not None else mei.send_sticker())
        await bot.settled()
        assert expected in mei.chat.last_message.text, sent
