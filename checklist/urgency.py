"""Urgent danger to a child (二（三）1 mandatory report; 二（三）2 psychological crisis), checked before matching."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from checklist.lexicon import Lexicon, Urgent, load_lexicon, union

CATEGORIES = (
    "alone_unattended",
    "domestic_violence",
    "abuse",
    "sexual_harm",
    "missing_child",
    "self_harm",
    "injury_or_danger_now",
)


@dataclass(frozen=True)
class UrgentHit:
    """Which dangers the text shows; `injured` → also 120, `self_harm` → also 12355."""

    categories: tuple[str, ...]
    injured: bool
    self_harm: bool


def _compile(patterns: list[str], vocab: dict[str, str]) -> re.Pattern[str]:
    return re.compile(union(patterns, vocab))


class Detector:
    """Compiled once from urgent.yaml; a plain regex scan per question."""

    def __init__(self, urgent: Urgent) -> None:
        self.safe = _compile(urgent.safe, urgent.vocab)
        self.injured = _compile(urgent.injured, urgent.vocab)
        self.categories = {k: _compile(c.patterns, urgent.vocab) for k, c in urgent.categories.items()}

    def detect(self, normalized: str) -> UrgentHit | None:
        # Spaces go (voice input splits words); harmless compounds (打疫苗, 打工, 放学没人接…) are blanked so
        # that their 打 or 没人管 cannot fire; a separator keeps the blank from joining its neighbours.
        text = self.safe.sub("|", re.sub(r"\s+", "", normalized))
        found = [name for name, pattern in self.categories.items() if pattern.search(text)]
        injured = bool(self.injured.search(text))
        if injured and "injury_or_danger_now" not in found:
            found.append("injury_or_danger_now")
        if not found:
            return None
        return UrgentHit(categories=tuple(found), injured=injured, self_harm="self_harm" in found)


@cache
def default_detector(lexicon: Lexicon | None = None) -> Detector:
    return Detector((lexicon or load_lexicon()).urgent)


def detect(normalized: str) -> UrgentHit | None:
    """Danger in an already normalised text (see checklist.normalize), or None."""
    return default_detector().detect(normalized)
