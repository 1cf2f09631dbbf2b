"""The server-side check behind every staff button and command: is this entry in the actor's area?"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from bot.ledger.casemodels import Case
from bot.ledger.core import Actor, Core, Refused, Tx
from bot.ledger.models import Area, Staff
from bot.ledger.types import NotFound, Role

STAFF_ROLES = (Role.DIRECTOR.value, Role.SUPERVISOR.value)


@dataclass(frozen=True)
class Allowed:
    """An actor cleared for one entry: the staff row that grants it, the entry and its area."""

    actor: Actor
    staff: Staff
    case: Case
    area: Area


def staff_actor(staff: Staff) -> Actor:
    return Actor(f"staff:{staff.id}", staff.role, staff.area_id)


def covers(staff_area: Area, area: Area) -> bool:
    """A staff member's area covers its own and every area below it (a township covers its villages)."""
    return area.path.startswith(staff_area.path)


class AccessMixin(Core):
    async def _active_staff(self, tx: Tx, telegram_id: int) -> list[tuple[Staff, Area]]:
        stmt = (
            select(Staff, Area)
            .join(Area, col(Area.id) == Staff.area_id)
            .where(Staff.telegram_id == telegram_id, col(Staff.active).is_(True), col(Staff.role).in_(STAFF_ROLES))
            .order_by(col(Staff.id))
        )
        return [(s, a) for s, a in (await tx.session.exec(stmt)).all()]

    async def _who(self, tx: Tx, telegram_id: int, action: str) -> list[tuple[Staff, Area]]:
        """The actor's active staff rows; refused (and audited) when there are none."""
        rows = await self._active_staff(tx, telegram_id)
        if rows:
            return rows
        revoked = (await tx.session.exec(select(Staff).where(Staff.telegram_id == telegram_id))).first()
        if revoked is not None:
            raise Refused(staff_actor(revoked), action, "revoked")
        raise Refused(self.stranger(telegram_id), action, "not_staff")

    async def _allow(self, tx: Tx, telegram_id: int, case_id: int, action: str) -> Allowed:
        """Clear `telegram_id` for entry `case_id`, or raise Refused (rolled back, audited, NotAllowed)."""
        rows = await self._who(tx, telegram_id, action)
        case = await tx.session.get(Case, case_id, with_for_update=True)
        if case is None:
            raise Refused(staff_actor(rows[0][0]), action, f"no_such_entry:{case_id}")
        area = await tx.session.get_one(Area, case.area_id)
        for staff, staff_area in rows:
            if covers(staff_area, area):
                return Allowed(staff_actor(staff), staff, case, area)
        raise Refused(staff_actor(rows[0][0]), action, "other_area", case)

    async def _case_id(self, tx: Tx, reference: str) -> int:
        found = (await tx.session.exec(select(Case.id).where(Case.reference == reference.strip().upper()))).first()
        if found is None:
            raise NotFound(f"no entry {reference}")
        return found
