"""The ledger as the help-request handlers see it: plain values in (FSM data, strings), the ledger's views out."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, TypeVar

from bot.ledger import Agreement, ContactKind, GivenConsent, LedgerError, NotAllowed, RefStatus, RequestDraft
from bot.ledger.rules import LIMITS, LOCAL, NOTE_LIMIT, local_time
from handlers.deps import Refusal

if TYPE_CHECKING:
    from bot.ledger.service import LedgerService

T = TypeVar("T")
VISIT_HOUR = time(9, 0)  # a next-visit day becomes 09:00 Chongqing time: due that morning, not at midnight


@asynccontextmanager
async def refusals() -> AsyncIterator[None]:
    """The ledger's errors as handlers.deps.Refusal (handlers never import bot); database errors pass through."""
    try:
        yield
    except NotAllowed as err:  # its message is the audited reason code: other_area, not_staff, revoked, …
        raise Refusal(err.code, str(err).split(":")[0]) from err
    except LedgerError as err:
        raise Refusal(err.code, getattr(err, "reason", None)) from err


def _passthrough(name: str) -> Callable[..., Awaitable[Any]]:
    async def call(self: HelpDesk, *args: Any, **kwargs: Any) -> Any:
        async with refusals():
            return await getattr(self.ledger, name)(*args, **kwargs)

    call.__name__ = name
    call.__doc__ = f"LedgerService.{name}, its errors as Refusal."
    return call


class HelpDesk:
    """Implements handlers.deps.HelpDesk over one LedgerService (the `desk` the handlers receive)."""

    my_cases = _passthrough("my_cases")
    answer_referral = _passthrough("answer_referral")
    forget = _passthrough("forget")
    areas = _passthrough("areas")
    area = _passthrough("area")
    find_area = _passthrough("find_area")
    open_district = _passthrough("open_district")
    staff_roles = _passthrough("staff_roles")
    redeem_invite = _passthrough("redeem_invite")
    list_cases = _passthrough("list_cases")
    open_case = _passthrough("open_case")
    accept = _passthrough("accept")
    close = _passthrough("close")
    note_limit = NOTE_LIMIT  # the ledger's own limit on a typed note, so a form can say it before refusing

    def __init__(self, ledger: LedgerService) -> None:
        self.ledger = ledger

    @property
    def labels(self) -> Any:
        return self.ledger.labels

    def consent_terms(self) -> Any:
        return self.ledger.consent_terms()

    def consent_stamp(self) -> dict[str, str]:
        """What the guardian agreed to, now, as FSM data (strings): handed back to the ledger at filing."""
        terms = self.ledger.consent_terms()
        return {"version": terms.rules_version, "hash": terms.text_hash, "at": self.ledger.clock().isoformat()}

    def when(self, moment: datetime) -> str:
        return local_time(moment)

    def today(self) -> date:
        return self.ledger.clock().astimezone(LOCAL).date()

    async def file(self, user_id: int, chat_id: int, form: dict[str, Any], urgent: bool = False) -> Any:
        """File the request the conversation collected: with the consent in `form`, or the urgent override."""
        draft = to_draft(user_id, chat_id, form)
        async with refusals():
            if urgent:
                return await self.ledger.file_urgent(draft)
            return await self.ledger.file_request(draft, to_consent(form.get("consent")))

    async def record_visit(self, telegram_id: int, case_id: int, notes: str | None, next_due: date | None) -> Any:
        """A visit made today; the next one on `next_due` (a local day) or after VISIT_INTERVAL_DAYS."""
        due = datetime.combine(next_due, VISIT_HOUR, LOCAL).astimezone(UTC) if next_due else None
        async with refusals():
            return await self.ledger.record_visit(telegram_id, case_id, self.ledger.clock(), notes, due)

    async def refer(
        self, telegram_id: int, case_id: int, department: str, agreement: str, shared_text: str | None
    ) -> Any:
        async with refusals():
            how = _enum(Agreement, agreement)
            return await self.ledger.refer(telegram_id, case_id, department, how, shared_text)

    async def set_referral_status(
        self, telegram_id: int, referral_id: int, status: str, reason: str | None = None
    ) -> Any:
        async with refusals():
            step = _enum(RefStatus, status)
            return await self.ledger.set_referral_status(telegram_id, referral_id, step, reason)


E = TypeVar("E", Agreement, RefStatus, ContactKind)


def _enum(kind: type[E], value: str) -> E:
    try:
        return kind(value)
    except ValueError:
        raise Refusal("bad_input") from None


def to_consent(stamp: Any) -> GivenConsent | None:
    """FSM data → GivenConsent; anything malformed is no consent (the ledger then stores nothing)."""
    if not isinstance(stamp, dict):
        return None
    try:
        at = datetime.fromisoformat(stamp["at"])
        return GivenConsent(str(stamp["version"]), str(stamp["hash"]), at if at.tzinfo else at.replace(tzinfo=UTC))
    except (KeyError, TypeError, ValueError):
        return None


def to_draft(user_id: int, chat_id: int, form: dict[str, Any]) -> RequestDraft:
    """The conversation's FSM data → RequestDraft; texts cut to the ledger's limits (a long story still files)."""
    risk = form.get("risk") or {}
    try:
        area_id = int(form["area_id"])
        entry_ids = tuple(int(i) for i in form.get("entry_ids") or ())
    except (KeyError, TypeError, ValueError):
        raise Refusal("bad_input") from None
    return RequestDraft(
        telegram_id=user_id,
        chat_id=chat_id,
        idempotency_key=str(form.get("key") or "")[:64],
        area_id=area_id,
        need_text=_cut(form.get("need_text"), "need_text") or "",
        entry_ids=entry_ids,
        risk_flags=tuple(sorted(k for k, v in risk.items() if v is True)),
        child_alias=_cut(form.get("child_alias"), "child_alias"),
        child_age=form.get("child_age"),
        contact_kind=_enum(ContactKind, form.get("contact_kind") or "telegram"),
        contact_value=_cut(form.get("contact_value"), "contact_value"),
        address_detail=_cut(form.get("address_detail"), "address_detail"),
    )


def _cut(value: Any, field: str) -> str | None:
    return str(value)[: LIMITS[field]] if value else None
