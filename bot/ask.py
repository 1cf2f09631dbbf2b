"""`tongxing ask`: one question → the reply a parent would get, or a stream of questions → JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from bot.render import Renderer
from checklist.content import Catalog, load_catalog
from checklist.matcher import AskResult, Matcher

CLARIFY_CHOICES = 3


def load_matcher(catalog: Catalog) -> Matcher:
    """The matcher over each entry's example questions plus its title and summary from the catalog."""
    return Matcher.load(extra={entry.id: [entry.title, entry.summary] for entry in catalog.entries})


def load_entries() -> dict[int, Any]:
    return {entry.id: entry for entry in load_catalog().entries}


def _title(entries: Any, entry_id: int) -> str:
    entry = entries.get(entry_id) if entries else None
    return entry.title if entry is not None else f"#{entry_id}"


def render(result: AskResult, renderer: Renderer, entries: Any) -> str:
    """Plain text for the terminal, from the same templates the bot uses."""
    if result.kind == "urgent":
        hit = result.urgent
        text = renderer.text("urgent", injured=bool(hit and hit.injured), self_harm=bool(hit and hit.self_harm))
        if result.answer is not None:
            entry = entries.get(result.answer) if entries else None
            text += "\n\n" + renderer.text("ask_answer", entry=entry, entry_id=result.answer)
        return text
    if result.kind == "answer" and result.answer is not None:
        entry = entries.get(result.answer) if entries else None
        return renderer.text("ask_answer", entry=entry, entry_id=result.answer)
    if result.kind == "clarify":
        choices = [{"id": i, "title": _title(entries, i)} for i in result.choices(CLARIFY_CHOICES)]
        return renderer.text("ask_clarify", choices=choices)
    if result.kind == "unknown":
        return renderer.text("ask_unknown")
    return renderer.text("ask_out_of_scope")


def json_lines(matcher: Matcher, lines: Iterable[str]) -> Iterator[str]:
    """One JSON object per input line, in order; nothing is rebuilt per line."""
    for line in lines:
        question = line.rstrip("\r\n")
        yield json.dumps(matcher.ask(question).to_json(), ensure_ascii=False)
