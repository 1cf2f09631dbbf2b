"""What the ledger service returns: frozen views of areas, staff, entries, visits, referrals, audit rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.ledger.types import Agreement, Basis, Level, Priority, RefStatus, Role, Status


# -- values out -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConsentTerms:
    rules_version: str
    text_hash: str
    short_text: str
    full_text: str


@dataclass(frozen=True)
class AreaView:
    id: int
    level: Level
    name: str
    full_name: str  # 区县/乡镇/村, for lists and messages
    parent_id: int | None


@dataclass(frozen=True)
class FilingResult:
    """A committed filing; `reference` may be shown to the family now (the transaction is done)."""

    case_id: int
    reference: str
    created: bool  # False: this filing joined an open entry, or repeated an idempotency key
    repeated: bool  # True: the same idempotency key was filed before (nothing new stored)
    priority: Priority
    status: Status
    first_visit_due: datetime
    routed_to: tuple[str, ...]  # "director", "supervisor", "district_supervisor", "operators"


@dataclass(frozen=True)
class StaffView:
    id: int
    telegram_id: int
    role: Role
    area: AreaView | None
    active: bool


@dataclass(frozen=True)
class FamilyCase:
    """What /mine shows: no other person's data, nothing but the family's own entries."""

    reference: str
    status: Status
    priority: Priority
    filed_at: datetime
    area: str
    referrals: tuple[tuple[str, RefStatus], ...] = ()
    pending_agreements: tuple[int, ...] = ()  # referral ids waiting for the family's yes/no


@dataclass(frozen=True)
class CaseSummary:
    """A line of a director's /cases list."""

    id: int
    reference: str
    status: Status
    priority: Priority
    area: str
    filed_at: datetime
    next_visit_due: datetime | None
    overdue: bool
    need_categories: tuple[int, ...]


@dataclass(frozen=True)
class VisitView:
    visited_at: datetime
    notes: str | None
    next_due: datetime | None


@dataclass(frozen=True)
class ReferralView:
    id: int
    department: str
    status: RefStatus
    agreement: Agreement
    reason: str | None
    created_at: datetime


@dataclass(frozen=True)
class CaseDetail:
    """One entry in full, for staff of its area only (read after the server-side check, audited)."""

    id: int
    reference: str
    status: Status
    priority: Priority
    urgent: bool
    basis: Basis
    area: AreaView
    filed_at: datetime
    first_visit_due: datetime
    next_visit_due: datetime | None
    child_alias: str | None
    child_age: int | None
    need_text: str | None
    extra_needs: tuple[str, ...]
    entry_ids: tuple[int, ...]
    risk_flags: tuple[str, ...]
    risk_detail: str | None
    contact_kind: str | None
    contact_value: str | None
    address_detail: str | None
    close_note: str | None
    family_reachable: bool  # False after /forget: only the anonymised facts remain
    departments: tuple[str, ...]  # 责任部门 of the linked checklist entries: where 转介 may go
    visits: tuple[VisitView, ...] = ()
    referrals: tuple[ReferralView, ...] = ()


@dataclass(frozen=True)
class ForgetReport:
    """What /forget erased and what the ledger keeps (and why: 方案 二（一）3)."""

    references: tuple[str, ...]
    open_references: tuple[str, ...]  # entries still open: the director can no longer reach the family
    fsm_rows: int
    outbox_rows: int
    questions: int
    kept: tuple[str, ...] = field(
        default=("reference", "area", "child_age", "risk_flags", "status", "dates", "visit_dates", "referrals")
    )


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    role: str
    area_id: int | None
    action: str
    reference: str | None
    outcome: str
    detail: str | None
