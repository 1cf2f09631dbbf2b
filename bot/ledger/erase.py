"""Anonymising an entry: what identifies the child or family goes; the ledger's facts stay (方案 二（一）3)."""

from __future__ import annotations

from sqlalchemy import update

from bot.ledger.casemodels import Case, CaseFiling, Referral, Visit
from bot.ledger.core import Tx

# Columns that identify the child or the family, or say what happened to them in words.
CASE_ERASED = (
    "child_alias",
    "need_text",
    "risk_detail",
    "contact_kind",
    "contact_value",
    "address_detail",
    "close_note",
)


async def anonymise(tx: Tx, case: Case) -> None:
    """Erase the entry's personal data in place; reference, area, age, risk flags, status and dates remain."""
    for name in CASE_ERASED:
        setattr(case, name, None)
    case.child_key = None  # no later filing can be matched to this child
    case.family_id = None
    case.anonymised_at = case.updated_at = tx.now
    s = tx.session
    await s.exec(update(CaseFiling).where(CaseFiling.case_id == case.id).values(need_text=None))  # type: ignore[arg-type]
    await s.exec(update(Visit).where(Visit.case_id == case.id).values(notes=None))  # type: ignore[arg-type]
    await s.exec(update(Referral).where(Referral.case_id == case.id).values(shared_text=None, reason=None))  # type: ignore[arg-type]
