"""有用 / 没用 on every answer a parent reads (a question's answer, an entry from /list, the self-assessment result):
one vote per answer, kept for the content editors' report (`tongxing report unanswered`)."""

from __future__ import annotations

import re
from typing import Any

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from checklist.content import Catalog
from checklist.ui import UI
from handlers.deps import FeedbackSink, Renderer
from handlers.ui import FeedbackCb, ResultFeedbackCb, find_entry, without_feedback


def verdict_code(children: list[Any]) -> str:
    """What a result said, short enough for callback data: per child the migrant status (y/n/u) and how many
    entries are eligible (e) and maybe (m), e.g. "ye6m2.ue0m21". Nothing that could tell who the family is."""
    return ".".join(
        f"{c.migrant.status[0]}e{sum(r.verdict == 'eligible' for r in c.entries)}"
        f"m{sum(r.verdict == 'maybe' for r in c.entries)}"
        for c in children
    )


_CODE = re.compile(r"([ynu])e(\d{1,2})m(\d{1,2})")
_STATUS = {"y": "yes", "n": "no", "u": "unknown"}


def read_verdict_code(code: str) -> list[dict[str, Any]] | None:
    """verdict_code() read back, or None for anything else (callback data can be forged)."""
    parts = [_CODE.fullmatch(part) for part in code.split(".")]
    if not 1 <= len(parts) <= 4 or not all(parts):
        return None
    return [{"status": _STATUS[m[1]], "eligible": int(m[2]), "maybe": int(m[3])} for m in parts if m]


def result_feedback_kb(ui: UI, children: list[Any]) -> InlineKeyboardMarkup:
    """有用 / 没用 on the result message itself: it stays one message a parent can forward."""
    code = verdict_code(children)
    kb = InlineKeyboardBuilder()
    kb.button(text=ui.buttons.useful, callback_data=ResultFeedbackCb(useful=True, s=code))
    kb.button(text=ui.buttons.useless, callback_data=ResultFeedbackCb(useful=False, s=code))
    return kb.adjust(2).as_markup()


async def on_feedback(
    query: CallbackQuery, callback_data: FeedbackCb, renderer: Renderer, catalog: Catalog, feedback: FeedbackSink
) -> None:
    """有用 / 没用 on an answer: kept with the parent's question, or, read from /list, with where it was read."""
    if find_entry(catalog, callback_data.id) is None:
        return await query.answer(renderer.text("not_found"), show_alert=True)
    answer = query.message if isinstance(query.message, Message) else None
    question = answer.reply_to_message.text if answer and answer.reply_to_message else None
    topic = question or renderer.text("feedback_topic", source="list")
    await vote(query, callback_data.useful, topic, callback_data.id, renderer, feedback)


async def on_result_feedback(
    query: CallbackQuery, callback_data: ResultFeedbackCb, renderer: Renderer, feedback: FeedbackSink
) -> None:
    """有用 / 没用 on a self-assessment result: kept with what it said (per child, no personal data)."""
    children = read_verdict_code(callback_data.s)
    if children is None:
        return await query.answer(renderer.text("not_found"), show_alert=True)
    topic = renderer.text("feedback_topic", source="result", children=children)
    await vote(query, callback_data.useful, topic, None, renderer, feedback, source="result")


async def vote(
    query: CallbackQuery,
    useful: bool,
    topic: str,
    entry_id: int | None,
    renderer: Renderer,
    feedback: FeedbackSink,
    source: str = "answer",
) -> None:
    """One vote per answer and person: a second tap (a fast double tap too) is thanked and records nothing."""
    if not await take_vote_row(query):
        return await query.answer(renderer.text("feedback_again"))
    await feedback.record("useful" if useful else "not_useful", topic, entry_id)
    await query.answer(renderer.text("feedback_thanks", useful=useful, source=source))


async def take_vote_row(query: CallbackQuery) -> bool:
    """Take the 有用 / 没用 row off the answer (any way back stays); False when an earlier tap already took it.

    Telegram is the judge, so this holds across processes and storages: it applies edits to a message one at a
    time, and the second of two taps asks for the markup the message already has ("message is not modified").
    """
    if not isinstance(query.message, Message):
        return True  # a message too old to reach: nothing to edit, the vote counts
    try:
        await query.message.edit_reply_markup(reply_markup=without_feedback(query.message.reply_markup))
    except TelegramBadRequest as err:
        return "not modified" not in err.message  # deleted, or no longer editable: the vote still counts
    return True


def router() -> Router:
    r = Router(name="feedback")
    r.callback_query.register(on_feedback, FeedbackCb.filter())
    r.callback_query.register(on_result_feedback, ResultFeedbackCb.filter())
    return r
