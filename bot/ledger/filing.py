"""Filing a help request: consent enforced here, one reference per entry, repeats and duplicates attached."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from bot.ledger.casemodels import Case, CaseFiling
from bot.ledger.core import Actor, Core, Tx
from bot.ledger.labels import consent_terms
from bot.ledger.models import Area
from bot.ledger.routing import route
from bot.ledger.rules import (
    LOCAL,
    OPEN,
    PRIORITY_ORDER,
    check_draft,
    child_marker,
    first_visit_due,
    is_consent_valid,
    local_time,
    priority_for,
)
from bot.ledger.store import basis_detail, consent_row, filing_result, locked_family, next_reference
from bot.ledger.types import (
    BadInput,
    Basis,
    ConsentRequired,
    GivenConsent,
    Priority,
    RequestDraft,
    Status,
)
from bot.ledger.values import ConsentTerms, FilingResult

log = logging.getLogger(__name__)


class FilingMixin(Core):
    def consent_terms(self) -> ConsentTerms:
        """The rules version, hash and texts the consent screen shows; pass them back in GivenConsent."""
        return consent_terms()

    async def file_request(self, draft: RequestDraft, consent: GivenConsent | None) -> FilingResult:
        """File with the guardian's consent; without a valid one raise ConsentRequired and store nothing.

        Commits the entry, its filing, its audit rows and its notifications in one transaction; the reference
        in the result is safe to show. The same idempotency key again returns the first result (repeated=True).
        """
        terms = self.consent_terms()
        max_age = timedelta(days=self.settings.fsm_ttl_days)
        if not is_consent_valid(consent, terms, self.clock(), max_age):
            log.info("filing without valid consent by %s: nothing stored", self.family_actor(draft.telegram_id).key)
            raise ConsentRequired("the guardian's consent to the current rules is required")
        return await self._file(draft, consent, Basis.CONSENT)

    async def file_urgent(self, draft: RequestDraft) -> FilingResult:
        """The urgent override: no consent needed (个保法第十三条第一款第（四）项; mandatory report 二（三）1).

        The entry is urgent whatever the draft says; its legal basis is recorded and the override audited.
        """
        return await self._file(draft, None, Basis.EMERGENCY)

    async def _file(self, draft: RequestDraft, consent: GivenConsent | None, basis: Basis) -> FilingResult:
        check_draft(draft, self.catalog)
        for attempt in range(3):
            try:
                async with self.tx() as tx:
                    return await self._file_in(tx, draft, consent, basis)
            except IntegrityError:
                # A concurrent filing won a unique key (idempotency key, family, counter): read its result.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _file_in(self, tx: Tx, draft: RequestDraft, consent: GivenConsent | None, basis: Basis) -> FilingResult:
        s, now = tx.session, tx.now
        actor = self.family_actor(draft.telegram_id)
        earlier = (await s.exec(select(CaseFiling).where(CaseFiling.idempotency_key == draft.idempotency_key))).first()
        if earlier is not None:
            case = await s.get_one(Case, earlier.case_id)
            tx.audit(actor, "file_repeat", case=case)
            return filing_result(case, created=False, repeated=True, routed=())
        area = await s.get(Area, draft.area_id)
        if area is None:
            raise BadInput(f"unknown area {draft.area_id}")
        family = await locked_family(tx, draft.telegram_id, draft.chat_id)
        urgent = draft.urgent or basis is Basis.EMERGENCY
        given = consent_row(family, consent, basis, now)
        s.add(given)
        child_key = self.pseudonym("child", draft.telegram_id, child_marker(draft))[:32]
        filing = CaseFiling(
            case_id=0,
            idempotency_key=draft.idempotency_key,
            filed_at=now,
            need_text=draft.need_text or None,
            risk_flags=sorted(set(draft.risk_flags)),
            urgent=urgent,
        )
        stmt = select(Case).where(Case.child_key == child_key, col(Case.status).in_([st.value for st in OPEN]))
        open_case = (await s.exec(stmt.order_by(col(Case.id)))).first()
        if open_case is not None:
            return await self._attach(tx, open_case, draft, filing, urgent, actor)
        priority = priority_for(draft.risk_flags, urgent)
        await s.flush()  # the consent row's id
        case = Case(
            reference=await next_reference(tx, now.astimezone(LOCAL).year),
            family_id=family.id,
            area_id=area.id,
            consent_id=given.id,
            basis=basis.value,
            child_key=child_key,
            child_alias=draft.child_alias or None,
            child_age=draft.child_age,
            need_text=draft.need_text or None,
            entry_ids=sorted(set(draft.entry_ids)),
            risk_flags=sorted(set(draft.risk_flags)),
            risk_detail=draft.risk_detail or None,
            urgent=urgent,
            priority=priority.value,
            status=Status.NEW.value,
            contact_kind=draft.contact_kind.value,
            contact_value=draft.contact_value or None,
            address_detail=draft.address_detail or None,
            filed_at=now,
            updated_at=now,
            first_visit_due=first_visit_due(priority, now, self.settings),
        )
        case.next_visit_due = case.first_visit_due
        s.add(case)
        await s.flush()
        filing.case_id = case.id  # type: ignore[assignment]
        s.add(filing)
        tx.audit(actor, "file_emergency" if basis is Basis.EMERGENCY else "file", case=case, detail=basis_detail(basis))
        routed = await self.announce(tx, case, area)
        log.info("filed %s (%s) by %s, routed to %s", case.reference, priority.value, actor.key, routed)
        return filing_result(case, created=True, repeated=False, routed=routed)

    async def _attach(
        self, tx: Tx, case: Case, draft: RequestDraft, filing: CaseFiling, urgent: bool, actor: Actor
    ) -> FilingResult:
        """The same family and child while the entry is open: one entry, the new filing joined to it."""
        filing.case_id = case.id  # type: ignore[assignment]
        tx.session.add(filing)
        before = Priority(case.priority)
        case.risk_flags = sorted(set(case.risk_flags) | set(draft.risk_flags))
        case.entry_ids = sorted(set(case.entry_ids) | set(draft.entry_ids))
        case.urgent = case.urgent or urgent
        priority = priority_for(case.risk_flags, case.urgent)
        raised = PRIORITY_ORDER[priority] < PRIORITY_ORDER[before]
        if raised:
            case.priority = priority.value
            sooner = first_visit_due(priority, tx.now, self.settings)
            case.first_visit_due = min(case.first_visit_due, sooner)
            if case.status == Status.NEW.value:
                case.next_visit_due = case.first_visit_due
        for name in ("contact_value", "address_detail", "risk_detail", "child_alias"):
            if getattr(draft, name):
                setattr(case, name, getattr(draft, name))
        if draft.child_age is not None:
            case.child_age = draft.child_age
        case.updated_at = tx.now
        tx.audit(actor, "file_attach", case=case, detail="priority_raised" if raised else None)
        area = await tx.session.get_one(Area, case.area_id)
        routed = await self.announce(tx, case, area, attached=True, raised=raised)
        return filing_result(case, created=False, repeated=False, routed=routed)

    async def announce(
        self, tx: Tx, case: Case, area: Area, attached: bool = False, raised: bool = False
    ) -> tuple[str, ...]:
        """Queue the staff notifications of a new (or joined) entry; returns the levels reached."""
        recipients = await route(tx.session, area, case.urgent)
        categories = [self.catalog.entry(i).title for i in case.entry_ids]
        for r in recipients:  # one text per level: it says whether the area has a director at all
            text = tx.render(
                "ledger_staff",
                event="attached" if attached else "new",
                urgent=case.urgent,
                reference=case.reference,
                priority=case.priority,
                area=area.full_name,
                categories=categories,
                due=local_time(case.first_visit_due),
                level=r.level,
                raised=raised,
            )
            kind = "case_attached" if attached else "case_new"
            tx.tell([r], kind, text, case, urgent=case.urgent, buttons=True)
        return tuple(dict.fromkeys(r.level for r in recipients))
