"""Background duties: visit reminders, overdue escalation to supervisors, the retention purge."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, or_, text
from sqlmodel import col, select

from bot.db import claim_stmt
from bot.ledger.casemodels import Case
from bot.ledger.core import SYSTEM, Core, Tx
from bot.ledger.erase import anonymise
from bot.ledger.logmodels import AUDIT_MIN_DAYS, AuditLog, Outbox
from bot.ledger.models import Area, Family, Invite
from bot.ledger.routing import escalation_targets, route
from bot.ledger.rules import OPEN, local_time
from bot.ledger.types import Status
from bot.models import FsmState, LoggedQuestion

log = logging.getLogger(__name__)
BATCH = 200


@dataclass(frozen=True)
class PurgeReport:
    drafts: int
    anonymised: int
    families: int
    audit_rows: int
    outbox_rows: int
    questions: int
    invites: int


class JobsMixin(Core):
    async def run_reminders(self) -> tuple[int, int]:
        """Remind directors of visits coming due; tell supervisors of overdue ones. Once per due date each.

        Safe in several processes: candidate entries are claimed (FOR UPDATE SKIP LOCKED / IMMEDIATE) and the
        due date already handled is stored on the entry. Returns (reminders, escalations).
        """
        lead = timedelta(days=self.settings.reminder_lead_days)
        grace = timedelta(days=self.settings.overdue_grace_days)
        async with self.tx() as tx:
            due = col(Case.next_visit_due)
            stmt = select(Case).where(
                col(Case.status).in_([s.value for s in OPEN]),
                due <= tx.now + lead,
                or_(col(Case.reminded_for).is_(None), col(Case.reminded_for) != due),
            )
            reminded = 0
            for case in (await tx.session.exec(claim_stmt(stmt.order_by(col(Case.id)), BATCH))).all():
                case.reminded_for = case.next_visit_due
                if tx.now - case.filed_at >= lead:  # a deadline shorter than the lead needs no reminder
                    await self._remind(tx, case)
                    reminded += 1
            stmt = select(Case).where(
                col(Case.status).in_([s.value for s in OPEN]),
                due <= tx.now - grace,
                or_(col(Case.escalated_for).is_(None), col(Case.escalated_for) != due),
            )
            escalated = 0
            for case in (await tx.session.exec(claim_stmt(stmt.order_by(col(Case.id)), BATCH))).all():
                case.escalated_for = case.next_visit_due
                await self._escalate_overdue(tx, case)
                escalated += 1
        if reminded or escalated:
            log.info("visit reminders: %d, overdue escalations: %d", reminded, escalated)
        return reminded, escalated

    async def _remind(self, tx: Tx, case: Case) -> None:
        area = await tx.session.get_one(Area, case.area_id)
        assert case.next_visit_due is not None and case.id is not None
        for r in await route(tx.session, area, urgent=False):
            text = tx.render(
                "ledger_staff",
                event="reminder",
                reference=case.reference,
                area=area.full_name,
                due=local_time(case.next_visit_due),
            )
            markup = self.buttons.staff_case(case.id, case.reference) if r.target == "staff" else None
            tx.notify(r.target, r.chat_id, "visit_reminder", text, case=case, staff_id=r.staff_id, markup=markup)
        tx.audit(SYSTEM, "visit_reminder", case=case)

    async def _escalate_overdue(self, tx: Tx, case: Case) -> None:
        area = await tx.session.get_one(Area, case.area_id)
        assert case.next_visit_due is not None and case.id is not None
        first = case.status in (Status.NEW.value, Status.ACCEPTED.value)
        for r in await escalation_targets(tx.session, area):
            text = tx.render(
                "ledger_staff",
                event="overdue",
                reference=case.reference,
                area=area.full_name,
                priority=case.priority,
                due=local_time(case.next_visit_due),
                first=first,
            )
            markup = self.buttons.staff_case(case.id, case.reference) if r.target == "staff" else None
            tx.notify(
                r.target,
                r.chat_id,
                "visit_overdue",
                text,
                case=case,
                staff_id=r.staff_id,
                urgent=case.urgent,
                markup=markup,
            )
        tx.audit(SYSTEM, "visit_overdue", case=case)

    async def purge(self) -> PurgeReport:
        """Retention per category (settings *_RETENTION_DAYS, FSM_TTL_DAYS); also run by the bot on a timer."""
        st = self.settings
        async with self.tx() as tx:
            now, s = tx.now, tx.session
            drafts = (await s.exec(delete(FsmState).where(col(FsmState.expires_at) <= now))).rowcount
            cutoff = now - timedelta(days=st.closed_retention_days)
            stmt = select(Case).where(
                Case.status == Status.CLOSED.value, col(Case.closed_at) <= cutoff, col(Case.anonymised_at).is_(None)
            )
            old = list((await s.exec(stmt.limit(5000))).all())
            for case in old:
                await anonymise(tx, case)
                tx.audit(SYSTEM, "retention_anonymise", case=case)
            await s.flush()
            families = await _drop_families_without_entries(tx)
            audit = await _purge_audit(tx, now - timedelta(days=st.audit_retention_days))
            done = col(Outbox.status).in_(["sent", "escalated"])
            outbox_cut = now - timedelta(days=st.outbox_retention_days)
            outbox = (await s.exec(delete(Outbox).where(done, col(Outbox.created_at) <= outbox_cut))).rowcount
            q_cut = now - timedelta(days=st.question_log_retention_days)
            questions = (await s.exec(delete(LoggedQuestion).where(col(LoggedQuestion.created_at) <= q_cut))).rowcount
            i_cut = now - timedelta(days=st.invite_retention_days)
            finished = or_(
                col(Invite.used_at) <= i_cut, col(Invite.revoked_at) <= i_cut, col(Invite.expires_at) <= i_cut
            )
            invites = (await s.exec(delete(Invite).where(finished))).rowcount
            report = PurgeReport(drafts, len(old), families, audit, outbox, questions, invites)
            tx.audit(SYSTEM, "purge", detail=_counts(report))
        log.info("purge: %s", _counts(report))
        return report


async def _drop_families_without_entries(tx: Tx) -> int:
    """A family whose every entry is anonymised is no longer needed to send anything: delete it."""
    linked = select(Case.family_id).where(col(Case.family_id).is_not(None))
    stmt = delete(Family).where(col(Family.id).not_in(linked))
    return (await tx.session.exec(stmt)).rowcount


async def _purge_audit(tx: Tx, cutoff: object) -> int:
    """Delete audit rows past AUDIT_RETENTION_DAYS, never younger than the triggers allow (database clock)."""
    floor = (
        text(f"at < datetime('now', '-{AUDIT_MIN_DAYS} days')")
        if tx.session.bind.dialect.name == "sqlite"
        else text(f"at < now() - interval '{AUDIT_MIN_DAYS} days'")
    )
    return (await tx.session.exec(delete(AuditLog).where(col(AuditLog.at) <= cutoff, floor))).rowcount


def _counts(report: PurgeReport) -> str:
    return ", ".join(f"{k}={v}" for k, v in report.__dict__.items())
