"""Small stand-ins for services other helpers are building, shaped like their announced interfaces."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    id: int
    score: float


@dataclass(frozen=True)
class UrgentHit:
    categories: tuple[str, ...]
    injured: bool = False
    self_harm: bool = False


@dataclass(frozen=True)
class AskResult:
    kind: str
    urgent: UrgentHit | None = None
    answer: int | None = None
    candidates: tuple[Candidate, ...] = ()


class StandInMatcher:
    """A keyword table that reaches every branch of the ask handler (the real matcher is checklist.matcher)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def ask(self, text: str) -> AskResult:
        self.asked.append(text)
        danger = tuple(w for w in ("打我", "救命", "不想活", "流血") if w in text)
        if danger:
            hit = UrgentHit(danger, injured="流血" in text, self_harm="不想活" in text)
            return AskResult("urgent", urgent=hit)
        if "上学" in text or "小学" in text:
            return AskResult("answer", answer=3, candidates=(Candidate(3, 0.9),))
        if "医保" in text or "看病" in text:
            return AskResult("clarify", candidates=(Candidate(8, 0.6), Candidate(7, 0.5), Candidate(9, 0.3)))
        if "天气" in text:
            return AskResult("out_of_scope")
        return AskResult("unknown")
