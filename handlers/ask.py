"""Free text → the ask engine: an answer, "did you mean" buttons, don't-know or out-of-scope; urgent text wins."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyParameters

from checklist.content import Catalog
from checklist.ui import UI
from handlers.deps import AskResult, FeedbackSink, FollowUps, Matcher, Renderer
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


LAST = "asked_entry"  # FSM data outside forms: the service last answered and when (a follow-up's subject)


async def remember(state: FSMContext, entry_id: int, message: Message) -> None:
    await state.update_data({LAST: {"id": entry_id, "at": message.date.timestamp()}})


async def followed_up(message: Message, state: FSMContext, catalog: Catalog, **deps: Any) -> tuple[str | None, Any]:
    """A bare follow-up ("要准备什么材料", "去哪里办": nothing left once those words go): the part asked about, and
    the entry answered within the last minutes (or None); (None, None) for any other text."""
    followups: FollowUps = deps["followups"]
    text = message.text or ""
    aspect = followups.aspect(text)
    if aspect is None or deps["matcher"].ask(followups.rest(text)).kind in ("answer", "clarify"):
        return None, None
    last = (await state.get_data()).get(LAST) or {}
    fresh = message.date.timestamp() - float(last.get("at", 0)) <= followups.minutes * 60
    return aspect, find_entry(catalog, int(last.get("id", 0))) if fresh else None


URGENT_HOURS = 6  # after an urgent request, words that are no question are taken as being about it


async def urgent_filed(message: Message, state: FSMContext) -> dict[str, Any] | None:
    """The urgent request this family filed in the last hours (the "filed" marker request_steps keeps), or None."""
    filed = (await state.get_data()).get("filed") or {}
    at = filed.get("urgent_at")
    return filed if at and message.date.timestamp() - float(at) <= URGENT_HOURS * 3600 else None


async def on_question(
    message: Message, asked: AskResult, state: FSMContext, catalog: Catalog, ui: UI, **deps: Any
) -> None:
    renderer: Renderer = deps["renderer"]
    feedback: FeedbackSink = deps["feedback"]
    aspect, about = (None, None) if asked.kind == "urgent" else await followed_up(message, state, catalog, **deps)
    answered = asked.kind == "answer" and asked.answer and aspect is None
    entry = about or (find_entry(catalog, asked.answer) if answered else None)
    choices = [e for c in asked.candidates[:3] if (e := find_entry(catalog, c.id))]
    if entry:
        text = renderer.html("followup", entry=entry, aspect=aspect) if about else renderer.html("entry", entry=entry)
        await message.reply(text, reply_markup=feedback_kb(entry.id, ui))
        await remember(state, entry.id, message)
    elif aspect:  # "要准备什么材料" with nothing answered before: which service? (no guess)
        await message.reply(renderer.html("followup_which"), reply_markup=menu_kb(ui))
    elif asked.kind in ("unknown", "out_of_scope") and (urgent := await urgent_filed(message, state)):
        await message.reply(renderer.html("urgent_filed_again", reference=urgent["reference"]))
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
    query: CallbackQuery, callback_data: PickCb, bot: Bot, state: FSMContext, catalog: Catalog, **deps: Any
) -> None:
    renderer: Renderer = deps["renderer"]
    entry = find_entry(catalog, callback_data.id)
    if entry is None:
        return await query.answer(renderer.text("not_found"), show_alert=True)
    await query.answer()
    # Answer as a reply to the parent's own question, so 有用/没用 can tell which question it was about.
    question = query.message.reply_to_message if isinstance(query.message, Message) else None
    reply = ReplyParameters(message_id=question.message_id, allow_sending_without_reply=True) if question else None
    chat_id = query.message.chat.id if query.message else query.from_user.id
    text = renderer.html("entry", entry=entry)
    markup = feedback_kb(entry.id, deps["ui"])
    sent = await bot.send_message(chat_id, text, reply_markup=markup, reply_parameters=reply)
    if await state.get_state() is None:
        await remember(state, entry.id, sent)


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
