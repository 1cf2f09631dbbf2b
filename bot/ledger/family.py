"""The family's side besides filing: /mine, answering nothing else, and /forget."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import delete, update
from sqlmodel import col, select

from bot.ledger.casemodels import Case, Referral
from bot.ledger.core import Tx
from bot.ledger.erase import anonymise
from bot.ledger.filing import FilingMixin
from bot.ledger.logmodels import Outbox
from bot.ledger.models import Area, Consent, Family
from bot.ledger.referrals import ReferralMixin
from bot.ledger.routing import route
from bot.ledger.rules import OPEN
from bot.ledger.types import Priority, RefStatus, Status
from bot.ledger.values import FamilyCase, ForgetReport
from bot.models import FsmState, LoggedQuestion

log = logging.getLogger(__name__)
Eraser = Callable[[int], Awaitable[int]]  # removes a user's data held outside the database (Redis FSM); count


class FamilyMixin(FilingMixin, ReferralMixin):
    erasers: list[Eraser]

    async def my_cases(self, telegram_id: int) -> list[FamilyCase]:
        """The family's own entries, newest first, with referral states and questions awaiting their answer."""
        actor = self.family_actor(telegram_id)
        async with self.tx() as tx:
            family = (await tx.session.exec(select(Family).where(Family.telegram_id == telegram_id))).first()
            if family is None:
                return []
            stmt = select(Case, Area).join(Area, col(Area.id) == Case.area_id).where(Case.family_id == family.id)
            out = []
            for case, area in (await tx.session.exec(stmt.order_by(col(Case.id).desc()))).all():
                refs = (await tx.session.exec(select(Referral).where(Referral.case_id == case.id))).all()
                tx.audit(actor, "family_read", case=case)
                out.append(
                    FamilyCase(
                        reference=case.reference,
                        status=Status(case.status),
                        priority=Priority(case.priority),
                        filed_at=case.filed_at,
                        area=area.full_name,
                        referrals=tuple((r.department, RefStatus(r.status)) for r in refs),
                        pending_agreements=tuple(r.id for r in refs if r.status == RefStatus.AWAITING and r.id),
                    )
                )
            return out

    async def forget(self, telegram_id: int) -> ForgetReport:
        """/forget: erase what identifies the child and family everywhere; keep the anonymised ledger facts.

        In one transaction: entries anonymised and unlinked, consents withdrawn (个保法第十五条), the family's
        outbox rows, FSM drafts and logged questions deleted, the family row deleted, the directors of open
        entries told they can no longer reach the family. Then the extra erasers run (e.g. Redis FSM).
        """
        actor = self.family_actor(telegram_id)
        async with self.tx() as tx:
            family = (await tx.session.exec(select(Family).where(Family.telegram_id == telegram_id))).first()
            cases = []
            if family is not None:
                cases = list((await tx.session.exec(select(Case).where(Case.family_id == family.id))).all())
            open_refs = []
            for case in cases:
                if case.status in [st.value for st in OPEN]:
                    open_refs.append(case.reference)
                    await self._tell_staff_forgotten(tx, case)
                await anonymise(tx, case)
                waiting = update(Referral).where(col(Referral.case_id) == case.id, Referral.status == "awaiting")
                await tx.session.exec(waiting.values(status=RefStatus.DECLINED.value, updated_at=tx.now))
                tx.audit(actor, "forget", case=case)
            outbox = await self._erase_rows(tx, family, telegram_id)
            fsm = (await tx.session.exec(delete(FsmState).where(col(FsmState.user_id) == telegram_id))).rowcount
            asker = self.pseudonym("asker", telegram_id)
            questions = (
                await tx.session.exec(delete(LoggedQuestion).where(col(LoggedQuestion.asker) == asker))
            ).rowcount
            if not cases:
                tx.audit(actor, "forget", detail="no entries")
        for eraser in getattr(self, "erasers", []):
            fsm += await eraser(telegram_id)
        log.info("forget by %s: %d entries anonymised", actor.key, len(cases))
        return ForgetReport(
            references=tuple(c.reference for c in cases),
            open_references=tuple(open_refs),
            fsm_rows=fsm,
            outbox_rows=outbox,
            questions=questions,
        )

    async def _erase_rows(self, tx: Tx, family: Family | None, telegram_id: int) -> int:
        if family is None:
            return 0
        await tx.session.exec(
            update(Consent)
            .where(Consent.family_id == family.id, col(Consent.withdrawn_at).is_(None))
            .values(withdrawn_at=tx.now)  # type: ignore[arg-type]
        )
        gone = (await tx.session.exec(delete(Outbox).where(col(Outbox.family_id) == family.id))).rowcount
        await tx.session.delete(family)
        return gone

    async def _tell_staff_forgotten(self, tx: Tx, case: Case) -> None:
        area = await tx.session.get_one(Area, case.area_id)
        text = tx.render("ledger_staff", event="forgotten", reference=case.reference, area=area.full_name)
        tx.tell(await route(tx.session, area, urgent=False), "case_forgotten", text, case)
