"""Rows to the frozen views the service returns (decrypted only here, after the access check)."""

from __future__ import annotations

from datetime import datetime

from bot.ledger.casemodels import Case, CaseFiling, Referral, Visit
from bot.ledger.models import Area, Staff
from bot.ledger.types import Agreement, Basis, Level, Priority, RefStatus, Role, Status
from bot.ledger.values import AreaView, CaseDetail, CaseSummary, ReferralView, StaffView, VisitView


def area_view(area: Area) -> AreaView:
    assert area.id is not None
    return AreaView(area.id, Level(area.level), area.name, area.full_name, area.parent_id)


def staff_view(staff: Staff, area: Area | None) -> StaffView:
    assert staff.id is not None
    return StaffView(staff.id, staff.telegram_id, Role(staff.role), area_view(area) if area else None, staff.active)


def summary(case: Case, area: Area, now: datetime) -> CaseSummary:
    assert case.id is not None
    due = case.next_visit_due
    return CaseSummary(
        id=case.id,
        reference=case.reference,
        status=Status(case.status),
        priority=Priority(case.priority),
        area=area.full_name,
        filed_at=case.filed_at,
        next_visit_due=due,
        overdue=due is not None and due < now and case.status != Status.CLOSED,
        need_categories=tuple(case.entry_ids),
    )


def detail(
    case: Case,
    area: Area,
    filings: list[CaseFiling],
    visits: list[Visit],
    referrals: list[Referral],
    departments: tuple[str, ...],
) -> CaseDetail:
    assert case.id is not None
    extra = tuple(f.need_text for f in filings[1:] if f.need_text)
    return CaseDetail(
        id=case.id,
        reference=case.reference,
        status=Status(case.status),
        priority=Priority(case.priority),
        urgent=case.urgent,
        basis=Basis(case.basis),
        area=area_view(area),
        filed_at=case.filed_at,
        first_visit_due=case.first_visit_due,
        next_visit_due=case.next_visit_due,
        child_alias=case.child_alias,
        child_age=case.child_age,
        need_text=case.need_text,
        extra_needs=extra,
        entry_ids=tuple(case.entry_ids),
        risk_flags=tuple(case.risk_flags),
        risk_detail=case.risk_detail,
        contact_kind=case.contact_kind,
        contact_value=case.contact_value,
        address_detail=case.address_detail,
        close_note=case.close_note,
        family_reachable=case.family_id is not None,
        departments=departments,
        visits=tuple(VisitView(v.visited_at, v.notes, v.next_due) for v in visits),
        referrals=tuple(referral_view(r) for r in referrals),
    )


def referral_view(r: Referral) -> ReferralView:
    assert r.id is not None
    return ReferralView(r.id, r.department, RefStatus(r.status), Agreement(r.agreement), r.reason, r.created_at)
