"""What handlers expect of the services aiogram injects (catalog, matcher, renderer, feedback), as Protocols."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class Renderer(Protocol):
    def html(self, name: str, **context: Any) -> str: ...
    def text(self, name: str, **context: Any) -> str: ...


class Candidate(Protocol):
    id: int
    score: float


class UrgentHit(Protocol):
    injured: bool  # → also 120
    self_harm: bool  # → also 12355, said first


class AskResult(Protocol):
    kind: str  # "urgent" | "answer" | "clarify" | "unknown" | "out_of_scope"
    urgent: UrgentHit | None
    answer: int | None
    candidates: Sequence[Candidate]


class Matcher(Protocol):
    def ask(self, text: str) -> AskResult: ...


class FollowUps(Protocol):
    """checklist.followup.FollowUps: "要准备什么材料" after an answer is about that answer's service."""

    minutes: int

    def aspect(self, text: str) -> str | None: ...
    def rest(self, text: str) -> str: ...


class FeedbackSink(Protocol):
    """Where useful / not-useful votes and unanswered questions go (the content editors' report); it scrubs the text.

    kind: "unanswered" | "not_useful" | "useful" | "clarify" (bot.models.QuestionKind's values).
    """

    async def record(self, kind: str, question_text: str, entry_id: int | None) -> None: ...


class Refusal(Exception):
    """The help desk's refusals in the handlers' terms (bot.helpdesk translates the ledger's errors).

    code: consent_required | not_allowed | invite_invalid | invalid_step | bad_input | not_found;
    reason: for invite_invalid, unknown | used | expired | revoked; for not_allowed, the audited reason code
    (other_area, not_staff, revoked, not_their_referral, no_such_entry).
    """

    def __init__(self, code: str, reason: str | None = None) -> None:
        super().__init__(code if reason is None else f"{code}: {reason}")
        self.code, self.reason = code, reason


class HelpDesk(Protocol):
    """The ledger as the help-request handlers use it (bot.helpdesk.HelpDesk): plain values in, views out.

    Staff methods take the actor's Telegram id and re-check everything on the server; every method raises
    Refusal for what the ledger refuses. Views are the ledger's frozen dataclasses (read by attribute).
    """

    labels: Any
    note_limit: int  # characters in a visit or closing note, a return reason, what a referral shares

    def consent_terms(self) -> Any: ...
    def consent_stamp(self) -> dict[str, str]: ...
    def when(self, moment: Any) -> str: ...
    def today(self) -> Any: ...
    async def file(self, user_id: int, chat_id: int, form: dict[str, Any], urgent: bool = False) -> Any: ...
    async def my_cases(self, telegram_id: int) -> list[Any]: ...
    async def answer_referral(self, telegram_id: int, referral_id: int, agree: bool) -> Any: ...
    async def forget(self, telegram_id: int) -> Any: ...
    async def areas(self, parent_id: int | None = None) -> list[Any]: ...
    async def area(self, area_id: int) -> Any: ...
    async def find_area(self, text: str, parent_id: int | None = None) -> tuple[Any | None, list[Any]]: ...
    async def open_district(self, name: str) -> Any: ...
    async def staff_roles(self, telegram_id: int) -> list[Any]: ...
    async def redeem_invite(self, code: str, telegram_id: int, chat_id: int, display_name: str | None) -> Any: ...
    async def list_cases(self, telegram_id: int) -> list[Any]: ...
    async def open_case(self, telegram_id: int, case_id: int) -> Any: ...
    async def accept(self, telegram_id: int, case_id: int) -> Any: ...
    async def record_visit(self, telegram_id: int, case_id: int, notes: str | None, next_due: Any) -> Any: ...
    async def refer(
        self, telegram_id: int, case_id: int, department: str, agreement: str, shared_text: str | None
    ) -> Any: ...
    async def set_referral_status(
        self, telegram_id: int, referral_id: int, status: str, reason: str | None = None
    ) -> Any: ...
    async def close(self, telegram_id: int, case_id: int, note: str | None) -> Any: ...
