"""End to end: the real polling loop over HTTP against the fake Bot API, parents playing through it."""

from __future__ import annotations

from aiogram.types import Message

from bot.services import MemoryFeedback
from tests.conftest import StartBot
from tests.fakebot import FakeTelegram


def labels(message: Message) -> list[str]:
    return [b.text for row in message.reply_markup.inline_keyboard for b in row] if message.reply_markup else []


async def test_start_registers_the_commands_and_shows_the_menu(fake: FakeTelegram, start_bot: StartBot) -> None:
    await start_bot()
    mei = fake.user()
    await mei.send("/start")
    reply = await mei.next_message()
    assert labels(reply) == ["问问题", "自测能享受哪些服务", "服务清单", "求助"]
    assert fake.calls_of("deleteWebhook") and fake.calls_of("getMe")
    commands = fake.calls_of("setMyCommands")[0].params["commands"]  # arrived as a JSON string in a form
    assert [c["command"] for c in commands] == ["start", "help", "assess", "list", "qiuzhu", "mine", "forget"]
    assert all(c["description"] for c in commands)
    await mei.send("/help")
    assert "/forget" in (await mei.next_message()).text


async def test_ask_answer_and_ask_clarify_pick_with_feedback(
    fake: FakeTelegram, start_bot: StartBot, feedback: MemoryFeedback
) -> None:
    await start_bot()
    mei = fake.user()
    await mei.send("孩子没户口能在这边上小学吗")
    answer = await mei.next_message()
    assert "附件清单第3项" in answer.text and labels(answer) == ["👍 有用", "👎 没用"]
    await mei.send("看病医保怎么办")
    clarify = await mei.next_message()
    assert len(labels(clarify)) == 3
    await mei.click(labels(clarify)[1])
    picked = await mei.next_message()
    assert "家庭医生" in picked.text
    await mei.click("👎 没用")
    edited = await mei.next_message()
    assert edited.reply_markup is None
    await fake.wait_for(lambda c: c.is_("answerCallbackQuery"))  # the row goes first, the vote is kept after
    assert (feedback.records[-1].kind, feedback.records[-1].question_text) == ("not_useful", "看病医保怎么办")


async def test_browse_groups_entries_detail_and_back(fake: FakeTelegram, start_bot: StartBot) -> None:
    await start_bot()
    mei = fake.user()
    await mei.send("/list")
    await mei.next_message()
    await mei.click("住有所居 (1)")
    assert "住有所居" in (await mei.next_message()).text
    await mei.click("10. " + fake.api.messages[mei.id][-1]["reply_markup"]["inline_keyboard"][0][0]["text"][4:])
    detail = await mei.next_message()
    assert "公共租赁住房" in detail.text and "附件清单第10项" in detail.text
    await mei.click("⬅ 返回服务分类")
    assert len(labels(await mei.next_message())) == 6


async def test_non_text_group_chat_and_forged_button(fake: FakeTelegram, start_bot: StartBot) -> None:
    running = await start_bot()
    mei, group = fake.user(), fake.group()
    await mei.send_location()
    assert "哪个区县" in (await mei.next_message()).text
    await mei.send("孩子能上小学吗", chat=group)
    await mei.send("/start@tongxing_bot", chat=group)
    assert "私聊" in (await mei.next_message(chat=group)).text
    await mei.click_data("en:4242")
    alert = await fake.wait_for(lambda c: c.is_("answerCallbackQuery"))
    assert alert.params["show_alert"] is True and "失效" in alert.params["text"]
    await running.settled()
    assert len(group.messages) == 1


async def test_a_duplicate_update_delivered_twice_is_handled_once(fake: FakeTelegram, start_bot: StartBot) -> None:
    running = await start_bot()
    mei = fake.user()
    update = await mei.send("/help")
    fake.push_raw(update)  # Telegram hands the same update over again (in the same batch)
    await running.settled()
    assert len(fake.calls_of("sendMessage", mei.id)) == 1


async def test_a_flooding_user_is_slowed_while_another_is_answered(fake: FakeTelegram, start_bot: StartBot) -> None:
    running = await start_bot(throttle_rate=0.01, throttle_burst=3)
    flood, calm = fake.user(1, "Flood"), fake.user(2, "Calm")
    for n in range(50):
        await flood.send(f"/help {n}")
    await calm.send("/help")
    await running.settled()
    replies = [c.params["text"] for c in fake.calls_of("sendMessage", flood.id)]
    notes = [r for r in replies if "发得有点快" in r]
    assert len(replies) == 4 and len(notes) == 1  # three answered, one polite note, 46 dropped
    assert len(fake.calls_of("sendMessage", calm.id)) == 1


async def test_a_user_who_blocked_the_bot_does_not_stop_it(fake: FakeTelegram, start_bot: StartBot) -> None:
    await start_bot()
    gone, mei = fake.user(7, "Gone"), fake.user(8, "Mei")
    fake.fail_next("sendMessage", 403, chat_id=gone.id)
    await gone.send("/help")
    await fake.wait_for(lambda c: c.chat_id == gone.id and c.error is not None)
    await mei.send("/help")
    assert "/start" in (await mei.next_message()).text


async def test_flood_control_429_is_waited_out_and_the_reply_still_arrives(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    await start_bot()
    mei = fake.user()
    fake.fail_next("sendMessage", 429, chat_id=mei.id, retry_after=1)
    await mei.send("/help")
    assert "/start" in (await mei.next_message()).text
    assert [c.error.status if c.error else 200 for c in fake.calls_of("sendMessage", mei.id)] == [429, 200]
