"""End to end over HTTP on SQLite and PostgreSQL: the real polling bot with SQL FSM storage and its outbox sender,
a family asking for help in the chat and child directors answering it with the buttons."""

from __future__ import annotations

from bot.ledger import Role
from tests.e2e_support import FAMILY, hire, life, standard, told
from tests.fakebot import FakeTelegram
from tests.helpdesk_support import VILLAGE, Answers, consent, count, file, fill, reference_in, rows


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
