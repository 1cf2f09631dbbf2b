"""Who hears of an entry: its area's directors, then the township's and the 区县's supervisors, then operators."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ledger.models import Area, Staff
from bot.ledger.types import Level, Role


@dataclass(frozen=True)
class Recipient:
    target: str  # "staff" or "operators"
    chat_id: int | None  # None for operators: OPERATORS_CHAT_ID, read when sending
    staff_id: int | None
    level: str  # "director", "supervisor", "district_supervisor", "operators"


OPERATORS = Recipient("operators", None, None, "operators")


def path_ids(area: Area) -> list[int]:
    """The area's ancestors and itself, from the 区县 down ("/3/17/52/" → [3, 17, 52])."""
    return [int(part) for part in area.path.strip("/").split("/") if part]


async def chain(session: AsyncSession, area: Area) -> list[Area]:
    """The area itself, then its parent, up to the 区县."""
    ids = path_ids(area)
    rows = (await session.exec(select(Area).where(col(Area.id).in_(ids)))).all()
    by_id = {a.id: a for a in rows}
    return [by_id[i] for i in reversed(ids) if i in by_id]


async def _staff(session: AsyncSession, area_id: int, role: Role) -> list[Staff]:
    stmt = select(Staff).where(Staff.area_id == area_id, Staff.role == role.value, col(Staff.active).is_(True))
    return list((await session.exec(stmt.order_by(col(Staff.id)))).all())


async def nearest_supervisors(session: AsyncSession, areas: list[Area]) -> list[Recipient]:
    """The supervisors of the nearest 乡镇/街道 or 区县 above (or at) the area that has any."""
    for area in areas:
        assert area.id is not None
        found = await _staff(session, area.id, Role.SUPERVISOR)
        if found:
            level = "district_supervisor" if area.level == Level.DISTRICT else "supervisor"
            return [Recipient("staff", s.chat_id, s.id, level) for s in found]
    return []


async def nearest_directors(session: AsyncSession, areas: list[Area]) -> list[Recipient]:
    """The directors of the entry's 村/社区, else of its 乡镇/街道 (a 区县 has supervisors, not directors)."""
    for area in areas:
        assert area.id is not None
        if area.level == Level.DISTRICT:
            break
        found = await _staff(session, area.id, Role.DIRECTOR)
        if found:
            return [Recipient("staff", s.chat_id, s.id, "director") for s in found]
    return []


def unique(recipients: list[Recipient]) -> list[Recipient]:
    """One message per chat, even for a person who is both director and supervisor."""
    seen: set[int | None] = set()
    out = []
    for r in recipients:
        key = r.chat_id if r.target == "staff" else None
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


async def route(session: AsyncSession, area: Area, urgent: bool) -> list[Recipient]:
    """Never nobody: directors; without them supervisors; without them the operators' chat.

    Urgent entries also reach the nearest supervisor at once (and the operators when there is none).
    """
    areas = await chain(session, area)
    directors = await nearest_directors(session, areas)
    if directors and not urgent:
        return directors
    supervisors = await nearest_supervisors(session, areas)
    return unique([*directors, *(supervisors or [OPERATORS])])


async def escalation_targets(session: AsyncSession, area: Area) -> list[Recipient]:
    """Where overdue visits and undeliverable notices go: the nearest supervisors, else the operators."""
    return await nearest_supervisors(session, await chain(session, area)) or [OPERATORS]
