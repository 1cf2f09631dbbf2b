"""End to end over HTTP on SQLite and PostgreSQL: the real polling bot with SQL FSM storage and its outbox sender,
a family asking for help in the chat and child directors answering it with the buttons."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import pytest
from aiogram import BaseMiddleware, Dispatcher

from bot.app import database_services
from bot.dispatcher import create_dispatcher
from bot.ledger import Role
from bot.ledger.service import LedgerService
from bot.logsafe import quiet_libraries
from bot.run import make_bot, run_polling
from tests.conftest import make_settings
from tests.fakebot import FakeTelegram
from tests.helpdesk_support import Answers, Person, consent, count, file, fill, reference_in, rows
from tests.ledger_support import World
from tests.standins import StandInMatcher

FAMILY = 5001
VILLAGE = "渝北区/龙溪街道/松牌路社区"


class Handled(BaseMiddleware):
    """Innermost of the update middlewares: records each update id once its handling (answers included) is over."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.changed = asyncio.Event()

    async def __call__(self, handler: Any, event: Any, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        finally:
            self.ids.add(event.update_id)
            self.changed.set()

    async def wait(self, update_id: int) -> None:
        while update_id not in self.ids:
            self.changed.clear()
            await self.changed.wait()


@dataclass
class Life:
    """One life of the bot on the database: polling, the SQL FSM storage, the ledger and its sender running."""

    fake: FakeTelegram
    dp: Dispatcher
    ledger: LedgerService
    engine: Any
    handled: Handled

    async def settled(self, update: dict[str, Any] | None = None) -> None:
        """Until the bot has taken every update and handled them all, `update` included.

        wait_polled() alone can return while a taken update's task has not started yet (aiogram creates the
        task, then polls again), and several tasks run at once: so wait for this update's own end too.
        """
        await self.fake.wait_polled()
        if update is not None:
            await asyncio.wait_for(self.handled.wait(update["update_id"]), 10)
        await asyncio.wait_for(self.dp["inflight"].wait_idle(), 10)

    def person(self, telegram_id: int) -> Person:
        return Person(self.fake.user(telegram_id), self.settled)

    async def arrives(self, chat_id: int, fragment: str, after: int = 0) -> str:
        """Wait for the outbox sender (or a handler) to send `fragment` to the chat; returns the text."""
        call = await self.fake.wait_for(
            lambda c: c.is_("sendMessage") and c.chat_id == chat_id and fragment in str(c.params.get("text")),
            after=after,
        )
        return str(call.params["text"])


@asynccontextmanager
async def life(fake: FakeTelegram, db_url: str) -> AsyncIterator[Life]:
    settings = make_settings(
        bot_token="123456:TEST", telegram_api_base=fake.url, database_url=db_url, operators_chat_id=-100777
    )
    async with database_services(settings) as db:
        dp = create_dispatcher(settings, **{**db, "matcher": StandInMatcher()})
        handled = Handled()
        dp.update.outer_middleware(handled)
        before = len(fake.calls)
        task = asyncio.create_task(run_polling(settings, dp, make_bot(settings), handle_signals=False))
        await fake.wait_for(lambda c: c.is_("getUpdates"), after=before)
        try:
            yield Life(fake, dp, db["ledger"], db["engine"], handled)
        finally:
            await dp.stop_polling()
            await task


async def hire(bot: Life, world: World, name: str, telegram_id: int, area: str, role: Role = Role.DIRECTOR) -> Person:
    """The operator makes an invite; the director opens the deep link (/start CODE) in Telegram."""
    code = await bot.ledger.create_invite(world.areas[area], role)
    person = bot.person(telegram_id)
    await person.send(f"/start {code}")
    assert "您已登记为" in person.last
    world.staff[name] = telegram_id
    return person


async def standard(bot: Life) -> World:
    world = World(bot.ledger)
    for path in (VILLAGE, "江北区/观音桥街道/建新社区"):
        parts = path.split("/")
        for depth in range(1, 4):
            await world.area(*parts[:depth])
    return world


def told(fake: FakeTelegram, chat_id: int, reference: str) -> list[str]:
    return [str(c.params["text"]) for c in fake.calls_of("sendMessage", chat_id) if reference in str(c.params["text"])]


async def test_a_request_in_the_chat_goes_to_the_director_and_the_family_is_told_each_step(
    fake: FakeTelegram, db_url: str
) -> None:
    async with life(fake, db_url) as bot:
        world = await standard(bot)
        director = await hire(bot, world, "director_a", 9101, VILLAGE)
        await hire(bot, world, "supervisor_a", 9102, "渝北区/龙溪街道", Role.SUPERVISOR)
        family = bot.person(FAMILY)
        reference = await file(family)
        await bot.arrives(director.id, reference)
        assert director.buttons() == ["📄 详情", "✅ 受理", "🏠 记录走访", "↪ 转介", "☑ 办结"]
        await director.click("✅ 受理")
        await bot.arrives(FAMILY, "已受理")
        await director.click("🏠 记录走访")
        await director.send("见到孩子和妈妈")
        await director.click("30天后")
        await bot.arrives(FAMILY, "上门走访")
        await director.click("↪ 转介")
        await director.click(director.buttons()[0])
        await director.click("在机器人里问家庭")
        await director.click("只给编号、年龄和服务项目")
        await bot.arrives(FAMILY, "您同意吗")
        await family.click("✅ 同意转介")
        await bot.arrives(FAMILY, "已转介给")
        await bot.arrives(director.id, "家庭同意")
        await director.click("☑ 办结")
        await director.send("已入学")
        await bot.arrives(FAMILY, "已办结")
        await bot.settled()
    steps = ["已提交", "已受理", "上门走访", "您同意吗", "已转介给", "已办结"]
    family_texts = told(fake, FAMILY, reference)
    assert [next(s for s in steps if s in t) for t in family_texts] == steps  # each step once, in order
    assert told(fake, 9102, reference) == []  # an ordinary request does not disturb the supervisor


async def test_without_consent_nothing_is_stored_and_the_hotlines_are_given(fake: FakeTelegram, db_url: str) -> None:
    async with life(fake, db_url) as bot:
        family = bot.person(FAMILY)
        await family.send("/qiuzhu")
        await family.click("读完了，下一步")
        await family.click("✖ 不同意")
        assert "什么都没有保存" in family.last and "110" in family.last and "12355" in family.last
        for table in ("family", "consent", "ledger_case", "outbox"):
            assert await count(bot.engine, table) == 0
        assert await count(bot.engine, "fsm_state", f"user_id = {FAMILY}") == 0


async def test_danger_words_reach_director_and_supervisor_at_once(fake: FakeTelegram, db_url: str) -> None:
    async with life(fake, db_url) as bot:
        world = await standard(bot)
        await hire(bot, world, "director_a", 9101, VILLAGE)
        await hire(bot, world, "supervisor_a", 9102, "渝北区/龙溪街道", Role.SUPERVISOR)
        family = bot.person(FAMILY)
        await family.send("救命，他打我")
        assert "110" in family.last
        await family.click("🚨 请儿童主任马上跟进")
        for place in ("渝北", "龙溪", "松牌路"):
            await family.send(place)
        reference = reference_in(family.last)
        assert "儿童主任和儿童督导员" in family.last
        for staff in (9101, 9102):
            notice = await bot.arrives(staff, reference)
            assert "紧急求助" in notice and "他打我" not in notice


async def test_a_danger_answer_files_an_urgent_entry(fake: FakeTelegram, db_url: str) -> None:
    async with life(fake, db_url) as bot:
        world = await standard(bot)
        await hire(bot, world, "supervisor_a", 9102, "渝北区/龙溪街道", Role.SUPERVISOR)
        family = bot.person(FAMILY)
        await consent(family)
        await fill(family, Answers(danger="⚠️ 有危险", places=()))
        for place in ("渝北", "龙溪", "松牌路"):
            await family.send(place)
        reference = reference_in(family.last)
        assert "儿童督导员" in family.last  # no director in the village yet: the supervisor has it at once
        await bot.arrives(9102, reference)
        (case,) = await rows(bot.engine, "SELECT priority, basis FROM ledger_case")
        assert tuple(case) == ("urgent", "emergency")


async def test_a_director_forging_another_areas_button_is_refused_and_audited(fake: FakeTelegram, db_url: str) -> None:
    async with life(fake, db_url) as bot:
        world = await standard(bot)
        director_a = await hire(bot, world, "director_a", 9101, VILLAGE)
        director_b = await hire(bot, world, "director_b", 9201, "江北区/观音桥街道/建新社区")
        reference = await file(bot.person(FAMILY))
        await bot.arrives(director_a.id, reference)
        case_id = (await bot.ledger.open_reference(director_a.id, reference)).id
        await director_b.click_data(f"sc:ac:{case_id}")
        alert = fake.calls_of("answerCallbackQuery")[-1].params
        assert "不在您负责的片区" in alert["text"] and alert["show_alert"]
        refused = await rows(bot.engine, "SELECT actor, action, detail FROM audit_log WHERE outcome = 'refused'")
        assert [(r.action, r.detail) for r in refused] == [("accept", "other_area")]
        assert refused[0].actor.startswith("staff:")
        (case,) = await rows(bot.engine, "SELECT status FROM ledger_case")
        assert case.status == "new"


async def test_an_invite_cannot_be_used_twice(fake: FakeTelegram, db_url: str) -> None:
    async with life(fake, db_url) as bot:
        world = await standard(bot)
        code = await bot.ledger.create_invite(world.areas[VILLAGE], Role.DIRECTOR)
        first, second = bot.person(9101), bot.person(9301)
        await first.send(f"/join {code}")
        await second.send(f"/join {code}")
        assert "您已登记为" in first.last and "已经用过了" in second.last
        assert [s.telegram_id for s in await bot.ledger.staff_list()] == [9101]


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
