"""The ledger's rules as small named functions: priority, deadlines, allowed steps, input limits."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.ledger.types import (
    RISK_FLAGS,
    BadInput,
    ContactKind,
    GivenConsent,
    InvalidStep,
    Priority,
    RefStatus,
    RequestDraft,
    Status,
)

if TYPE_CHECKING:
    from bot.ledger.values import ConsentTerms
    from bot.settings import Settings
    from checklist.content import Catalog

# A child alone, on the street or in a psychological crisis (二（一）3 categories; 二（三）2 for crises) goes first.
HIGH_FLAGS = frozenset({"no_guardian", "vagrancy", "psych"})
OPEN = (Status.NEW, Status.ACCEPTED, Status.VISITING, Status.REFERRED)
CAN_VISIT = (Status.ACCEPTED, Status.VISITING, Status.REFERRED)
CAN_REFER = (Status.ACCEPTED, Status.VISITING, Status.REFERRED)
REFERRAL_STEPS: dict[RefStatus, tuple[RefStatus, ...]] = {
    RefStatus.REFERRED: (RefStatus.RECEIVED, RefStatus.RETURNED, RefStatus.DONE),
    RefStatus.RECEIVED: (RefStatus.RETURNED, RefStatus.DONE),
}
LIMITS = {"need_text": 2000, "child_alias": 40, "contact_value": 100, "address_detail": 200, "risk_detail": 1000}
NOTE_LIMIT = 2000
PRIORITY_ORDER = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2}
LOCAL = ZoneInfo("Asia/Shanghai")  # Chongqing's clock, for dates shown to people; the database keeps UTC


def local_time(value: datetime) -> str:
    return value.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def priority_for(flags: tuple[str, ...] | list[str], urgent: bool) -> Priority:
    """Urgent danger first; then a child alone, on the street or in crisis, or two or more risk categories."""
    if urgent:
        return Priority.URGENT
    if HIGH_FLAGS & set(flags) or len(set(flags)) >= 2:
        return Priority.HIGH
    return Priority.NORMAL


def first_visit_due(priority: Priority, filed_at: datetime, settings: Settings) -> datetime:
    """The first-visit deadline each priority sets (settings FIRST_VISIT_*)."""
    if priority is Priority.URGENT:
        return filed_at + timedelta(hours=settings.first_visit_hours_urgent)
    days = settings.first_visit_days_high if priority is Priority.HIGH else settings.first_visit_days_normal
    return filed_at + timedelta(days=days)


def is_consent_valid(consent: GivenConsent | None, terms: ConsentTerms, now: datetime, max_age: timedelta) -> bool:
    """The guardian agreed to the rules shown now (same version and text), recently, not in the future."""
    if consent is None:
        return False
    fresh = now - max_age <= consent.given_at <= now + timedelta(minutes=5)
    return fresh and consent.rules_version == terms.rules_version and consent.text_hash == terms.text_hash


def child_marker(draft: RequestDraft) -> str:
    """What tells two children of one family apart: the alias as typed (normalised), else the age."""
    if draft.child_alias and draft.child_alias.strip():
        return "alias:" + "".join(unicodedata.normalize("NFKC", draft.child_alias).split()).lower()
    return f"age:{draft.child_age}" if draft.child_age is not None else "child"


def check_draft(draft: RequestDraft, catalog: Catalog) -> None:
    """Refuse what the ledger cannot hold: unknown risk categories or entries, impossible ages, huge texts."""
    unknown = set(draft.risk_flags) - set(RISK_FLAGS)
    if unknown:
        raise BadInput(f"unknown risk flags {sorted(unknown)}")
    known = {e.id for e in catalog.entries}
    if set(draft.entry_ids) - known:
        raise BadInput(f"unknown checklist entries {sorted(set(draft.entry_ids) - known)}")
    if draft.child_age is not None and not 0 <= draft.child_age <= 17:
        raise BadInput("child_age must be 0-17")
    if not isinstance(draft.contact_kind, ContactKind):
        raise BadInput("contact_kind must be a ContactKind")
    if not draft.idempotency_key or len(draft.idempotency_key) > 64:
        raise BadInput("idempotency_key must be 1-64 characters")
    for name, limit in LIMITS.items():
        value = getattr(draft, name)
        if value is not None and len(value) > limit:
            raise BadInput(f"{name} is longer than {limit} characters")


def check_step(status: str, allowed: tuple[Status, ...], action: str) -> None:
    if Status(status) not in allowed:
        raise InvalidStep(f"{action} is not possible on an entry that is {status}")


def check_note(text: str | None, required: bool = False) -> str | None:
    text = (text or "").strip() or None
    if required and text is None:
        raise BadInput("a note is required")
    if text is not None and len(text) > NOTE_LIMIT:
        raise BadInput(f"notes are limited to {NOTE_LIMIT} characters")
    return text


def departments_for(entry_ids: list[int], catalog: Catalog) -> tuple[str, ...]:
    """The 责任部门 of the linked checklist entries; every department of the checklist when none is linked."""
    entries = [catalog.entry(i) for i in entry_ids] if entry_ids else catalog.entries
    seen: dict[str, None] = {}
    for entry in entries:
        seen.update(dict.fromkeys(entry.departments))
    return tuple(seen)
