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


async def test_a_short_follow_up_is_about_the_service_just_answered(real: DirectTelegram) -> None:
    mei, li = real.user(), real.user(1002, "Li")
    await mei.send("公租房怎么申请")
    assert "附件清单第10项" in mei.chat.last_message.text
    await mei.send("那要准备什么材料")
    text = mei.chat.last_message.text
    assert "接着刚才说的“住房困难" in text and "附件清单第10项" in text and "可以先准备" in text
    assert "怎么办" not in text  # the part asked about, not the whole entry again
    assert mei.chat.last_message.reply_markup is not None  # 有用 / 没用 as on every answer
    await li.send("要准备什么材料")  # nothing answered before: no guess
    assert "接着刚才" not in li.chat.last_message.text and "附件清单" not in li.chat.last_message.text
    await mei.send("孩子能坐公交免费吗")  # a question that names its own service is answered as itself
    assert "附件清单第17项" in mei.chat.last_message.text and "接着刚才" not in mei.chat.last_message.text
    await mei.send("要多久")
    text = mei.chat.last_message.text
    assert "接着刚才" in text and "附件清单第17项" in text and "以办理部门公布的为准" in text


async def test_a_follow_up_hours_later_is_not_tied_to_an_old_answer(
    real: DirectTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.local_api

    mei = real.user()
    await mei.send("公租房怎么申请")
    later = bot.local_api.time.time() + 3 * 3600
    monkeypatch.setattr(bot.local_api, "time", type("Clock", (), {"time": staticmethod(lambda: later)}))
    await mei.send("要准备什么材料")
    assert "附件清单第10项" not in mei.chat.last_message.text


async def test_a_picked_choice_is_what_a_follow_up_is_about(real: DirectTelegram) -> None:
    mei = real.user()
    await mei.send("居住证怎么办")  # several services lean on the permit: "did you mean"
    buttons = [b.text for row in mei.chat.last_message.reply_markup.inline_keyboard for b in row]
    picked = next(b for b in buttons if "医保" in b)
    await mei.click(picked)
    await mei.send("去哪里办")
    assert "接着刚才" in mei.chat.last_message.text and "附件清单第8项" in mei.chat.last_message.text
