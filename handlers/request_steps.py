"""The help request's engine: ask the first question not yet answered, show the summary, file the request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from checklist.content import Catalog
from checklist.ui import UI
from handlers import request_views as v
from handlers.deps import HelpDesk, Renderer


@dataclass
class Talk:
    """One family's conversation: where to answer and the services a step needs (from aiogram's DI data)."""

    chat_id: int
    user_id: int
    bot: Bot
    state: FSMContext
    desk: HelpDesk
    renderer: Renderer
    ui: UI
    catalog: Catalog

    @classmethod
    def of(cls, event: Message | CallbackQuery, deps: dict[str, Any]) -> Talk:
        user = event.from_user
        assert user is not None  # private chats and button presses always have a sender
        chat_id = event.chat.id if isinstance(event, Message) else user.id
        names = ("bot", "state", "desk", "renderer", "ui", "catalog")
        return cls(chat_id, user.id, **{n: deps[n] for n in names})

    async def form(self) -> dict[str, Any]:
        return dict((await self.state.get_data()).get("req") or {})

    async def save(self, form: dict[str, Any]) -> None:
        await self.state.update_data(req=form)

    async def say(self, template: str, markup: InlineKeyboardMarkup | None = None, **context: Any) -> Message:
        text = self.renderer.html(template, labels=self.desk.labels, **context)
        return await self.bot.send_message(self.chat_id, text, reply_markup=markup)

    async def ask(self, template: str, markup: InlineKeyboardMarkup | None = None, **context: Any) -> None:
        """A question: its message id is kept, so a message typed before it was shown is not taken as its answer."""
        sent = await self.say(template, markup, **context)
        await self.state.update_data(asked=sent.message_id)


def risk_keys(catalog: Catalog) -> list[str]:
    return [c.key for c in catalog.risk.criteria]


def open_risk(talk: Talk, form: dict[str, Any]) -> str:
    """The risk question now asked: the first unanswered criterion, then DANGER."""
    return next((k for k in risk_keys(talk.catalog) if k not in form.get("risk", {})), v.DANGER)


async def ask_next(talk: Talk, form: dict[str, Any]) -> None:
    """Save the answers, then ask the next open question (or file an urgent request as soon as its place is known)."""
    step = v.next_step(form, risk_keys(talk.catalog))
    while step in ("township", "village"):
        parent = form["district"] if step == "township" else form["township"]
        if parent and await talk.desk.areas(parent):
            break
        form[step] = v.UNSURE  # nothing known below: the request goes to the level above
        step = v.next_step(form, risk_keys(talk.catalog))
    if step == "file_urgent":
        return await file_request(talk, form, urgent=True)
    if step == "confirm":
        form["key"] = uuid4().hex  # one filing per confirm screen, however often 确认 is pressed
    await talk.save(form)
    await talk.state.set_state(getattr(v.Requesting, step))
    await show_step(talk, step, form)


async def show_step(talk: Talk, step: str, form: dict[str, Any]) -> None:
    ui, urgent = talk.ui, bool(form.get("urgent"))
    if step == "need":
        await talk.say("help_need", v.need_kb(ui))
    elif step == "child":
        await talk.ask("help_child", v.skip_kb(ui, "child"))
    elif step == "risk":
        key = open_risk(talk, form)
        criterion = next(c for c in talk.catalog.risk.criteria if c.key == key)
        await talk.say("help_risk", v.risk_kb(ui, key), question=criterion.question, danger=False)
    elif step == "danger":
        await talk.say("help_risk", v.risk_kb(ui, v.DANGER), question="", danger=True)
    elif step == "district":
        await talk.say("help_place", v.places_kb([], ui), level="district", urgent=urgent, parent=None)
    elif step in ("township", "village"):
        parent = await talk.desk.area(form["district"] if step == "township" else form["township"])
        await talk.say("help_place", v.places_kb([], ui), level=step, urgent=urgent, parent=parent.full_name)
    elif step == "contact":
        await talk.say("help_contact", v.contact_kb(ui), kind=None)
    elif step == "confirm":
        await talk.say("help_confirm", v.confirm_kb(ui), **await summary(talk, form))


async def summary(talk: Talk, form: dict[str, Any]) -> dict[str, Any]:
    """What the confirm screen shows: everything that will be sent, and to whom."""
    area = await talk.desk.area(v.area_of(form))
    criteria = {c.key: c.name for c in talk.catalog.risk.criteria}
    return {
        "need_text": form.get("need_text"),
        "entries": [e for e in talk.catalog.entries if e.id in form.get("entry_ids", [])],
        "child_alias": form.get("child_alias"),
        "child_age": form.get("child_age"),
        "risks": [name for key, name in criteria.items() if form.get("risk", {}).get(key) is True],
        "area": area.full_name,
        "contact_kind": form["contact_kind"],
        "contact_value": form.get("contact_value"),
    }


async def file_request(talk: Talk, form: dict[str, Any], urgent: bool = False) -> None:
    """File (the ledger commits before returning), then show the reference; a repeated 确认 shows the same one."""
    form["area_id"] = v.area_of(form)
    if urgent:
        form.setdefault("key", uuid4().hex)
        await talk.save(form)  # a failure below leaves the same key for the retry: still one entry
    result = await talk.desk.file(talk.user_id, talk.chat_id, form, urgent=urgent)
    await talk.state.clear()
    await talk.state.update_data(filed={"key": form["key"], "reference": result.reference})
    area = await talk.desk.area(form["area_id"])
    due = talk.desk.when(result.first_visit_due)
    sent = await talk.say("help_filed", result=result, urgent=urgent, area=area.full_name, due=due)
    if urgent:  # what the family types next ("快点来") is answered about this request, not as a question
        filed = {"key": form["key"], "reference": result.reference, "urgent_at": sent.date.timestamp()}
        await talk.state.update_data(filed=filed)


async def replace_buttons(query: CallbackQuery) -> None:
    """Take the buttons off an answered question, so an old screen cannot be pressed again by mistake."""
    if isinstance(query.message, Message) and query.message.reply_markup:
        try:
            await query.message.edit_reply_markup(reply_markup=None)
        except TelegramBadRequest:  # too old to edit, or edited already: the buttons are re-checked anyway
            pass
