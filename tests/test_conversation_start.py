"""A parent meets the bot: /start, /help, the menu, and the commands whose features are still coming."""

from __future__ import annotations

from tests.fakebot import DirectTelegram


def labels(message) -> list[str]:
    return [b.text for row in message.reply_markup.inline_keyboard for b in row] if message.reply_markup else []


async def test_start_says_what_it_does_and_not_with_privacy_and_menu(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/start")
    reply = mei.chat.last_message
    assert "21项" in reply.text and "不能" in reply.text
    assert "保存" in reply.text and "儿童主任" in reply.text  # what is kept and who sees it
    assert labels(reply) == ["问问题", "自测能享受哪些服务", "服务清单", "求助"]
    sent = tg.calls_of("sendMessage")[-1]
    assert sent.params["parse_mode"] == "HTML" and "<b>" in sent.params["text"]


async def test_help_lists_every_command(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/help")
    text = mei.chat.last_message.text
    for command in ("/start", "/help", "/assess", "/list", "/qiuzhu", "/mine", "/forget"):
        assert command in text
    assert "12355" in text


async def test_menu_ask_prompts_for_a_question(tg: DirectTelegram) -> None:
    mei = tg.user()
    await mei.send("/start")
    await mei.click("问问题")
    assert tg.calls_of("answerCallbackQuery")
    assert "打字" in mei.chat.last_message.text


async def test_without_a_ledger_help_requests_say_so_and_give_the_hotlines(tg: DirectTelegram) -> None:
    """A Dispatcher with no database (only bare test dispatchers): /qiuzhu and the 求助 button still answer."""
    mei = tg.user()
    await mei.send("/assess")
    assert "几个孩子" in mei.chat.last_message.text
    for command in ("/qiuzhu", "/mine", "/forget", "/cases", "/join ABC"):
        await mei.send(command)
        assert "暂时不能提交求助" in mei.chat.last_message.text and "110" in mei.chat.last_message.text
    await mei.send("/start")
    await mei.click("求助")
    assert "暂时不能提交求助" in mei.chat.last_message.text
