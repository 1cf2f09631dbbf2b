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


class FeedbackSink(Protocol):
    """Where useful / not-useful votes and unanswered questions go (the content editors' report); it scrubs the text.

    kind: "unanswered" | "not_useful" | "useful" | "clarify" (bot.models.QuestionKind's values).
    """

    async def record(self, kind: str, question_text: str, entry_id: int | None) -> None: ...
