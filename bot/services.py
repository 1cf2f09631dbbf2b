"""App-lifetime services handed to handlers by dependency injection, with in-memory defaults."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bot.render import Renderer
from bot.settings import Settings
from checklist.unanswered import scrub

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedbackRecord:
    kind: str  # "unanswered" | "not_useful" | "useful" | "clarify"
    question_text: str
    entry_id: int | None
    at: float


class MemoryFeedback:
    """Keeps the latest feedback in memory (lost on restart), questions scrubbed; the database sink replaces it."""

    def __init__(self, limit: int = 10_000) -> None:
        self.records: deque[FeedbackRecord] = deque(maxlen=limit)

    async def record(self, kind: str, question_text: str, entry_id: int | None) -> None:
        self.records.append(FeedbackRecord(kind, scrub(question_text), entry_id, time.time()))


def load_matcher() -> Any:
    """The ask engine over content/ (example questions, plus each entry's title and summary)."""
    from bot.ask import load_matcher as load

    return load(_catalog())


def _catalog() -> Any:
    from checklist.content import load_catalog

    return load_catalog()


def _places() -> Any:
    from checklist.places import gazetteer

    return gazetteer()


def _followups() -> Any:
    from checklist.followup import load_followups

    return load_followups()


def _ui() -> Any:
    from checklist.ui import load_ui

    return load_ui()


FACTORIES: dict[str, Callable[[Settings], Any]] = {
    "catalog": lambda _s: _catalog(),
    "ui": lambda _s: _ui(),
    "places": lambda _s: _places(),
    "renderer": lambda _s: Renderer(),
    "matcher": lambda _s: load_matcher(),
    "feedback": lambda _s: MemoryFeedback(),
    "followups": lambda _s: _followups(),
}


def default_services(settings: Settings, skip: Iterable[str] = ()) -> dict[str, Any]:
    """Build each service not given in `skip` (so tests that pass a stand-in never load the real one)."""
    return {name: make(settings) for name, make in FACTORIES.items() if name not in set(skip)}
