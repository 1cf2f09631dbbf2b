"""End to end over HTTP on SQLite and PostgreSQL, continued: /forget, 确认 pressed twice, a restart in the middle
of a request, and the whole chat at DEBUG leaving no plaintext in the logs."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

import pytest

from bot.ledger import Role
from bot.logsafe import quiet_libraries
from tests.e2e_support import FAMILY, Life, hire, life, standard
from tests.fakebot import FakeTelegram
from tests.helpdesk_support import VILLAGE, Answers, consent, count, file, fill, reference_in
from tests.ledger_support import World


async def test_forget_erases_the_family_and_tells_the_director(fake: FakeTelegram, db_url: str) -> None:
    async with life(fake, db_url) as bot:
        world = await standard(bot)
        director = await hire(bot, world, "director_a", 9101, VILLAGE)
        family = bot.person(FAMILY)
        reference = await file(family, Answers(contact="留电话", contact_value="13812345678"))
        await family.send("/forget")
        await family.click("确认删除")
        assert "已删除" in family.last and reference in family.last and "为什么留" in family.last
        await bot.arrives(director.id, "/forget")
        detail = await bot.ledger.open_reference(director.id, reference)
        assert (detail.child_alias, detail.contact_value, detail.family_reachable) == (None, None, False)
        assert await count(bot.engine, "family") == 0
        assert await count(bot.engine, "fsm_state", f"user_id = {FAMILY}") == 0


async def test_confirm_pressed_twice_files_once(fake: FakeTelegram, db_url: str) -> None:
    async with life(fake, db_url) as bot:
        await standard(bot)
        family = bot.person(FAMILY)
        await consent(family)
        await fill(family)
        screen = family.user.chat.last_message
        pressed = await asyncio.gather(*[family.user.click_data("hq:confirm:", screen) for _ in range(2)])
        for update in pressed:  # both taken in one poll and handled at the same time
            await bot.settled(update)
        assert await count(bot.engine, "ledger_case") == 1 and await count(bot.engine, "case_filing") == 1
        said = [str(c.params.get("text")) for c in fake.calls_of("sendMessage", FAMILY)]
        said += [str(c.params.get("text")) for c in fake.calls_of("answerCallbackQuery")]
        shown = {reference_in(text) for text in said if "CQ-" in text}
        assert len(shown) == 1


async def test_a_restart_in_the_middle_of_a_request_resumes_it(fake: FakeTelegram, db_url: str) -> None:
    answers = Answers()
    async with life(fake, db_url) as bot:
        await standard(bot)
        family = bot.person(FAMILY)
        await consent(family)
        await family.send(answers.need)
        await family.click(next(b for b in family.buttons() if b.startswith("3. ")))
        assert "几岁" in family.last
    assert await count(bot.engine, "fsm_state", f"user_id = {FAMILY}") == 1  # the draft waits in the database
    async with life(fake, db_url) as bot:
        family = bot.person(FAMILY)
        await family.send("小雨 7岁")
        assert "生活有困难" in family.last
        for answer in answers.risks:
            await family.click(answer)
        await family.click("没有")
        for place in answers.places:
            await family.send(place)
        await family.click(answers.contact)
        await family.click("✅ 确认提交")
        reference = reference_in(family.last)
        detail = await bot.ledger.open_reference(await _operator_view(bot), reference)
        assert detail.entry_ids == (3,) and detail.child_alias == "小雨"


async def _operator_view(bot: Life) -> int:
    """A supervisor of the district, hired to read the entry back (through the same area check as anyone)."""
    world = World(bot.ledger)
    await world.area("渝北区")
    await world.hire("district", 9999, "渝北区", Role.SUPERVISOR)
    return 9999


async def test_the_chat_flow_at_debug_logs_nothing_the_family_or_the_director_typed(
    fake: FakeTelegram, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """As the bot logs at LOG_LEVEL=DEBUG, without the redacting filter: the conversation leaves no plaintext."""
    caplog.set_level(logging.DEBUG)
    quiet_libraries()
    secrets = {"child": "欧阳小雨", "need": "孩子想读书但没有学籍", "phone": "13912345678", "note": "家里只有奶奶在"}
    secrets |= {"shared": "小雨需要学籍证明", "close": "已办好学籍"}
    async with life(fake, db_url) as bot:
        world = await standard(bot)
        director = await hire(bot, world, "director_a", 9101, VILLAGE)
        family = bot.person(FAMILY)
        answers = Answers(need=secrets["need"], pick=None, child=f"{secrets['child']} 7岁", contact="留电话")
        reference = await file(family, replace(answers, contact_value=secrets["phone"]))
        await bot.arrives(director.id, reference)
        for step in ("✅ 受理", "🏠 记录走访"):
            await director.click(step)
        await director.send(secrets["note"])
        await director.click("30天后")
        await director.click("↪ 转介")
        await director.click(director.buttons()[0])
        await director.click("我已当面取得家庭同意")
        await director.send(secrets["shared"])
        await director.click("☑ 办结")
        await director.send(secrets["close"])
        await bot.arrives(FAMILY, "已办结")
        await family.send("/mine")
        await family.send("/forget")
        await family.click("确认删除")
    assert any(r.name.startswith("bot.") and r.levelno == logging.DEBUG for r in caplog.records)  # really DEBUG
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert not [name for name, value in secrets.items() if value in logged]
