"""/qiuzhu: the guardian's notice and separate consent first, then what the family needs and about the child."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter, or_f
from aiogram.types import CallbackQuery, Message

from checklist.answers import is_cancel
from checklist.helpform import parse_child
from handlers import request_input, request_place
from handlers import request_views as v
from handlers.coming import has_desk
from handlers.deps import Matcher
from handlers.refusals import install
from handlers.request_input import need_more, predates, take_need
from handlers.request_steps import Talk, ask_next, replace_buttons
from handlers.ui import MenuCb, command, find_entry, find_group, show

S = v.Requesting


async def begin(talk: Talk) -> None:
    """Nothing is kept before the consent: the draft is empty until the guardian agrees."""
    await talk.state.set_state(S.reading)
    await talk.state.set_data({"req": {}})
    await talk.say("help_notice", v.notice_kb(talk.ui), short=talk.desk.consent_terms().short_text)


async def cmd_qiuzhu(message: Message, **deps: Any) -> None:
    await begin(Talk.of(message, deps))


async def on_menu_qiuzhu(query: CallbackQuery, **deps: Any) -> None:
    await query.answer()
    await begin(Talk.of(query, deps))


async def on_full_rules(query: CallbackQuery, **deps: Any) -> None:
    talk = Talk.of(query, deps)
    await query.answer()
    sections = talk.desk.consent_terms().full_text.split("\n## ")
    for part in chunks(sections):
        await talk.say("help_rules_full", sections=part)
    await talk.say("help_notice", v.notice_kb(talk.ui), short=None)


def chunks(sections: list[str], limit: int = 3000) -> list[list[str]]:
    """Telegram takes 4096 characters a message: whole sections, as many as fit."""
    out: list[list[str]] = [[]]
    for section in sections:
        if out[-1] and sum(map(len, out[-1])) + len(section) > limit:
            out.append([])
        out[-1].append(section)
    return out


async def on_go(query: CallbackQuery, **deps: Any) -> None:
    talk = Talk.of(query, deps)
    await query.answer()
    await replace_buttons(query)
    await talk.state.set_state(S.consenting)
    await talk.say("help_consent", v.consent_kb(talk.ui), version=talk.desk.consent_terms().rules_version)


async def on_consent(query: CallbackQuery, **deps: Any) -> None:
    talk = Talk.of(query, deps)
    await query.answer()
    await replace_buttons(query)
    await ask_next(talk, {"consent": talk.desk.consent_stamp()})


async def on_decline(event: Message | CallbackQuery, **deps: Any) -> None:
    """不同意 or 不求助了 at any step: the draft goes, nothing was stored; the hotlines still."""
    talk = Talk.of(event, deps)
    if isinstance(event, CallbackQuery):
        await event.answer()
        await replace_buttons(event)
    consented = bool((await talk.form()).get("consent"))
    await talk.state.clear()
    await talk.say("help_declined", consented=consented)


async def on_need_text(message: Message, matcher: Matcher, **deps: Any) -> None:
    await take_need(Talk.of(message, deps), message, (message.text or "").strip(), matcher)


async def on_need_entry(query: CallbackQuery, callback_data: v.HqCb, **deps: Any) -> None:
    talk = Talk.of(query, deps)
    entry = find_entry(talk.catalog, int(callback_data.v)) if callback_data.v.isdigit() else None
    if entry is None:
        return await query.answer(talk.renderer.text("not_found"), show_alert=True)
    await query.answer()
    await replace_buttons(query)
    await ask_next(talk, {**await talk.form(), "entry_ids": [entry.id], "need_done": True})


async def on_need_as_written(query: CallbackQuery, **deps: Any) -> None:
    talk = Talk.of(query, deps)
    form = await talk.form()
    await query.answer()
    if not form.get("need_text"):  # nothing written yet: ask for it
        return await talk.say("help_need", v.need_kb(talk.ui))
    await replace_buttons(query)
    await ask_next(talk, {**form, "need_done": True})


async def on_need_groups(query: CallbackQuery, callback_data: v.HqCb, **deps: Any) -> None:
    talk = Talk.of(query, deps)
    group = find_group(talk.catalog, callback_data.v) if callback_data.s == "grp" else None
    await query.answer()
    if group is None:
        return await show(query, talk.bot, talk.renderer.html("help_need_groups"), v.groups_kb(talk.catalog, talk.ui))
    entries = [e for e in talk.catalog.entries if e.id in group.entries]
    await show(query, talk.bot, talk.renderer.html("help_need_groups", group=group), v.group_kb(entries, talk.ui))


async def on_child(event: Message | CallbackQuery, **deps: Any) -> None:
    talk = Talk.of(event, deps)
    if isinstance(event, Message) and await predates(talk, event):  # the need, sent on in a second message
        return await need_more(talk, event)
    alias, age = parse_child(event.text or "") if isinstance(event, Message) else (None, None)
    if isinstance(event, CallbackQuery):
        await event.answer()
        await replace_buttons(event)
    elif (age is not None and not 0 <= age <= 17) or (alias, age) == (None, None):
        return await talk.say("help_child", v.skip_kb(talk.ui, "child"), retry=True)
    await ask_next(talk, {**await talk.form(), "child_alias": alias, "child_age": age, "child_done": True})


async def on_buttons_only(message: Message, **deps: Any) -> None:
    """Text where a button is awaited: say so and show the buttons again (the draft stays as it was)."""
    talk = Talk.of(message, deps)
    step = (await talk.state.get_state() or "").rpartition(":")[2]
    keyboards = {"reading": v.notice_kb, "consenting": v.consent_kb, "contact": v.contact_kb, "confirm": v.confirm_kb}
    await talk.say("help_use_buttons", keyboards[step](talk.ui), cancel=step != "consenting")


def router() -> Router:
    r = Router(name="request")
    r.message.filter(F.chat.type == "private", has_desk)
    r.callback_query.filter(F.message.chat.type == "private", has_desk)  # groups: commands only
    r.message.register(cmd_qiuzhu, command("qiuzhu"))
    r.callback_query.register(on_menu_qiuzhu, MenuCb.filter(F.action == "qiuzhu"))
    r.message.register(on_decline, StateFilter(S), or_f(F.text.func(is_cancel), command("cancel")))
    r.callback_query.register(on_decline, StateFilter(S), v.HqCb.filter(F.s == "no"))
    r.callback_query.register(on_full_rules, S.reading, v.HqCb.filter(F.s == "full"))
    r.callback_query.register(on_go, S.reading, v.HqCb.filter(F.s == "go"))
    r.callback_query.register(on_consent, S.consenting, v.HqCb.filter(F.s == "yes"))
    r.message.register(on_need_text, S.need, F.text, ~F.text.startswith("/"))
    r.callback_query.register(on_need_entry, S.need, v.HqCb.filter(F.s == "ent"))
    r.callback_query.register(on_need_as_written, S.need, v.HqCb.filter(F.s == "text"))
    r.callback_query.register(on_need_groups, S.need, v.HqCb.filter(F.s.in_({"groups", "grp"})))
    r.message.register(on_child, S.child, F.text, ~F.text.startswith("/"))
    r.callback_query.register(on_child, S.child, v.HqCb.filter(F.s == "child"))
    request_place.register(r)
    buttons_only = StateFilter(S.reading, S.consenting, S.contact, S.confirm)
    r.message.register(on_buttons_only, buttons_only, F.text, ~F.text.startswith("/"))
    request_input.register(r)
    return install(r)
