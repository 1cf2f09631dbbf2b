"""Directors' actions: each re-checks the area on the server and is audited in the same transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ledger import Agreement, BadInput, InvalidStep, InviteInvalid, NotAllowed, RefStatus, Role, Status
from tests.ledger_support import VILLAGE, Clock, World


async def rows(engine: AsyncEngine, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    async with engine.connect() as conn:
        return [tuple(r) for r in (await conn.execute(sa.text(sql))).all()]


async def file(world: World, **fields: object) -> int:
    fields.setdefault("entry_ids", (3,))
    result = await world.ledger.file_request(world.draft(VILLAGE, **fields), world.consent())  # type: ignore[arg-type]
    return result.case_id


async def test_full_path_accept_visit_refer_close_tells_the_family(
    world: World, engine: AsyncEngine, clock: Clock
) -> None:
    case_id = await file(world, child_alias="小明")
    director = world.staff["director_a"]
    detail = await world.ledger.accept(director, case_id)
    assert detail.status is Status.ACCEPTED and detail.child_alias == "小明"
    clock.advance(days=1)
    detail = await world.ledger.record_visit(director, case_id, clock.now, "家里情况还好")
    assert detail.status is Status.VISITING
    assert detail.next_visit_due == clock.now + timedelta(days=30)
    department = detail.departments[0]
    ref = await world.ledger.refer(director, case_id, department, Agreement.DIRECTOR_CONFIRMED, "孩子年龄、学籍需求")
    assert ref.status is RefStatus.REFERRED
    await world.ledger.set_referral_status(director, ref.id, RefStatus.RECEIVED)
    await world.ledger.set_referral_status(director, ref.id, RefStatus.DONE)
    detail = await world.ledger.close(director, case_id, "已入学")
    assert detail.status is Status.CLOSED
    family = await rows(engine, "SELECT kind FROM outbox WHERE target = 'family' ORDER BY id")
    assert [k for (k,) in family] == [
        "family_accepted",
        "family_visited",
        "family_referred",
        "family_ref_received",
        "family_ref_done",
        "family_closed",
    ]
    actions = await rows(engine, f"SELECT action, outcome FROM audit_log WHERE case_id = {case_id} ORDER BY id")
    assert [a for a, _ in actions] == [
        "file",
        "accept",
        "visit",
        "refer",
        "referral_status",
        "referral_status",
        "close",
    ]
    assert {o for _, o in actions} == {"ok"}


async def test_a_director_of_another_area_is_refused_and_audited(world: World, engine: AsyncEngine) -> None:
    case_id = await file(world)
    for action in (
        world.ledger.open_case(world.staff["director_b"], case_id),
        world.ledger.accept(world.staff["director_b"], case_id),
        world.ledger.close(world.staff["director_b"], case_id, None),
    ):
        with pytest.raises(NotAllowed):
            await action
    refused = await rows(engine, "SELECT action, outcome, detail, role FROM audit_log WHERE outcome = 'refused'")
    assert refused == [
        ("read", "refused", "other_area", "director"),
        ("accept", "refused", "other_area", "director"),
        ("close", "refused", "other_area", "director"),
    ]
    assert (await world.ledger.list_cases(world.staff["director_b"])) == []
    status = await rows(engine, f"SELECT status FROM ledger_case WHERE id = {case_id}")
    assert status == [("new",)]


async def test_supervisors_see_their_whole_area(world: World) -> None:
    case_id = await file(world)
    for name in ("supervisor_a", "district_a"):
        assert [c.id for c in await world.ledger.list_cases(world.staff[name])] == [case_id]


async def test_strangers_and_revoked_staff_are_refused(world: World, engine: AsyncEngine) -> None:
    case_id = await file(world)
    with pytest.raises(NotAllowed):
        await world.ledger.accept(424242, case_id)
    assert await world.ledger.revoke_staff(world.staff["director_a"]) == 1
    with pytest.raises(NotAllowed):
        await world.ledger.accept(world.staff["director_a"], case_id)
    details = await rows(engine, "SELECT detail FROM audit_log WHERE outcome = 'refused' ORDER BY id")
    assert details == [("not_staff",), ("revoked",)]


async def test_invites_work_once(world: World, engine: AsyncEngine, clock: Clock) -> None:
    code = await world.ledger.create_invite(world.areas[VILLAGE])
    staff = await world.ledger.redeem_invite(code.lower(), 7777, 7777)
    assert staff.role is Role.DIRECTOR and staff.area is not None and staff.area.full_name == VILLAGE
    with pytest.raises(InviteInvalid) as err:
        await world.ledger.redeem_invite(code, 7778, 7778)
    assert err.value.reason == "used"
    late = await world.ledger.create_invite(world.areas[VILLAGE])
    clock.advance(days=15)
    with pytest.raises(InviteInvalid, match="expired"):
        await world.ledger.redeem_invite(late, 7779, 7779)
    with pytest.raises(InviteInvalid, match="unknown"):
        await world.ledger.redeem_invite("NOPE", 7779, 7779)
    refused = await rows(engine, "SELECT detail FROM audit_log WHERE action = 'invite_redeem' AND outcome = 'refused'")
    assert refused == [("used",), ("expired",), ("unknown",)]
    hashes = await rows(engine, "SELECT code_hash FROM invite")
    assert all(code not in h for (h,) in hashes)


async def test_steps_out_of_order_are_refused(world: World, clock: Clock) -> None:
    case_id = await file(world)
    director = world.staff["director_a"]
    with pytest.raises(InvalidStep):
        await world.ledger.record_visit(director, case_id, clock.now, "x")
    await world.ledger.accept(director, case_id)
    with pytest.raises(InvalidStep):
        await world.ledger.accept(director, case_id)
    with pytest.raises(BadInput):
        await world.ledger.refer(director, case_id, "市公安局外的部门", Agreement.DIRECTOR_CONFIRMED)
    with pytest.raises(BadInput):
        await world.ledger.record_visit(director, case_id, clock.now + timedelta(days=3), None)


async def test_the_family_is_asked_before_a_referral(world: World, engine: AsyncEngine) -> None:
    case_id = await file(world)
    director = world.staff["director_a"]
    await world.ledger.accept(director, case_id)
    department = (await world.ledger.open_case(director, case_id)).departments[0]
    ref = await world.ledger.refer(director, case_id, department, Agreement.ASK_FAMILY, "孩子年龄")
    assert ref.status is RefStatus.AWAITING
    mine = await world.ledger.my_cases(5001)
    assert mine[0].pending_agreements == (ref.id,)
    with pytest.raises(NotAllowed):  # somebody else's referral
        await world.ledger.answer_referral(5002, ref.id, True)
    answered = await world.ledger.answer_referral(5001, ref.id, True)
    assert answered.status is RefStatus.REFERRED
    detail = await world.ledger.open_case(director, case_id)
    assert detail.status is Status.REFERRED
    kinds = await rows(engine, "SELECT kind, chat_id FROM outbox WHERE kind LIKE '%ref%' OR kind LIKE '%referral%'")
    assert ("family_ref_question", 5001) in kinds and ("referral_answer", director) in kinds
