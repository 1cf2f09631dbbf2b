"""Referrals (转介) to the departments of the checklist, with the family's agreement (个保法第二十三条)."""

from __future__ import annotations

from datetime import datetime

from bot.ledger.casemodels import Case, Referral
from bot.ledger.core import Refused, Tx
from bot.ledger.models import Area, Family, Staff
from bot.ledger.rules import CAN_REFER, REFERRAL_STEPS, check_note, check_step, departments_for
from bot.ledger.staff import StaffMixin
from bot.ledger.types import Agreement, BadInput, Basis, InvalidStep, NotFound, RefStatus, Status
from bot.ledger.values import ReferralView
from bot.ledger.views import referral_view

FAMILY_EVENT = {RefStatus.RECEIVED: "ref_received", RefStatus.RETURNED: "ref_returned", RefStatus.DONE: "ref_done"}


class ReferralMixin(StaffMixin):
    async def refer(
        self, telegram_id: int, case_id: int, department: str, agreement: Agreement, shared_text: str | None = None
    ) -> ReferralView:
        """转介 to a department of the linked entries' 责任部门, passing only `shared_text` (what it needs).

        ASK_FAMILY: the family is asked in the bot; the referral waits (待家庭同意) for answer_referral().
        DIRECTOR_CONFIRMED: the director obtained the agreement in person; referred at once.
        EMERGENCY: only for urgent entries (个保法第十三条第一款第（四）项).
        """
        async with self.tx() as tx:
            ok = await self._allow(tx, telegram_id, case_id, "refer")
            check_step(ok.case.status, CAN_REFER, "refer")
            if department not in departments_for(ok.case.entry_ids, self.catalog):
                raise BadInput(f"{department!r} is not a department of this entry's services")
            if agreement is Agreement.EMERGENCY and not (ok.case.urgent or ok.case.basis == Basis.EMERGENCY):
                raise BadInput("an emergency referral needs an urgent entry")
            referral = Referral(
                case_id=case_id,
                department=department,
                status=RefStatus.REFERRED.value,
                agreement=agreement.value,
                agreed_at=tx.now,
                shared_text=check_note(shared_text),
                staff_id=ok.staff.id,
                created_at=tx.now,
                updated_at=tx.now,
            )
            if agreement is Agreement.ASK_FAMILY:
                if ok.case.family_id is None:
                    raise InvalidStep("the family can no longer be asked in the bot (after /forget): confirm in person")
                referral.status, referral.agreed_at = RefStatus.AWAITING.value, None
            tx.session.add(referral)
            await tx.session.flush()
            assert referral.id is not None
            tx.audit(ok.actor, "refer", case=ok.case, detail=f"{department}; {agreement.value}")
            if referral.status == RefStatus.AWAITING.value:
                markup = self.buttons.referral_question(referral.id, ok.case.reference)
                await self.tell_family(
                    tx, ok.case, "ref_question", markup=markup, department=department, shared=referral.shared_text
                )
            else:
                self._mark_referred(ok.case, tx.now)
                await self.tell_family(tx, ok.case, "referred", department=department)
            return referral_view(referral)

    async def answer_referral(self, telegram_id: int, referral_id: int, agree: bool) -> ReferralView:
        """The family's yes or no to a referral waiting for it; the director who asked is told."""
        actor = self.family_actor(telegram_id)
        async with self.tx() as tx:
            referral = await tx.session.get(Referral, referral_id, with_for_update=True)
            case = await tx.session.get(Case, referral.case_id) if referral else None
            family = await tx.session.get(Family, case.family_id) if case and case.family_id else None
            if referral is None or case is None or family is None or family.telegram_id != telegram_id:
                raise Refused(actor, "referral_answer", f"not_their_referral:{referral_id}", case)
            if referral.status != RefStatus.AWAITING.value:
                raise InvalidStep("this referral is not waiting for an answer")
            referral.status = (RefStatus.REFERRED if agree else RefStatus.DECLINED).value
            referral.agreed_at = tx.now if agree else None
            referral.updated_at = tx.now
            tx.audit(actor, "referral_agree" if agree else "referral_decline", case=case, detail=referral.department)
            if agree and case.status != Status.CLOSED.value:
                self._mark_referred(case, tx.now)
            if not agree:
                await self.tell_family(tx, case, "ref_declined", department=referral.department)
            else:
                await self.tell_family(tx, case, "referred", department=referral.department)
            await self._tell_referrer(tx, referral, case, agree)
            return referral_view(referral)

    async def set_referral_status(
        self, telegram_id: int, referral_id: int, status: RefStatus, reason: str | None = None
    ) -> ReferralView:
        """已转介 → 已接收 / 已退回 (with a reason) / 已完成; the family is told."""
        async with self.tx() as tx:
            referral = await tx.session.get(Referral, referral_id, with_for_update=True)
            if referral is None:
                raise NotFound(f"no referral {referral_id}")
            ok = await self._allow(tx, telegram_id, referral.case_id, "referral_status")
            if status not in REFERRAL_STEPS.get(RefStatus(referral.status), ()):
                raise InvalidStep(f"a referral that is {referral.status} cannot become {status.value}")
            reason = check_note(reason, required=status is RefStatus.RETURNED)
            referral.status, referral.reason, referral.updated_at = status.value, reason, tx.now
            ok.case.updated_at = tx.now
            tx.audit(ok.actor, "referral_status", case=ok.case, detail=f"{referral.department}; {status.value}")
            await self.tell_family(tx, ok.case, FAMILY_EVENT[status], department=referral.department)
            return referral_view(referral)

    @staticmethod
    def _mark_referred(case: Case, now: datetime) -> None:
        if case.status in (Status.ACCEPTED.value, Status.VISITING.value):
            case.status = Status.REFERRED.value
        case.updated_at = now

    async def _tell_referrer(self, tx: Tx, referral: Referral, case: Case, agreed: bool) -> None:
        staff = await tx.session.get(Staff, referral.staff_id) if referral.staff_id else None
        if staff is None or not staff.active:
            return
        area = await tx.session.get_one(Area, case.area_id)
        context = {"agreed": agreed, "reference": case.reference, "department": referral.department}
        text = tx.render("ledger_staff", event="referral_answer", area=area.full_name, **context)
        tx.notify("staff", staff.chat_id, "referral_answer", text, case=case, staff_id=staff.id)
