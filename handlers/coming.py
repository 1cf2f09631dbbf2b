"""Commands whose features are still being built (/qiuzhu, /mine, /forget): a short honest reply."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from handlers.deps import Renderer
from handlers.ui import MenuCb

FEATURES = ("qiuzhu", "mine", "forget")


async def cmd_coming(message: Message, command: CommandObject, renderer: Renderer) -> None:
    await message.answer(renderer.html("coming_soon", feature=command.command))


async def on_menu_coming(query: CallbackQuery, callback_data: MenuCb, bot: Bot, renderer: Renderer) -> None:
    await query.answer()
    text = renderer.html("coming_soon", feature=callback_data.action)
    await bot.send_message(query.from_user.id, text)


def router() -> Router:
    r = Router(name="coming")
    r.message.filter(F.chat.type == "private")
    r.message.register(cmd_coming, Command(*FEATURES))
    r.callback_query.register(on_menu_coming, MenuCb.filter(F.action.in_(FEATURES)))
    return r
