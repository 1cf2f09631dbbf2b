"""What child directors and supervisors do with an entry: list, open, accept, record a visit, close."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, or_, select

from bot.ledger.access import AccessMixin, Allowed, staff_actor
from bot.ledger.casemodels import Case, CaseFiling, Referral, Visit
from bot.ledger.core import Tx
from bot.ledger.models import Area, Family
from bot.ledger.rules import CAN_VISIT, OPEN, PRIORITY_ORDER, check_note, check_step, departments_for, local_time
from bot.ledger.types import BadInput, Priority, Status
from bot.ledger.values import CaseDetail, CaseSummary
from bot.ledger.views import detail, summary


class StaffMixin(AccessMixin):
    async def list_cases(self, telegram_id: int, include_closed: bool = False) -> list[CaseSummary]:
        """The entries of the actor's areas: urgent first, then by the next visit due (one audit row)."""
        async with self.tx() as tx:
            rows = await self._who(tx, telegram_id, "list")
            prefixes = [area.path for _staff, area in rows]
            stmt = select(Case, Area).join(Area, col(Area.id) == Case.area_id)
            stmt = stmt.where(or_(*[col(Area.path).startswith(p) for p in prefixes]))
            if not include_closed:
                stmt = stmt.where(col(Case.status).in_([st.value for st in OPEN]))
            found = (await tx.session.exec(stmt)).all()
            tx.audit(staff_actor(rows[0][0]), "list", detail=f"{len(found)} entries")
            far = tx.now + timedelta(days=36500)
            ordered = sorted(
                found, key=lambda ca: (PRIORITY_ORDER[Priority(ca[0].priority)], ca[0].next_visit_due or far, ca[0].id)
            )
            return [summary(c, a, tx.now) for c, a in ordered]

    async def open_case(self, telegram_id: int, case_id: int) -> CaseDetail:
        """One entry in full, after the area check; the read is audited in the same transaction."""
        async with self.tx() as tx:
            ok = await self._allow(tx, telegram_id, case_id, "read")
            tx.audit(ok.actor, "read", case=ok.case)
            return await self._detail(tx, ok)

    async def open_reference(self, telegram_id: int, reference: str) -> CaseDetail:
        async with self.tx() as tx:
            case_id = await self._case_id(tx, reference)
        return await self.open_case(telegram_id, case_id)

    async def accept(self, telegram_id: int, case_id: int) -> CaseDetail:
        """受理: 新建 → 已受理; the family is told."""
        async with self.tx() as tx:
            ok = await self._allow(tx, telegram_id, case_id, "accept")
            check_step(ok.case.status, (Status.NEW,), "accept")
            ok.case.status, ok.case.accepted_at, ok.case.updated_at = Status.ACCEPTED.value, tx.now, tx.now
            tx.audit(ok.actor, "accept", case=ok.case)
            await self.tell_family(tx, ok.case, "accepted")
            return await self._detail(tx, ok)

    async def record_visit(
        self, telegram_id: int, case_id: int, visited_at: datetime, notes: str | None, next_due: datetime | None = None
    ) -> CaseDetail:
        """记录走访: the visit, the next due date (VISIT_INTERVAL_DAYS by default); 已受理 → 走访中."""
        async with self.tx() as tx:
            ok = await self._allow(tx, telegram_id, case_id, "visit")
            check_step(ok.case.status, CAN_VISIT, "visit")
            notes = check_note(notes)
            if visited_at > tx.now + timedelta(hours=1) or visited_at < ok.case.filed_at - timedelta(days=1):
                raise BadInput("the visit date must lie between the filing and now")
            due = next_due or visited_at + timedelta(days=self.settings.visit_interval_days)
            if due <= visited_at:
                raise BadInput("the next visit must come after this one")
            tx.session.add(
                Visit(
                    case_id=case_id,
                    staff_id=ok.staff.id,
                    visited_at=visited_at,
                    notes=notes,
                    next_due=due,
                    created_at=tx.now,
                )
            )
            if ok.case.status == Status.ACCEPTED.value:
                ok.case.status = Status.VISITING.value
            ok.case.next_visit_due, ok.case.updated_at = due, tx.now
            ok.case.reminded_for = ok.case.escalated_for = None
            tx.audit(ok.actor, "visit", case=ok.case)
            await self.tell_family(tx, ok.case, "visited", next_due=local_time(due))
            return await self._detail(tx, ok)

    async def close(self, telegram_id: int, case_id: int, note: str | None) -> CaseDetail:
        """办结: closed with a note; no more reminders; the retention period starts (CLOSED_RETENTION_DAYS)."""
        async with self.tx() as tx:
            ok = await self._allow(tx, telegram_id, case_id, "close")
            check_step(ok.case.status, OPEN, "close")
            ok.case.close_note = check_note(note)
            ok.case.status, ok.case.closed_at, ok.case.updated_at = Status.CLOSED.value, tx.now, tx.now
            ok.case.next_visit_due = None
            tx.audit(ok.actor, "close", case=ok.case)
            await self.tell_family(tx, ok.case, "closed")
            return await self._detail(tx, ok)

    async def tell_family(
        self, tx: Tx, case: Case, event: str, markup: dict[str, Any] | None = None, **context: Any
    ) -> bool:
        """Queue a message to the family of the entry; False when there is nobody to tell (after /forget)."""
        family = await tx.session.get(Family, case.family_id) if case.family_id is not None else None
        if family is None:
            return False
        text = tx.render("ledger_family", event=event, reference=case.reference, **context)
        tx.notify("family", family.chat_id, f"family_{event}", text, case=case, family_id=family.id, markup=markup)
        return True

    async def _detail(self, tx: Tx, ok: Allowed) -> CaseDetail:
        s, case_id = tx.session, ok.case.id
        filings = (
            await s.exec(select(CaseFiling).where(CaseFiling.case_id == case_id).order_by(col(CaseFiling.id)))
        ).all()
        visits = (await s.exec(select(Visit).where(Visit.case_id == case_id).order_by(col(Visit.visited_at)))).all()
        refs = (await s.exec(select(Referral).where(Referral.case_id == case_id).order_by(col(Referral.id)))).all()
        departments = departments_for(ok.case.entry_ids, self.catalog)
        return detail(ok.case, ok.area, list(filings), list(visits), list(refs), departments)
