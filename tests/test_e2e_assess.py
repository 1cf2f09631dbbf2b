"""End to end over HTTP: a family of two children takes the self-assessment through the real polling loop."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.types import Message

from tests.conftest import StartBot
from tests.fakebot import FakeTelegram
from tests.test_conversation_assess import FAMILY_OF_TWO, PROFILE_OF_TWO, cli_assess


def labels(message: Message) -> list[str]:
    return [b.text for row in message.reply_markup.inline_keyboard for b in row] if message.reply_markup else []


async def test_a_family_of_two_children_gets_the_verdicts_of_tongxing_assess(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    await start_bot()
    mei = fake.user()

    async def screen_after(action: Awaitable[Any], done: Callable[[Message], bool] = lambda m: True) -> Message:
        """Run a user action, then wait until the bot's newest message changed and `done` holds for it."""
        before = [(m.message_id, m.text) for m in mei.chat.messages]
        await action
        for _ in range(200):
            now = mei.chat.messages
            if [(m.message_id, m.text) for m in now] != before and done(now[-1]):
                return now[-1]
            await asyncio.wait_for(fake.changed(5), 6)
        raise AssertionError("the bot did not answer")

    shown = await screen_after(mei.send("/assess"), lambda m: "几个孩子" in m.text)
    for step in FAMILY_OF_TWO:
        action = mei.click(step) if step in labels(shown) else mei.send(step)
        shown = await screen_after(action)
    assert "请核对" in shown.text
    await mei.click("✅ 看结果")
    await fake.wait_for(lambda c: c.is_("sendMessage") and c.chat_id == mei.id and "🔄" in str(c.params), 10)
    result, entries = mei.chat.messages[-2:]
    assert "自测结果" in result.text and "第1个孩子" in result.text and "第2个孩子" in result.text
    assert labels(result) == ["👍 有用", "👎 没用"]  # on the one forwardable result message
    cli = cli_assess(PROFILE_OF_TWO)
    open_ids = sorted({e["id"] for c in cli["children"] for e in c["entries"] if e["verdict"] != "not_applicable"})
    assert [int(label.split(".")[0]) for label in labels(entries)[:-1]] == open_ids
    await mei.click(labels(entries)[0])
    detail = await mei.next_message()
    assert "附件清单第" in detail.text
