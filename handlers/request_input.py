"""What a phone sends into a help request besides plain answers: the need in several messages, an edited need,
a shared contact card, photos, voice and places; nothing the family already gave is lost."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import Message

from checklist.helpform import parse_phone
from handlers import request_views as v
from handlers.coming import has_desk
from handlers.deps import Matcher
from handlers.request_steps import Talk, ask_next
from handlers.ui import find_entry

S = v.Requesting


def add_part(form: dict[str, Any], message_id: int, text: str) -> dict[str, Any]:
    """The need as the family sent it, message by message (each kept with its id, so an edit can replace it)."""
    parts = [p for p in form.get("need_parts", []) if p[0] != message_id]
    parts = sorted([*parts, [message_id, text]])
    return {**form, "need_parts": parts, "need_text": "\n".join(t for _, t in parts)}


async def take_need(talk: Talk, message: Message, text: str, matcher: Matcher) -> None:
    """The need typed (or a caption): added to what was written before, then matched to the services as a whole."""
    form = add_part(await talk.form(), message.message_id, text)
    asked = matcher.ask(form["need_text"])
    ids = [asked.answer] if asked.kind == "answer" and asked.answer else [c.id for c in asked.candidates[:3]]
    entries = [e for i in ids if (e := find_entry(talk.catalog, i))] if asked.kind in ("answer", "clarify") else []
    if not entries:
        form["need_done"] = True
        return await ask_next(talk, form)
    await talk.save(form)
    more = len(form["need_parts"]) > 1
    await talk.ask("help_need_match", v.matches_kb(entries, talk.ui), count=len(entries), more=more)


async def predates(talk: Talk, message: Message) -> bool:
    """Sent before the question now open was shown (Telegram numbers a chat's messages in order): typed on from the
    answer before, as people send one thought in three short messages, and not an answer to this question."""
    asked = (await talk.state.get_data()).get("asked")
    return isinstance(asked, int) and message.message_id < asked


async def need_more(talk: Talk, message: Message) -> None:
    """More of the need, arrived after the next question: kept with the need, and the question stands."""
    await talk.save(add_part(await talk.form(), message.message_id, (message.text or "").strip()))
    await talk.say("help_need_more")


async def on_need_edited(message: Message, **deps: Any) -> None:
    """An edited message: a part of the need is replaced (until the request is filed); anything else stands."""
    talk = Talk.of(message, deps)
    form = await talk.form()
    text = (message.text or message.caption or "").strip()
    if not text or message.message_id not in [p[0] for p in form.get("need_parts", [])]:
        return await talk.say("edited", form="request")
    form = add_part(form, message.message_id, text)
    await talk.save(form)
    await talk.say("help_need_edited", need_text=form["need_text"])


async def on_not_text(message: Message, matcher: Matcher, **deps: Any) -> None:
    """A photo, voice, file or place mid-request: say what to do instead; a caption at the need step is the need."""
    talk = Talk.of(message, deps)
    step = (await talk.state.get_state() or "").rpartition(":")[2]
    caption = (message.caption or "").strip()
    if step == "need" and caption:
        await talk.say("non_text", kind=message.content_type.value, in_form=True, step=step, caption=True)
        return await take_need(talk, message, caption, matcher)
    await talk.say("non_text", kind=message.content_type.value, in_form=True, step=step)


async def on_contact_card(message: Message, **deps: Any) -> None:
    """A shared contact at the contact step: the family's own number is taken; someone else's card is not."""
    talk, card = Talk.of(message, deps), message.contact
    phone = parse_phone(card.phone_number) if card and card.user_id == talk.user_id else None
    if phone is None:
        mine = card is not None and card.user_id == talk.user_id
        await talk.save({**await talk.form(), "contact_asked": "phone"})  # a typed number is taken next
        await talk.state.set_state(S.contact_value)
        return await talk.say("help_contact", kind="phone", card="unreadable" if mine else "other")
    await ask_next(talk, {**await talk.form(), "contact_kind": "phone", "contact_value": phone})


def register(r: Router) -> None:
    """After the typed steps: these take what the steps' own handlers do not."""
    r.message.register(on_contact_card, StateFilter(S.contact, S.contact_value), F.contact)
    r.message.register(on_not_text, StateFilter(S), ~F.text)
    r.edited_message.filter(F.chat.type == "private", has_desk)
    r.edited_message.register(on_need_edited, StateFilter(S))
