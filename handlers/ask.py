"""Free text → the ask engine: an answer, "did you mean" buttons, don't-know or out-of-scope; urgent text wins."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.types import CallbackQuery, Message, ReplyParameters

from checklist.content import Catalog
from checklist.ui import UI
from handlers.deps import AskResult, FeedbackSink, Matcher, Renderer
from handlers.request_views import urgent_kb
from handlers.staff_views import StaffForm
from handlers.ui import (
    PickCb,
    after_unknown_kb,
    feedback_kb,
    find_entry,
    menu_kb,
    pick_kb,
)


class Asked(Filter):
    """Runs the ask engine on plain text (not commands) and hands the result on as `asked`; kinds narrow it."""

    def __init__(self, *kinds: str) -> None:
        self.kinds = set(kinds)

    async def __call__(self, message: Message, matcher: Matcher) -> bool | dict[str, Any]:
        if not message.text or message.text.startswith("/"):
            return False
        result = matcher.ask(message.text)
        return {"asked": result} if not self.kinds or result.kind in self.kinds else False


async def on_urgent(message: Message, asked: AskResult, renderer: Renderer, ui: UI, desk: object = None) -> None:
    """110/120/12355 on the spot; with the ledger wired, a button to tell the child director at once (no consent
    needed: the button's handler files an urgent entry, see handlers.request_place.on_urgent)."""
    hit, offer = asked.urgent, "button" if desk is not None else None
    flags = {"injured": bool(hit and hit.injured), "self_harm": bool(hit and hit.self_harm)}
    text = renderer.html("urgent", **flags, offer=offer)
    await message.reply(text, reply_markup=urgent_kb(ui) if offer else None)


async def on_question(
    message: Message, asked: AskResult, renderer: Renderer, catalog: Catalog, ui: UI, feedback: FeedbackSink
) -> None:
    entry = find_entry(catalog, asked.answer) if asked.kind == "answer" and asked.answer else None
    choices = [e for c in asked.candidates[:3] if (e := find_entry(catalog, c.id))]
    if entry:
        await message.reply(renderer.html("entry", entry=entry), reply_markup=feedback_kb(entry.id, ui))
    elif asked.kind == "clarify" and choices:
        await feedback.record("clarify", message.text or "", None)
        await message.reply(renderer.html("clarify"), reply_markup=pick_kb(choices))
    elif asked.kind == "urgent":
        await on_urgent(message, asked, renderer, ui)
    elif asked.kind == "out_of_scope":
        await message.reply(renderer.html("out_of_scope"), reply_markup=menu_kb(ui))
    else:
        await feedback.record("unanswered", message.text or "", None)
        await message.reply(renderer.html("dont_know"), reply_markup=after_unknown_kb(ui))


async def on_pick(
    query: CallbackQuery, callback_data: PickCb, bot: Bot, renderer: Renderer, catalog: Catalog, ui: UI
) -> None:
    entry = find_entry(catalog, callback_data.id)
    if entry is None:
        return await query.answer(renderer.text("not_found"), show_alert=True)
    await query.answer()
    # Answer as a reply to the parent's own question, so 有用/没用 can tell which question it was about.
    question = query.message.reply_to_message if isinstance(query.message, Message) else None
    reply = ReplyParameters(message_id=question.message_id, allow_sending_without_reply=True) if question else None
    chat_id = query.message.chat.id if query.message else query.from_user.id
    text = renderer.html("entry", entry=entry)
    await bot.send_message(chat_id, text, reply_markup=feedback_kb(entry.id, ui), reply_parameters=reply)


def urgent_router() -> Router:
    """First among the private routers and without a state filter, so danger words interrupt any form.

    Except a child director's own forms: a visit note describing harm is their record, not a cry for help.
    """
    r = Router(name="urgent")
    r.message.filter(F.chat.type == "private")
    r.message.register(on_urgent, ~StateFilter(StaffForm), Asked("urgent"))
    return r


def router() -> Router:
    r = Router(name="ask")
    r.message.filter(F.chat.type == "private")
    r.message.register(on_question, StateFilter(None), Asked())
    r.callback_query.register(on_pick, PickCb.filter())
    return r
