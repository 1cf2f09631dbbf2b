"""Everything else gets a clear reply: non-text messages, unknown commands, edits, stale buttons; groups: commands."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from checklist.ui import UI
from handlers.deps import Renderer
from handlers.ui import menu_kb

NON_TEXT = (
    F.sticker | F.photo | F.voice | F.audio | F.video | F.video_note | F.animation | F.document | F.location | F.contact
)


FORMS = {"Assessing": "assess", "Requesting": "request", "StaffForm": "staff"}  # state group → form name


async def form_of(state: FSMContext) -> str | None:
    """The form open in this chat, if any: odd input mid-form points back to its question, not to the menu."""
    current = await state.get_state()
    return FORMS.get(current.partition(":")[0]) if current else None


def no_words(text: str) -> bool:
    """Only spaces, emoji or punctuation: nothing to answer, nothing to take as an answer."""
    return not any(ch.isalnum() for ch in text)


async def on_non_text(message: Message, state: FSMContext, renderer: Renderer) -> None:
    in_form = await form_of(state) is not None
    await message.answer(renderer.html("non_text", kind=message.content_type.value, in_form=in_form))


async def on_no_words(message: Message, state: FSMContext, renderer: Renderer, ui: UI) -> None:
    """👍 or 😀 alone: a nod, not a question (nor an answer); out of a form, the menu is one tap away."""
    if await form_of(state) is not None:
        return await message.answer(renderer.html("non_text", kind="other", in_form=True))
    await message.answer(renderer.html("non_text", kind="emoji"), reply_markup=menu_kb(ui))


async def on_unknown_command(message: Message, renderer: Renderer) -> None:
    await message.answer(renderer.html("unknown_command"))


async def on_other(message: Message, state: FSMContext, renderer: Renderer) -> None:
    in_form = await form_of(state) is not None
    await message.answer(renderer.html("non_text", kind="other", in_form=in_form))


async def on_edited(message: Message, state: FSMContext, renderer: Renderer) -> None:
    await message.answer(renderer.html("edited", form=await form_of(state)))


async def on_stale_button(query: CallbackQuery, renderer: Renderer) -> None:
    await query.answer(renderer.text("not_found"), show_alert=True)


async def ignore(message: Message) -> None:
    """Said in a group, not to the bot: taken so that no catch-all answers it, and left alone."""


async def on_group_command(message: Message, bot: Bot, renderer: Renderer) -> None:
    """In groups the bot answers commands only, and only its own (/start@thisbot or a bare /start)."""
    command = (message.text or "").split()[0]
    if "@" in command and command.split("@", 1)[1].lower() != ((await bot.me()).username or "").lower():
        return
    await message.reply(renderer.html("group_only"))


def group_router() -> Router:
    r = Router(name="groups")
    r.message.filter(F.chat.type.in_({"group", "supergroup"}))
    r.message.register(on_group_command, F.text.startswith("/"))
    r.message.register(ignore)
    r.edited_message.filter(F.chat.type.in_({"group", "supergroup"}))
    r.edited_message.register(ignore)
    return r


def early_router() -> Router:
    """Before the forms: text with no word in it is neither a question nor an answer to any of them."""
    r = Router(name="no_words")
    r.message.filter(F.chat.type == "private")
    r.message.register(on_no_words, F.text.func(no_words))
    return r


def router() -> Router:
    r = Router(name="misc")
    r.message.filter(F.chat.type == "private")
    r.message.register(on_non_text, NON_TEXT)
    r.message.register(on_unknown_command, F.text.startswith("/"))
    r.message.register(on_other)
    r.edited_message.filter(F.chat.type == "private")
    r.edited_message.register(on_edited)
    r.callback_query.register(on_stale_button)
    return r
