"""The self-assessment's summary (check, change an answer) and its result, which keeps none of the answers."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message

from checklist.answers import is_cancel
from checklist.eligibility import assess
from checklist.profile import parse_profile
from checklist.questionnaire import answer_of
from checklist.report import result_view
from handlers import assess_views as v
from handlers.assess_answers import review_lines
from handlers.assess_flow import Quiz, on_cancel
from handlers.feedback import result_feedback_kb
from handlers.ui import show


async def on_review_text(message: Message, **deps: Any) -> None:
    """Typed on the summary: 取消 cancels; anything else gets the summary's buttons again (nothing changes)."""
    if is_cancel(message.text or ""):
        return await on_cancel(message, deps["state"], deps["renderer"])
    await message.answer(deps["renderer"].html("assess_not_understood", typed=""), reply_markup=v.review_kb(deps["ui"]))


async def on_change(query: CallbackQuery, **deps: Any) -> None:
    """✏️ 改一个答案: every answer so far as a button."""
    quiz = Quiz.of(deps)
    if not (draft := await quiz.opened(query)):
        return
    await query.answer()
    family, children = review_lines(quiz.catalog, quiz.ui, draft)
    line = quiz.ui.assess.change_line
    lines = [(ln["key"], line.format(who="", **ln)) for ln in family]
    lines += [(ln["key"], line.format(who=child["title"], **ln)) for child in children for ln in child["lines"]]
    await show(query, quiz.bot, quiz.renderer.html("assess_change"), v.change_kb(quiz.catalog, quiz.ui, lines))


async def on_edit(query: CallbackQuery, callback_data: v.EditCb, **deps: Any) -> None:
    """One answer picked to change: its question again, where it was answered."""
    quiz = Quiz.of(deps)
    draft = await quiz.draft()
    key = v.key_from(quiz.catalog, callback_data.c, callback_data.f)
    if not draft or key is None or (answer_of(draft["profile"], key) is None and key not in draft["skipped"]):
        return await quiz.stale(query)
    draft["asking"] = key
    await quiz.turn(query, draft, move=False)


async def on_review(query: CallbackQuery, **deps: Any) -> None:
    """Back to the summary from the list of answers to change."""
    quiz = Quiz.of(deps)
    if draft := await quiz.opened(query):
        await quiz.turn(query, draft)


async def on_result(query: CallbackQuery, **deps: Any) -> None:
    """The result: one message the parent can forward, then entry buttons; the answers are not kept.

    The answers go before anything is sent: a second fast press of 看结果 finds the questionnaire over.
    """
    quiz = Quiz.of(deps)
    draft = await quiz.draft()
    await quiz.state.clear()
    if not draft:
        return await query.answer(quiz.renderer.text("assess_expired"), show_alert=True)
    await query.answer()
    bot, catalog, renderer, ui = quiz.bot, quiz.catalog, quiz.renderer, quiz.ui
    profile = parse_profile(draft["profile"], quiz.places)
    children = assess(catalog, profile)
    chat_id = query.message.chat.id if query.message else query.from_user.id
    parts = v.split_message(renderer.html("assess_result", **result_view(catalog, profile, children, False)))
    for i, text in enumerate(parts):  # 有用 / 没用 under the last part, where the parent finishes reading
        markup = result_feedback_kb(ui, children) if i == len(parts) - 1 else None
        await bot.send_message(chat_id, text, reply_markup=markup)
    ids = sorted({r.id for c in children for r in c.entries if r.verdict != "not_applicable"})
    await bot.send_message(chat_id, renderer.html("assess_result_more"), reply_markup=v.result_kb(catalog, ui, ids))
