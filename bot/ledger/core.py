"""The service's core: one transaction per action, holding the change, its audit rows and its notifications."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.crypto import Keyring, keyring
from bot.db import session_maker
from bot.ledger.buttons import Buttons, NoButtons
from bot.ledger.casemodels import Case
from bot.ledger.labels import Labels, load_labels
from bot.ledger.logmodels import AuditLog, Outbox
from bot.ledger.types import NotAllowed
from bot.models import Clock, utcnow
from bot.render import Renderer, default_renderer

if TYPE_CHECKING:
    from bot.ledger.routing import Recipient
    from bot.settings import Settings
    from checklist.content import Catalog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    """Who acts, as the audit log names them: never a name or a raw Telegram id."""

    key: str  # "staff:12", "family:<pseudonym>", "tg:<pseudonym>", "operator:cli", "system"
    role: str  # a Role value, "family", "unknown" or "system"
    area_id: int | None = None


SYSTEM = Actor("system", "system")
OPERATOR_CLI = Actor("operator:cli", "operator")


class Refused(Exception):
    """Raised inside a transaction: it is rolled back, the refusal audited on its own, NotAllowed raised."""

    def __init__(self, actor: Actor, action: str, detail: str, case: Case | None = None) -> None:
        super().__init__(detail)
        self.actor, self.action, self.detail = actor, action, detail
        # Plain values now: the rollback expires the entry's row object before the refusal is written.
        self.case = (case.id, case.reference, case.area_id) if case is not None else None


class Core:
    """Engine, settings, clock, words and keys shared by every part of the service."""

    def __init__(
        self,
        engine: AsyncEngine,
        settings: Settings,
        *,
        renderer: Renderer | None = None,
        catalog: Catalog | None = None,
        labels: Labels | None = None,
        clock: Clock = utcnow,
        buttons: Buttons | None = None,
        on_outbox: Callable[[], None] | None = None,
    ) -> None:
        self.engine, self.settings, self.clock = engine, settings, clock
        self.sessions = session_maker(engine)
        self.renderer = renderer or default_renderer()
        self._catalog = catalog
        self.labels = labels or load_labels()
        self.buttons: Buttons = buttons or NoButtons()
        self.outbox_listeners: list[Callable[[], None]] = [on_outbox] if on_outbox else []

    @property
    def keys(self) -> Keyring:
        return keyring()

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            from checklist.content import load_catalog

            self._catalog = load_catalog()
        return self._catalog

    def pseudonym(self, *parts: Any) -> str:
        return self.keys.pseudonym(*parts)

    def family_actor(self, telegram_id: int) -> Actor:
        return Actor(f"family:{self.pseudonym('tg', telegram_id)[:16]}", "family")

    def stranger(self, telegram_id: int) -> Actor:
        return Actor(f"tg:{self.pseudonym('tg', telegram_id)[:16]}", "unknown")

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[Tx]:
        """One transaction (IMMEDIATE on SQLite); notifications wake the sender only after the commit."""
        async with self.sessions() as session:
            tx = Tx(self, session, self.clock())
            try:
                async with session.begin():
                    yield tx
            except Refused as refused:
                await self._audit_refusal(refused)
                raise NotAllowed(refused.detail) from None
        if tx.queued:
            self.wake()

    async def _audit_refusal(self, refused: Refused) -> None:
        async with self.sessions() as session, session.begin():
            case_id, reference, area_id = refused.case or (None, None, refused.actor.area_id)
            tx = Tx(self, session, self.clock())
            tx.audit(refused.actor, refused.action, outcome="refused", detail=refused.detail, area_id=area_id)
            tx.last_audit.case_id, tx.last_audit.reference = case_id, reference
        log.info("refused %s by %s: %s", refused.action, refused.actor.key, refused.detail)

    def wake(self) -> None:
        for listener in self.outbox_listeners:
            listener()


class Tx:
    """What one action writes besides its change: audit rows and outbox rows, in the same transaction."""

    def __init__(self, core: Core, session: AsyncSession, now: datetime) -> None:
        self.core, self.session, self.now = core, session, now
        self.queued = 0
        self.last_audit: AuditLog | None = None

    def audit(
        self,
        actor: Actor,
        action: str,
        *,
        case: Case | None = None,
        outcome: str = "ok",
        detail: str | None = None,
        area_id: int | None = None,
    ) -> None:
        self.last_audit = AuditLog(
            at=self.now,
            actor=actor.key,
            role=actor.role,
            area_id=case.area_id if case is not None else (area_id or actor.area_id),
            action=action,
            case_id=case.id if case is not None else None,
            reference=case.reference if case is not None else None,
            outcome=outcome,
            detail=detail,
        )
        self.session.add(self.last_audit)

    def render(self, template: str, **context: Any) -> str:
        return self.core.renderer.html(template, labels=self.core.labels, **context)

    def notify(
        self,
        target: str,
        chat_id: int | None,
        kind: str,
        text: str,
        *,
        case: Case | None = None,
        family_id: int | None = None,
        staff_id: int | None = None,
        urgent: bool = False,
        markup: dict[str, Any] | None = None,
        dedup_key: str | None = None,
        escalation_of: int | None = None,
    ) -> None:
        """Queue a notification; it is sent only once this transaction has committed."""
        self.session.add(
            Outbox(
                created_at=self.now,
                target=target,
                chat_id=chat_id,
                family_id=family_id,
                staff_id=staff_id,
                case_id=case.id if case is not None else None,
                kind=kind,
                urgent=urgent,
                text=text,
                markup=markup,
                dedup_key=dedup_key,
                escalation_of=escalation_of,
                status="pending",
                attempts=0,
                next_attempt_at=self.now,
            )
        )
        self.queued += 1

    def tell(
        self,
        recipients: list[Recipient],
        kind: str,
        text: str,
        case: Case,
        *,
        urgent: bool = False,
        buttons: bool = False,
    ) -> None:
        """The same notice to staff recipients (or the operators' chat); buttons to open the entry if asked."""
        for r in recipients:
            markup = None
            if buttons and r.target == "staff" and case.id is not None:
                markup = self.core.buttons.staff_case(case.id, case.reference)
            self.notify(r.target, r.chat_id, kind, text, case=case, staff_id=r.staff_id, urgent=urgent, markup=markup)
