"""Help requests where no ledger is wired (a Dispatcher without a database): say so, and give the hotlines."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message

from handlers.deps import Renderer
from handlers.ui import MenuCb, command

FEATURES = ("qiuzhu", "mine", "forget", "cases", "join")


def has_desk(_event: object, desk: object = None) -> bool:
    """For the help-request routers: the ledger is there (every run mode wires it; bare test dispatchers do not)."""
    return desk is not None


async def cmd_unavailable(message: Message, renderer: Renderer) -> None:
    await message.answer(renderer.html("help_unavailable"))


async def on_menu_unavailable(query: CallbackQuery, bot: Bot, renderer: Renderer) -> None:
    await query.answer()
    await bot.send_message(query.from_user.id, renderer.html("help_unavailable"))


def router() -> Router:
    """After the help-request routers, which take these commands whenever the ledger is wired."""
    r = Router(name="coming")
    r.message.filter(F.chat.type == "private")
    r.message.register(cmd_unavailable, command(*FEATURES))
    r.callback_query.register(on_menu_unavailable, MenuCb.filter(F.action == "qiuzhu"))
    return r
