"""A parent browses the 21 services: groups → entries → detail and back; forged buttons get a clear answer."""

from __future__ import annotations

from aiogram.types import Message

from tests.fakebot import DirectTelegram


def labels(message: Message) -> list[str]:
    return [b.text for row in message.reply_markup.inline_keyboard for b in row] if message.reply_markup else []


async def test_list_shows_the_six_groups(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/list")
    reply = mei.chat.last_message
    assert "21项" in reply.text
    assert labels(reply) == [
        "幼有所育 (2)",
        "学有所教 (4)",
        "病有所医 (3)",
        "住有所居 (1)",
        "弱有所扶 (7)",
        "发展保障 (4)",
    ]


async def test_group_entry_detail_and_back_edit_the_same_message(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/list")
    page = mei.chat.last_message.message_id
    await mei.click("学有所教 (4)")
    assert mei.chat.last_message.message_id == page and "学有所教" in mei.chat.last_message.text
    await mei.click("3. 在居住地上小学、初中（免学杂费、免费教科书）")
    detail = mei.chat.last_message
    assert detail.message_id == page
    assert "居住地区县教育部门" in detail.text and "附件清单第3项" in detail.text and "户口簿" in detail.text
    assert labels(detail) == ["👍 有用", "👎 没用", "⬅ 返回学有所教", "⬅ 返回服务分类"]
    await mei.click("⬅ 返回学有所教")
    assert "学有所教" in mei.chat.last_message.text and len(labels(mei.chat.last_message)) == 5
    await mei.click("⬅ 返回服务分类")
    assert len(labels(mei.chat.last_message)) == 6
    assert len(mei.chat.messages) == 1  # one page, turned in place
    assert all(c.error is None for c in tg.calls)


async def test_menu_list_button_sends_the_groups(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/start")
    await mei.click("服务清单")
    assert len(labels(mei.chat.last_message)) == 6


async def test_forged_entry_and_group_ids_get_a_clear_answer(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/list")
    for data in ("en:999", "gr:nope", "en:0", "pk:77", "fb:1:404"):
        await mei.click_data(data)
        answer = tg.calls_of("answerCallbackQuery")[-1]
        assert answer.params["show_alert"] is True and "失效" in answer.params["text"], data
    # The groups page is shown again; where it is already shown Telegram says "not modified", which is fine.
    assert all(c.error is None or "not modified" in c.error.description for c in tg.calls)
    assert len(mei.chat.messages) == 1 and len(labels(mei.chat.last_message)) == 6


async def test_malformed_callback_data_gets_a_clear_answer(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/list")
    for data in ("en:abc", "zz", "gr", "en:1:2", "mn:fly"):
        await mei.click_data(data)
        assert "失效" in tg.calls_of("answerCallbackQuery")[-1].params["text"], data


async def test_pressing_the_same_button_twice_changes_nothing_and_fails_nothing(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/list")
    await mei.click("住有所居 (1)")
    await mei.click_data("gr:housing")
    assert "住有所居" in mei.chat.last_message.text
    assert len(mei.chat.messages) == 1
