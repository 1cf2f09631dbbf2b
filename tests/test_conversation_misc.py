"""Odd input still gets a clear reply: stickers, photos, voice, files, locations, edits, unknown commands, groups."""

from __future__ import annotations

import pytest

from tests.fakebot import DirectTelegram


@pytest.mark.parametrize(
    ("send", "expected"),
    [
        ("send_sticker", "只看得懂文字"),
        ("send_photo", "不要发证件照片"),
        ("send_document", "看不了图片和文件"),
        ("send_voice", "语音转文字"),
        ("send_location", "哪个区县"),
    ],
)
async def test_non_text_gets_a_polite_useful_reply(tg: DirectTelegram, send: str, expected: str) -> None:
    mei = tg.user()
    await getattr(mei, send)()
    assert expected in mei.chat.last_message.text


async def test_unknown_command_points_to_help(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/weather")
    assert "/help" in mei.chat.last_message.text


async def test_an_edited_message_is_asked_again(tg: DirectTelegram) -> None:
    mei = tg.user()
    sent = await mei.send("孩子能上小学吗")
    edited = {**sent["message"], "text": "孩子能上初中吗", "edit_date": sent["message"]["date"] + 5}
    await tg.send_update({"edited_message": edited})
    assert "重新发" in mei.chat.last_message.text


async def test_in_a_group_only_commands_are_answered_pointing_to_a_private_chat(tg: DirectTelegram) -> None:
    mei, group = tg.user(), tg.group()
    await mei.send("孩子能上小学吗", chat=group)
    await mei.send_sticker(chat=group)
    await mei.send("救命 有人打我", chat=group)
    assert group.messages == []
    await mei.send("/start", chat=group)
    assert "私聊" in group.last_message.text and group.last_message.reply_markup is None
    await mei.send("/list@tongxing_bot", chat=group)
    assert len(group.messages) == 2
    await mei.send("/start@some_other_bot", chat=group)
    assert len(group.messages) == 2
    assert mei.chat.messages == []  # nothing leaked into the private chat
