"""The self-assessment's questions answered: a button, a suggestion, an answer typed, or the back button."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message

from checklist.answers import is_cancel
from handlers import assess_views as v
from handlers.assess_answers import TypedAnswer, parse_typed
from handlers.assess_flow import CHILDREN, Quiz, choose_children, forget, new_draft, on_cancel, record


async def on_count(query: CallbackQuery, callback_data: v.CountCb, **deps: Any) -> None:
    quiz = Quiz.of(deps)
    draft = await quiz.draft()
    if not draft or draft["asking"] != CHILDREN or str(callback_data.n) not in quiz.ui.assess.children:
        return await quiz.stale(query)
    await quiz.turn(query, choose_children(draft, callback_data.n))


async def on_answer(query: CallbackQuery, callback_data: v.AnswerCb, **deps: Any) -> None:
    quiz = Quiz.of(deps)
    draft = await quiz.draft()
    key = v.key_from(quiz.catalog, callback_data.c, callback_data.f)
    allowed = {code for code, _ in v.choices_of(quiz.catalog, quiz.ui, key)} if key else set()
    if not draft or key != draft["asking"] or callback_data.v not in allowed | {"?"}:
        return await quiz.stale(query)
    record(quiz.catalog, draft, key, None if callback_data.v == "?" else v.decode(quiz.catalog, key, callback_data.v))
    await quiz.turn(query, draft)


async def on_suggestion(query: CallbackQuery, callback_data: v.SuggestCb, **deps: Any) -> None:
    quiz = Quiz.of(deps)
    draft = await quiz.draft()
    suggestions = (draft or {}).get("suggest", [])
    if not draft or not 0 <= callback_data.i < len(suggestions):
        return await quiz.stale(query)
    record(quiz.catalog, draft, draft["asking"], suggestions[callback_data.i])
    await quiz.turn(query, draft)


async def on_text(message: Message, **deps: Any) -> None:
    quiz = Quiz.of(deps)
    draft = await quiz.draft() or new_draft()
    if is_cancel(message.text or ""):
        return await on_cancel(message, quiz.state, quiz.renderer)
    typed: TypedAnswer = parse_typed(quiz.catalog, quiz.places, draft, message.text or "", quiz.ui)
    if typed.children:
        return await quiz.reply(message, choose_children(draft, typed.children))
    if typed.reply is not None:  # not an answer yet: say why, offer choices, keep the question open
        await quiz.state.update_data(draft={**draft, "suggest": typed.suggestions})
        return await message.answer(quiz.renderer.html(typed.reply, **typed.context), reply_markup=typed.markup)
    record(quiz.catalog, draft, draft["asking"], typed.value)
    await quiz.reply(message, draft)


async def on_back(query: CallbackQuery, **deps: Any) -> None:
    """The back button: forget the last answer and ask that question again."""
    quiz = Quiz.of(deps)
    if not (draft := await quiz.opened(query)):
        return
    key = draft["history"].pop() if draft["history"] else CHILDREN
    if key != CHILDREN:
        forget(quiz.catalog, draft, key)
    draft["asking"] = key
    await quiz.turn(query, draft, move=False)
