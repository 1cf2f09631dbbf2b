"""Callback data factories and inline keyboards shared by the feature routers (labels from content/bot.yaml)."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from checklist.content import Catalog, Entry, Group
from checklist.ui import UI


def command(*names: str) -> Command:
    """A command as people type it: /Start and /ASSESS too (phones capitalise the first letter)."""
    return Command(*names, ignore_case=True)


def start_command(deep_link: bool = False) -> CommandStart:
    return CommandStart(deep_link=deep_link, ignore_case=True)


# Short ASCII prefixes keep every callback under Telegram's 64 bytes; handlers re-check every value.
class MenuCb(CallbackData, prefix="mn"):
    action: str


class GroupsCb(CallbackData, prefix="ls"):
    pass


class GroupCb(CallbackData, prefix="gr"):
    key: str


class EntryCb(CallbackData, prefix="en"):
    id: int


class PickCb(CallbackData, prefix="pk"):
    id: int


class FeedbackCb(CallbackData, prefix="fb"):
    useful: bool
    id: int


class ResultFeedbackCb(CallbackData, prefix="fr"):
    useful: bool
    s: str  # what the result said, per child (handlers.assess_views.verdict_code): no personal data


def menu_kb(ui: UI) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for action in ("ask", "assess", "list", "qiuzhu"):
        kb.button(text=getattr(ui.buttons, action), callback_data=MenuCb(action=action))
    return kb.adjust(2).as_markup()


def groups_kb(catalog: Catalog) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for group in catalog.groups:
        kb.button(text=f"{group.name} ({len(group.entries)})", callback_data=GroupCb(key=group.key))
    return kb.adjust(2).as_markup()


def group_kb(entries: Iterable[Entry], ui: UI) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for entry in entries:
        kb.button(text=f"{entry.id}. {entry.title}", callback_data=EntryCb(id=entry.id))
    kb.button(text=ui.buttons.back_to_groups, callback_data=GroupsCb())
    return kb.adjust(1).as_markup()


def entry_kb(group: Group, ui: UI, entry_id: int) -> InlineKeyboardMarkup:
    """An entry read from the list: 有用 / 没用 as on every answer, then the way back."""
    kb = InlineKeyboardBuilder()
    kb.button(text=ui.buttons.useful, callback_data=FeedbackCb(useful=True, id=entry_id))
    kb.button(text=ui.buttons.useless, callback_data=FeedbackCb(useful=False, id=entry_id))
    kb.button(text=f"{ui.buttons.back_to_group}{group.name}", callback_data=GroupCb(key=group.key))
    kb.button(text=ui.buttons.back_to_groups, callback_data=GroupsCb())
    return kb.adjust(2, 1).as_markup()


def without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same keyboard less its 有用 / 没用 row: one vote per answer, and the way back stays."""
    prefixes = (FeedbackCb.__prefix__ + ":", ResultFeedbackCb.__prefix__ + ":")
    rows = [
        row
        for row in (markup.inline_keyboard if markup else [])
        if not any((b.callback_data or "").startswith(prefixes) for b in row)
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def feedback_kb(entry_id: int, ui: UI) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=ui.buttons.useful, callback_data=FeedbackCb(useful=True, id=entry_id))
    kb.button(text=ui.buttons.useless, callback_data=FeedbackCb(useful=False, id=entry_id))
    return kb.adjust(2).as_markup()


def pick_kb(entries: Iterable[Entry]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for entry in entries:
        kb.button(text=entry.title, callback_data=PickCb(id=entry.id))
    return kb.adjust(1).as_markup()


def after_unknown_kb(ui: UI) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=ui.buttons.list, callback_data=MenuCb(action="list"))
    kb.button(text=ui.buttons.qiuzhu, callback_data=MenuCb(action="qiuzhu"))
    return kb.adjust(2).as_markup()


def group_of(catalog: Catalog, entry: Entry) -> Group:
    return next(g for g in catalog.groups if entry.id in g.entries)


def find_entry(catalog: Catalog, entry_id: int) -> Entry | None:
    """A callback's id, re-checked: buttons can be forged."""
    return next((e for e in catalog.entries if e.id == entry_id), None)


def find_group(catalog: Catalog, key: str) -> Group | None:
    return next((g for g in catalog.groups if g.key == key), None)


async def show(query: CallbackQuery, bot: Bot, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the pressed message in place (browsing feels like turning pages); send anew if it can't be edited."""
    if isinstance(query.message, Message):
        try:
            await query.message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as err:
            if "not modified" in err.message:  # pressed the same button twice: nothing to change
                return
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await bot.send_message(chat_id, text, reply_markup=markup)
