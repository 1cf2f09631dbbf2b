"""What the outbox sender writes back: sent, retry later, or hand to a person; a notice is never dropped."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import update
from sqlmodel import col

from bot.ledger.casemodels import Case
from bot.ledger.core import Tx
from bot.ledger.logmodels import Outbox
from bot.ledger.models import Area, Staff
from bot.ledger.routing import OPERATORS, Recipient, escalation_targets, route

if TYPE_CHECKING:
    from bot.ledger.service import LedgerService

log = logging.getLogger(__name__)
MAX_BACKOFF = 600.0  # seconds: a notice nobody can take is still tried every ten minutes


class Row(Protocol):
    id: int


@dataclass(frozen=True)
class Failure:
    kind: str  # "retry_after", "failed", "no_chat" (transient); "blocked", "refused" (permanent)
    reason: str
    transient: bool
    wait: float = 0.0


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(MAX_BACKOFF, 2.0**attempts))


async def record_sent(ledger: LedgerService, outbox_id: int, message_id: int) -> None:
    """Telegram accepted it: mark it sent (a crash right before this line means one resend, never a loss)."""
    async with ledger.tx() as tx:
        values = {"status": "sent", "sent_at": tx.now, "message_id": message_id, "lease_until": None}
        await tx.session.exec(update(Outbox).where(col(Outbox.id) == outbox_id).values(**values))


async def release(ledger: LedgerService, ids: list[int]) -> None:
    """Give claimed rows back unsent (so the next pass takes them in order)."""
    if ids:
        async with ledger.tx() as tx:
            stmt = update(Outbox).where(col(Outbox.id).in_(ids), Outbox.status == "pending")
            await tx.session.exec(stmt.values(lease_until=None, leased_by=None))


async def record_failure(ledger: LedgerService, row: Row, failure: Failure) -> None:
    async with ledger.tx() as tx:
        o = await tx.session.get(Outbox, row.id, with_for_update=True)
        if o is None or o.status != "pending":  # deleted by /forget meanwhile, or handled by another sender
            return
        o.lease_until, o.leased_by, o.last_error = None, None, failure.reason[:200]
        if failure.kind == "retry_after":  # Telegram's pacing, not a failure of this notice
            o.next_attempt_at = tx.now + timedelta(seconds=failure.wait)
            return
        o.attempts += 1
        o.next_attempt_at = tx.now + backoff(o.attempts)
        if failure.transient and (o.attempts < ledger.settings.outbox_max_attempts or o.escalated_at is not None):
            return
        if failure.kind == "no_chat":
            return  # the operators' chat itself is missing: nobody to hand it to; logged at every try
        told = await escalate(tx, ledger, o, blocked=failure.kind == "blocked")
        if told:
            o.escalated_at = tx.now
            if not failure.transient:
                o.status = "escalated"  # a person has it now; retrying a blocked chat would go nowhere
        else:
            log.error("outbox %s cannot be delivered and nobody else can be told; retrying", o.id)


async def escalate(tx: Tx, ledger: LedgerService, o: Outbox, blocked: bool) -> bool:
    """Queue an 'undeliverable' notice to the people above the failed recipient; False if there is nobody."""
    case = await tx.session.get(Case, o.case_id) if o.case_id is not None else None
    targets = [t for t in await _targets(tx, o, case) if not (t.target == o.target and t.chat_id == o.chat_id)]
    if not targets and o.target != "operators":
        targets = [OPERATORS]
    if not targets:
        return False
    who = "family" if o.target == "family" else "operators" if o.target == "operators" else await _role(tx, o)
    text = tx.render(
        "ledger_staff", event="undeliverable", who=who, reference=case.reference if case else None, blocked=blocked
    )
    for t in targets:
        tx.notify(
            t.target,
            t.chat_id,
            "undeliverable",
            text,
            case=case,
            staff_id=t.staff_id,
            urgent=o.urgent,
            escalation_of=o.id,
        )
    log.warning("outbox %s (%s) escalated to %s", o.id, o.target, [t.level for t in targets])
    return True


async def _targets(tx: Tx, o: Outbox, case: Case | None) -> list[Recipient]:
    if o.target == "operators":
        return []
    if case is None:
        return [OPERATORS]
    area = await tx.session.get_one(Area, case.area_id)
    if o.target == "family":  # the director must reach the family another way
        return await route(tx.session, area, urgent=False)
    return await escalation_targets(tx.session, area)


async def _role(tx: Tx, o: Outbox) -> str:
    staff = await tx.session.get(Staff, o.staff_id) if o.staff_id is not None else None
    return staff.role if staff is not None else "director"
