"""/start and /help: what the bot does, the privacy notice, the menu, the commands."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message

from checklist.ui import UI
from handlers import staff
from handlers.coming import has_desk
from handlers.deps import Renderer
from handlers.refusals import install
from handlers.ui import MenuCb, menu_kb


async def cmd_start(message: Message, renderer: Renderer, ui: UI) -> None:
    await message.answer(renderer.html("start"), reply_markup=menu_kb(ui))


async def cmd_help(message: Message, renderer: Renderer, ui: UI) -> None:
    commands = [{"name": name, "description": text} for name, text in ui.commands.model_dump().items()]
    await message.answer(renderer.html("help", commands=commands))


async def on_menu_ask(query: CallbackQuery, bot: Bot, renderer: Renderer) -> None:
    await query.answer()
    await bot.send_message(query.from_user.id, renderer.html("ask_prompt"))


def router() -> Router:
    r = Router(name="start")
    r.message.filter(F.chat.type == "private")
    r.message.register(staff.cmd_start_code, CommandStart(deep_link=True), has_desk)  # an invite's deep link
    r.message.register(cmd_start, CommandStart())
    r.message.register(cmd_help, Command("help"))
    r.callback_query.register(on_menu_ask, MenuCb.filter(F.action == "ask"))
    return install(r)
