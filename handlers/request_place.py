"""The help request's second half: risk questions, where the family lives, a contact way, confirm; the urgent path."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from checklist.answers import is_unknown, parse_bool
from checklist.helpform import parse_phone
from checklist.places import Gazetteer, PlaceError
from handlers import request_views as v
from handlers.deps import Renderer
from handlers.request_input import add_part
from handlers.request_steps import Talk, ask_next, file_request, open_risk, replace_buttons, show_step

S = v.Requesting
PLACES = (S.district, S.township, S.village)
TYPED = ~F.text.startswith("/")


async def answer_risk(talk: Talk, key: str, answer: bool | None) -> None:
    form = await talk.form()
    if key != v.DANGER:
        return await ask_next(talk, {**form, "risk": {**form.get("risk", {}), key: answer}})
    form[v.DANGER] = {True: "1", False: "0", None: "?"}[answer]
    if answer is True:  # 110 first, on the spot; then the urgent entry, without waiting for anything else
        await talk.say("urgent", injured=False, self_harm=False, offer="filing")
        form["urgent"] = True
    await ask_next(talk, form)


async def on_risk_button(query: CallbackQuery, callback_data: v.HqCb, **deps: Any) -> None:
    talk = Talk.of(query, deps)
    key, _, code = callback_data.v.partition(".")
    if key != open_risk(talk, await talk.form()) or code not in v.RISK_ANSWERS:
        return await query.answer(talk.renderer.text("not_found"), show_alert=True)
    await query.answer()
    await replace_buttons(query)
    await answer_risk(talk, key, v.RISK_ANSWERS[code])


async def on_risk_text(message: Message, **deps: Any) -> None:
    talk, text = Talk.of(message, deps), message.text or ""
    answer = None if is_unknown(text) else parse_bool(text)
    if answer is None and not is_unknown(text):  # not a yes, no or 不想说: the same question again
        step = "danger" if await talk.state.get_state() == S.danger else "risk"
        return await show_step(talk, step, await talk.form())
    await answer_risk(talk, open_risk(talk, await talk.form()), answer)


async def level_of(state: FSMContext) -> str:
    return (await state.get_state() or "").rpartition(":")[2]


async def on_place_text(message: Message, places: Gazetteer, **deps: Any) -> None:
    """区县 resolved by the gazetteer first; 乡镇/街道 and 村/社区 against the areas in the database."""
    talk, text = Talk.of(message, deps), message.text or ""
    if is_unknown(text):  # typed 不知道 / 不清楚: as the 不清楚 button
        return await place_unsure(talk)
    form, level = await talk.form(), await level_of(talk.state)
    parent = None if level == "district" else form["district" if level == "township" else "township"]
    name, names, outside = text, [], None
    if level == "district":
        try:
            place = places.resolve(text, chongqing_only=True)
            name, outside = (place.label if place.district else ""), (None if place.in_chongqing else place.label)
        except PlaceError as err:
            name, names = "", err.suggestions
    found, suggestions = await talk.desk.find_area(name, parent) if name else (None, [])
    if found is None and level == "district" and name:  # a real 区县 nobody set up yet: still never turned away
        found = await talk.desk.open_district(name)
    if found is not None:
        return await ask_next(talk, {**form, level: found.id})
    for other in names:  # the gazetteer's guesses, if the database has them
        hit, _ = await talk.desk.find_area(other, parent)
        suggestions += [hit] if hit else []
    if not suggestions and parent:  # nothing close: a short list of what there is is the best suggestion
        suggestions = (await talk.desk.areas(parent))[: v.FEW_PLACES]
    kept = bool(form.get("urgent")) and not suggestions and not outside
    if kept:  # after 有危险 a parent goes on telling what happens: no place, but words for the director
        await talk.save(add_part(form, message.message_id, text.strip()))
    markup = v.places_kb(suggestions, talk.ui)
    await talk.say("help_place_unknown", markup, level=level, found=bool(suggestions), outside=outside, kept=kept)


async def on_place_pick(query: CallbackQuery, callback_data: v.HaCb, **deps: Any) -> None:
    """A suggested area, re-checked: it must lie right below the level chosen before."""
    talk = Talk.of(query, deps)
    form, level = await talk.form(), await level_of(talk.state)
    parent = None if level == "district" else form.get("district" if level == "township" else "township")
    area = (await talk.desk.areas(parent)) if level == "district" or parent else []
    if callback_data.id not in [a.id for a in area]:
        return await query.answer(talk.renderer.text("not_found"), show_alert=True)
    await query.answer()
    await replace_buttons(query)
    await ask_next(talk, {**form, level: callback_data.id})


async def on_place_unsure(query: CallbackQuery, **deps: Any) -> None:
    """不清楚: below the 区县 the request goes to the level known; the 区县 itself is chosen from a list."""
    await query.answer()
    await replace_buttons(query)
    await place_unsure(Talk.of(query, deps))


async def place_unsure(talk: Talk) -> None:
    level = await level_of(talk.state)
    if level != "district":
        return await ask_next(talk, {**await talk.form(), level: v.UNSURE})
    districts = await talk.desk.areas(None)
    if not districts:  # no area is set up yet: nowhere to send it; say so rather than ask forever
        await talk.state.clear()
        return await talk.say("help_place_unknown", level="none", found=False)
    await talk.say("help_place_unknown", v.places_kb(districts, talk.ui, unsure=False), level="pick_district")


async def on_contact(query: CallbackQuery, callback_data: v.HqCb, **deps: Any) -> None:
    talk, kind = Talk.of(query, deps), callback_data.v
    if kind not in v.CONTACTS:
        return await query.answer(talk.renderer.text("not_found"), show_alert=True)
    await query.answer()
    await replace_buttons(query)
    form = await talk.form()
    if kind == "telegram":
        return await ask_next(talk, {**form, "contact_kind": kind, "contact_value": None})
    await talk.save({**form, "contact_asked": kind})
    await talk.state.set_state(S.contact_value)
    await talk.say("help_contact", kind=kind)


async def on_contact_value(message: Message, **deps: Any) -> None:
    talk = Talk.of(message, deps)
    form = await talk.form()
    kind = form.get("contact_asked", "other")
    value = parse_phone(message.text or "") if kind == "phone" else (message.text or "").strip()[:100]
    if not value:
        return await talk.say("help_contact", kind=kind, retry=True)
    await ask_next(talk, {**form, "contact_kind": kind, "contact_value": value})


async def on_confirm(query: CallbackQuery, **deps: Any) -> None:
    talk = Talk.of(query, deps)
    await query.answer()
    await replace_buttons(query)
    await file_request(talk, await talk.form())


async def on_confirm_again(query: CallbackQuery, state: FSMContext, renderer: Renderer) -> None:
    """确认 pressed again after the filing: the same reference, nothing filed twice."""
    filed = (await state.get_data()).get("filed")
    text = renderer.text("help_filed_again", reference=filed["reference"]) if filed else renderer.text("not_found")
    await query.answer(text, show_alert=True)


async def on_restart(query: CallbackQuery, **deps: Any) -> None:
    talk = Talk.of(query, deps)
    await query.answer()
    await replace_buttons(query)
    await ask_next(talk, {"consent": (await talk.form()).get("consent")})


async def on_urgent(query: CallbackQuery, **deps: Any) -> None:
    """The urgent path offered after danger words: no consent needed; the place is all it asks (if unknown)."""
    talk = Talk.of(query, deps)
    await query.answer()
    await replace_buttons(query)
    asked = query.message.reply_to_message if isinstance(query.message, Message) else None
    form = await talk.form() if await talk.state.get_state() in S.__all_states_names__ else {}
    words = [w for w in (asked.text if asked else None, form.get("need_text")) if w]
    await ask_next(talk, {**form, "urgent": True, "need_text": "\n".join(dict.fromkeys(words))})


def register(r: Router) -> None:
    r.callback_query.register(on_risk_button, StateFilter(S.risk, S.danger), v.HqCb.filter(F.s == "risk"))
    r.message.register(on_risk_text, StateFilter(S.risk, S.danger), F.text, TYPED)
    r.message.register(on_place_text, StateFilter(*PLACES), F.text, TYPED)
    r.callback_query.register(on_place_pick, StateFilter(*PLACES), v.HaCb.filter())
    r.callback_query.register(on_place_unsure, StateFilter(*PLACES), v.HqCb.filter(F.s == "unsure"))
    r.callback_query.register(on_contact, S.contact, v.HqCb.filter(F.s == "contact"))
    r.message.register(on_contact_value, S.contact_value, F.text, TYPED)
    r.callback_query.register(on_confirm, S.confirm, v.HqCb.filter(F.s == "confirm"))
    r.callback_query.register(on_confirm_again, v.HqCb.filter(F.s == "confirm"))
    r.callback_query.register(on_restart, S.confirm, v.HqCb.filter(F.s == "restart"))
    r.callback_query.register(on_urgent, v.HuCb.filter())
