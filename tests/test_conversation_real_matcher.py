"""The same conversations with the real ask engine (checklist.matcher over content/), not the stand-in."""

from __future__ import annotations

import pytest

from bot.dispatcher import create_dispatcher
from checklist.matcher import Matcher
from tests.conftest import make_settings
from tests.fakebot import DirectTelegram


@pytest.fixture
def real(matcher: Matcher) -> DirectTelegram:
    return DirectTelegram(create_dispatcher(make_settings(), matcher=matcher))


@pytest.mark.parametrize(
    ("question", "clause"),
    [
        ("孩子没户口能在这边上小学吗", "附件清单第3项"),
        ("在老家交的医保在这边住院能报吗", "附件清单第8项"),
        ("公租房怎么申请", "附件清单第10项"),
        ("孩子能坐公交免费吗", "附件清单第17项"),
    ],
)
async def test_parent_questions_get_the_right_entry(real: DirectTelegram, question: str, clause: str) -> None:
    mei = real.user()
    await mei.send(question)
    assert clause in mei.chat.last_message.text and mei.chat.last_message.reply_markup is not None


async def test_danger_words_get_110_and_weather_is_out_of_scope(real: DirectTelegram) -> None:
    mei = real.user()
    await mei.send("他爸爸又打孩子了")
    assert "110" in mei.chat.last_message.text
    await mei.send("明天天气怎么样")
    assert "不在范围" in mei.chat.last_message.text
