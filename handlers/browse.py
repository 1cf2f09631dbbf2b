"""/list: the six groups, their entries, an entry's detail, with back buttons; every callback value re-checked."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message

from checklist.content import Catalog
from checklist.ui import UI
from handlers.deps import Renderer
from handlers.ui import (
    EntryCb,
    GroupCb,
    GroupsCb,
    MenuCb,
    command,
    entry_kb,
    find_entry,
    find_group,
    group_kb,
    group_of,
    groups_kb,
    show,
)


def _groups_text(renderer: Renderer, catalog: Catalog) -> str:
    return renderer.html("groups", total=len(catalog.entries))


async def cmd_list(message: Message, renderer: Renderer, catalog: Catalog) -> None:
    await message.answer(_groups_text(renderer, catalog), reply_markup=groups_kb(catalog))


async def on_menu_list(query: CallbackQuery, bot: Bot, renderer: Renderer, catalog: Catalog) -> None:
    await query.answer()
    await bot.send_message(query.from_user.id, _groups_text(renderer, catalog), reply_markup=groups_kb(catalog))


async def on_groups(query: CallbackQuery, bot: Bot, renderer: Renderer, catalog: Catalog) -> None:
    await query.answer()
    await show(query, bot, _groups_text(renderer, catalog), groups_kb(catalog))


async def on_group(
    query: CallbackQuery, callback_data: GroupCb, bot: Bot, renderer: Renderer, catalog: Catalog, ui: UI
) -> None:
    group = find_group(catalog, callback_data.key)
    if group is None:
        await query.answer(renderer.text("not_found"), show_alert=True)
        return await show(query, bot, _groups_text(renderer, catalog), groups_kb(catalog))
    await query.answer()
    entries = [catalog.entry(i) for i in group.entries]
    await show(query, bot, renderer.html("group", group=group, entries=entries), group_kb(entries, ui))


async def on_entry(
    query: CallbackQuery, callback_data: EntryCb, bot: Bot, renderer: Renderer, catalog: Catalog, ui: UI
) -> None:
    entry = find_entry(catalog, callback_data.id)
    if entry is None:
        await query.answer(renderer.text("not_found"), show_alert=True)
        return await show(query, bot, _groups_text(renderer, catalog), groups_kb(catalog))
    await query.answer()
    await show(query, bot, renderer.html("entry", entry=entry), entry_kb(group_of(catalog, entry), ui, entry.id))


def router() -> Router:
    r = Router(name="browse")
    r.message.filter(F.chat.type == "private")
    r.message.register(cmd_list, command("list"))
    r.callback_query.register(on_menu_list, MenuCb.filter(F.action == "list"))
    r.callback_query.register(on_groups, GroupsCb.filter())
    r.callback_query.register(on_group, GroupCb.filter())
    r.callback_query.register(on_entry, EntryCb.filter())
    return r
