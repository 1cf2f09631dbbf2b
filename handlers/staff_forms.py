"""A director's short forms behind the buttons: a visit (note, next date), a referral (department, agreement,
what to share), closing (note), a referral's progress. The ledger re-checks the entry at every final step."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from checklist.answers import is_cancel
from checklist.helpform import parse_day
from handlers import staff_views as sv
from handlers.request_steps import replace_buttons
from handlers.ui import command

Form = sv.StaffForm
TYPED = ~F.text.startswith("/")
Event = Message | CallbackQuery


def actor(event: Event) -> int:
    """Who pressed or typed: the id the ledger checks (never an id taken from callback data)."""
    assert event.from_user is not None
    return event.from_user.id


def said(event: Event) -> str | None:
    """The text typed, or None for the form's skip button."""
    return ((event.text or "").strip() or None) if isinstance(event, Message) else None


Markup = InlineKeyboardMarkup | None


async def say(event: Event, deps: dict[str, Any], step: str, markup: Markup = None, **ctx: Any) -> None:
    """One line of the form (content/templates/staff_form.j2); a pressed button's keyboard is taken away."""
    if isinstance(event, CallbackQuery):
        await event.answer()
        await replace_buttons(event)
    text = deps["renderer"].html("staff_form", step=step, labels=deps["desk"].labels, **ctx)
    await deps["bot"].send_message(actor(event), text, reply_markup=markup)


def skip_of(step: str, ui: Any) -> Markup:
    """The skip button of a typed step (a return's reason has none: the ledger requires one)."""
    label = {"visit_note": ui.staff.no_note, "close_note": ui.staff.no_note, "share": ui.staff.default_share}.get(step)
    return sv.skip_kb(label, ui) if label else None


async def fits(event: Event, deps: dict[str, Any], step: str, **form: Any) -> bool:
    """Typed text within the ledger's own limit; else the step again, with the limit and how far over it is.

    The ledger would refuse it only at the end, "可能太长" and no more (a visit note after the date was picked):
    asked again here, the director knows what to cut, and what they typed is still in the chat above.
    """
    text, limit = said(event), deps["desk"].note_limit
    if text is None or len(text) <= limit:
        return True
    size = {"limit": limit, "length": len(text), "over": len(text) - limit}
    await say(event, deps, step, skip_of(step, deps["ui"]), **size, **form)
    return False


async def show_case(chat_id: int, detail: Any, event: str | None = None, **deps: Any) -> None:
    """The entry in full (read after the ledger's area check), with the steps its status allows."""
    desk, catalog = deps["desk"], deps["catalog"]
    entries = [e for e in catalog.entries if e.id in detail.entry_ids]
    risks = [c.name for c in catalog.risk.criteria if c.key in detail.risk_flags]
    context = {"labels": desk.labels, "when": desk.when, "entries": entries, "risks": risks, "event": event}
    text = deps["renderer"].html("staff_case", case=detail, **context)
    await deps["bot"].send_message(chat_id, text, reply_markup=sv.case_kb(deps["ui"], detail))


async def begin(action: str, query: CallbackQuery, detail: Any, state: FSMContext, deps: dict[str, Any]) -> None:
    """记录走访 / 转介 / 办结 on an entry the ledger has just let this director open."""
    about, ui = {"case": detail.id, "reference": detail.reference}, deps["ui"]
    if action == "rf":
        return await say(query, deps, "department", sv.departments_kb(detail.id, detail.departments, ui), **about)
    step = "visit_note" if action == "vi" else "close_note"
    await state.set_state(getattr(Form, step))
    await state.update_data(staff=about)
    await say(query, deps, step, skip_of(step, ui), **about)


async def form_of(state: FSMContext) -> dict[str, Any]:
    return dict((await state.get_data()).get("staff") or {})


async def on_visit_note(event: Event, state: FSMContext, **deps: Any) -> None:
    form = await form_of(state)
    if not await fits(event, deps, "visit_note", **form):
        return
    await state.update_data(staff={**form, "note": said(event)})
    await state.set_state(Form.visit_next)
    await say(event, deps, "visit_next", sv.next_visit_kb(deps["ui"]), **form)


async def on_visit_days(query: CallbackQuery, callback_data: sv.FormCb, state: FSMContext, **deps: Any) -> None:
    await record_visit(query, deps["desk"].today() + timedelta(days=callback_data.v), state, deps)


async def on_visit_date(message: Message, state: FSMContext, **deps: Any) -> None:
    await record_visit(message, parse_day(message.text or "", deps["desk"].today()), state, deps)


async def record_visit(event: Event, day: date | None, state: FSMContext, deps: dict[str, Any]) -> None:
    desk, form = deps["desk"], await form_of(state)
    if day is None or day <= desk.today():
        return await say(event, deps, "visit_next", sv.next_visit_kb(deps["ui"]), retry=True, **form)
    detail = await desk.record_visit(actor(event), form["case"], form.get("note"), day)
    await state.clear()
    await say(
        event, deps, "visit_done", due=desk.when(detail.next_visit_due), reachable=detail.family_reachable, **form
    )
    await show_case(actor(event), detail, **deps)


async def on_department(query: CallbackQuery, callback_data: sv.DeptCb, **deps: Any) -> None:
    detail = await deps["desk"].open_case(actor(query), callback_data.id)
    if not 0 <= callback_data.d < len(detail.departments):
        return await query.answer(deps["renderer"].text("not_found"), show_alert=True)
    markup = sv.agreement_kb(detail.id, callback_data.d, detail.urgent, deps["ui"])
    await say(query, deps, "agreement", markup, department=detail.departments[callback_data.d])


async def on_agreement(query: CallbackQuery, callback_data: sv.HowCb, state: FSMContext, **deps: Any) -> None:
    detail = await deps["desk"].open_case(actor(query), callback_data.id)
    if not 0 <= callback_data.d < len(detail.departments) or callback_data.a not in sv.AGREEMENTS:
        return await query.answer(deps["renderer"].text("not_found"), show_alert=True)
    form = {"case": detail.id, "reference": detail.reference, "department": detail.departments[callback_data.d]}
    await state.set_state(Form.share)
    await state.update_data(staff={**form, "how": sv.AGREEMENTS[callback_data.a]})
    await say(query, deps, "share", skip_of("share", deps["ui"]), **form)


async def on_share(event: Event, state: FSMContext, **deps: Any) -> None:
    form = await form_of(state)
    if not await fits(event, deps, "share", **form):
        return
    referral = await deps["desk"].refer(actor(event), form["case"], form["department"], form["how"], said(event))
    await state.clear()
    await say(event, deps, "referred", referral=referral, **form)


async def on_close_note(event: Event, state: FSMContext, **deps: Any) -> None:
    form = await form_of(state)
    if not await fits(event, deps, "close_note", **form):
        return
    detail = await deps["desk"].close(actor(event), form["case"], said(event))
    await state.clear()
    await say(event, deps, "closed", reachable=detail.family_reachable, **form)
    await show_case(actor(event), detail, **deps)


async def on_ref_step(query: CallbackQuery, callback_data: sv.RefStepCb, state: FSMContext, **deps: Any) -> None:
    step = sv.REF_STEPS.get(callback_data.s)
    if step is None:
        return await query.answer(deps["renderer"].text("not_found"), show_alert=True)
    if step == "returned":  # a return needs its reason: asked first, checked by the ledger at the end
        await state.set_state(Form.return_reason)
        await state.update_data(staff={"referral": callback_data.id})
        return await say(query, deps, "return_reason")
    await set_referral(query, callback_data.id, step, state, deps)


async def on_return_reason(message: Message, state: FSMContext, **deps: Any) -> None:
    if await fits(message, deps, "return_reason"):
        await set_referral(message, (await form_of(state))["referral"], "returned", state, deps)


async def set_referral(event: Event, referral_id: int, step: str, state: FSMContext, deps: dict[str, Any]) -> None:
    referral = await deps["desk"].set_referral_status(actor(event), referral_id, step, said(event))
    await state.clear()
    await say(event, deps, "ref_status", referral=referral)


async def on_cancel(event: Event, state: FSMContext, **deps: Any) -> None:
    """✖ 取消, or 取消 / /cancel typed: the form goes, nothing in the ledger changed."""
    await state.clear()
    await say(event, deps, "cancelled")


def register(r: Router) -> None:
    skip = sv.FormCb.filter(F.a == "skip")
    # Before the text steps: 取消 typed in a form is not a visit note, nor a date that cannot be read.
    r.message.register(on_cancel, StateFilter(Form), or_f(F.text.func(is_cancel), command("cancel")))
    r.message.register(on_visit_note, Form.visit_note, F.text, TYPED)
    r.callback_query.register(on_visit_note, Form.visit_note, skip)
    r.message.register(on_visit_date, Form.visit_next, F.text, TYPED)
    r.callback_query.register(on_visit_days, Form.visit_next, sv.FormCb.filter(F.a == "days"))
    r.callback_query.register(on_department, sv.DeptCb.filter())
    r.callback_query.register(on_agreement, sv.HowCb.filter())
    r.message.register(on_share, Form.share, F.text, TYPED)
    r.callback_query.register(on_share, Form.share, skip)
    r.message.register(on_close_note, Form.close_note, F.text, TYPED)
    r.callback_query.register(on_close_note, Form.close_note, skip)
    r.callback_query.register(on_ref_step, sv.RefStepCb.filter())
    r.message.register(on_return_reason, Form.return_reason, F.text, TYPED)
    # Only a director's own form (or none): a stale 取消 never throws away a family's request draft.
    r.callback_query.register(on_cancel, StateFilter(None, Form), sv.FormCb.filter(F.a == "cancel"))
