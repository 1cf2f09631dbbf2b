"""/start and /help: what the bot does, the privacy notice, the menu, the commands."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from checklist.answers import is_cancel
from checklist.ui import UI
from handlers import staff
from handlers.coming import has_desk
from handlers.deps import Renderer
from handlers.misc import form_of
from handlers.refusals import install
from handlers.ui import MenuCb, command, menu_kb, start_command


async def cmd_start(message: Message, state: FSMContext, renderer: Renderer, ui: UI) -> None:
    """The welcome; a form left open stays open (a parent may just want the menu), and the welcome says so."""
    await message.answer(renderer.html("start", form=await form_of(state)), reply_markup=menu_kb(ui))


async def cmd_help(message: Message, renderer: Renderer, ui: UI) -> None:
    commands = [{"name": name, "description": text} for name, text in ui.commands.model_dump().items()]
    await message.answer(renderer.html("help", commands=commands))


async def cmd_nothing_to_cancel(message: Message, renderer: Renderer, ui: UI) -> None:
    """取消 or /cancel outside any form (the forms take theirs first): not a question, not an unknown command."""
    await message.answer(renderer.html("nothing_to_cancel"), reply_markup=menu_kb(ui))


async def on_menu_ask(query: CallbackQuery, bot: Bot, state: FSMContext, renderer: Renderer) -> None:
    """问问题 is a clear wish to type a question: a family's unfinished form would take it as an answer, so it ends
    (said so; nothing of it was kept). A director's own form is left alone."""
    await query.answer()
    dropped = await form_of(state)
    if dropped in ("assess", "request"):
        await state.clear()
    await bot.send_message(query.from_user.id, renderer.html("ask_prompt", dropped=dropped))


def router() -> Router:
    r = Router(name="start")
    r.message.filter(F.chat.type == "private")
    r.message.register(staff.cmd_start_code, start_command(deep_link=True), has_desk)  # an invite's deep link
    r.message.register(cmd_start, start_command())
    r.message.register(cmd_help, command("help"))
    r.message.register(cmd_nothing_to_cancel, StateFilter(None), or_f(F.text.func(is_cancel), command("cancel")))
    r.callback_query.register(on_menu_ask, MenuCb.filter(F.action == "ask"))
    return install(r)
