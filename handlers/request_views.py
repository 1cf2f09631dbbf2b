"""What a family's help request shows: callback data, keyboards, and the order of its questions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from checklist.content import Catalog, Entry
from checklist.ui import UI

CONTACTS = ("telegram", "phone", "other")
RISK_ANSWERS = {"1": True, "0": False, "?": None}  # 是 / 不是 / 不想说
DANGER = "danger"  # the last risk question: is the child in danger now (urgent path)
FEW_PLACES = 8  # below a 区县 or 乡镇, up to this many areas are listed as buttons when a name is not found
UNSURE = 0  # a 乡镇/街道 or 村/社区 the family does not know: the request goes to the nearest level known


class Requesting(StatesGroup):
    """Which input the request waits for; what is already answered lives in the FSM data under "req"."""

    reading = State()  # the short rules
    consenting = State()  # the separate consent for the child's information
    need = State()
    child = State()
    risk = State()
    danger = State()
    district = State()
    township = State()
    village = State()
    contact = State()
    contact_value = State()
    confirm = State()


# Short ASCII prefixes keep every callback under 64 bytes; every value is re-checked against the FSM state.
class HqCb(CallbackData, prefix="hq"):
    s: str  # the step the button belongs to
    v: str = ""


class HaCb(CallbackData, prefix="ha"):
    id: int  # an area id: re-checked to lie below the area chosen before


class HuCb(CallbackData, prefix="hu"):
    pass  # "tell the child director now": the urgent filing path


class HrCb(CallbackData, prefix="hr"):
    id: int  # a referral waiting for the family's answer (the ledger checks it is theirs)
    y: bool


class HfCb(CallbackData, prefix="hf"):
    y: bool  # /forget confirmed or not


def _kb(buttons: Iterable[tuple[str, CallbackData]], width: int = 1) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for text, data in buttons:
        kb.button(text=text, callback_data=data)
    return kb.adjust(width).as_markup()


def notice_kb(ui: UI) -> InlineKeyboardMarkup:
    r = ui.request
    return _kb([(r.go_on, HqCb(s="go")), (r.read_full, HqCb(s="full")), (r.cancel, HqCb(s="no"))])


def consent_kb(ui: UI) -> InlineKeyboardMarkup:
    return _kb([(ui.request.agree, HqCb(s="yes")), (ui.request.disagree, HqCb(s="no"))], 2)


def need_kb(ui: UI) -> InlineKeyboardMarkup:
    return _kb([(ui.request.by_group, HqCb(s="groups")), (ui.request.cancel, HqCb(s="no"))])


def matches_kb(entries: Iterable[Entry], ui: UI) -> InlineKeyboardMarkup:
    picks = [(f"{e.id}. {e.title}", HqCb(s="ent", v=str(e.id))) for e in entries]
    return _kb([*picks, (ui.request.not_this, HqCb(s="text")), (ui.request.by_group, HqCb(s="groups"))])


def groups_kb(catalog: Catalog, ui: UI) -> InlineKeyboardMarkup:
    groups = [(g.name, HqCb(s="grp", v=g.key)) for g in catalog.groups]
    return _kb([*groups, (ui.request.cancel, HqCb(s="no"))], 2)


def group_kb(entries: Iterable[Entry], ui: UI) -> InlineKeyboardMarkup:
    picks = [(f"{e.id}. {e.title}", HqCb(s="ent", v=str(e.id))) for e in entries]
    return _kb([*picks, (ui.request.back, HqCb(s="groups"))])


def skip_kb(ui: UI, step: str) -> InlineKeyboardMarkup:
    return _kb([(ui.request.skip, HqCb(s=step))])


def risk_kb(ui: UI, key: str) -> InlineKeyboardMarkup:
    """是 / 不是 / 不想说 for one risk question (`key`, or DANGER), so a stale button answers nothing else."""
    r = ui.request
    yes, no = (r.danger_yes, r.danger_no) if key == DANGER else (r.yes, r.no)
    answers = [(yes, "1"), (no, "0"), (r.no_say, "?")]
    return _kb([(label, HqCb(s="risk", v=f"{key}.{code}")) for label, code in answers], 3)


def places_kb(areas: Iterable[Any], ui: UI, unsure: bool = True) -> InlineKeyboardMarkup:
    picks = [(a.name, HaCb(id=a.id)) for a in areas]
    return _kb([*picks, *([(ui.request.unsure, HqCb(s="unsure"))] if unsure else [])], 2)


def contact_kb(ui: UI) -> InlineKeyboardMarkup:
    return _kb([(getattr(ui.request.contact, k), HqCb(s="contact", v=k)) for k in CONTACTS])


def confirm_kb(ui: UI) -> InlineKeyboardMarkup:
    r = ui.request
    return _kb([(r.confirm, HqCb(s="confirm")), (r.restart, HqCb(s="restart")), (r.cancel, HqCb(s="no"))])


def urgent_kb(ui: UI) -> InlineKeyboardMarkup:
    return _kb([(ui.request.urgent, HuCb())])


def referral_kb(referral_id: int, ui: UI) -> InlineKeyboardMarkup:
    r = ui.request
    return _kb([(r.referral_yes, HrCb(id=referral_id, y=True)), (r.referral_no, HrCb(id=referral_id, y=False))], 2)


def forget_kb(ui: UI) -> InlineKeyboardMarkup:
    return _kb([(ui.request.forget_yes, HfCb(y=True)), (ui.request.forget_no, HfCb(y=False))], 2)


def next_step(form: dict[str, Any], risk_keys: list[str]) -> str:
    """The first question not yet answered (urgent requests need only the place); "confirm" when all are."""
    place = _place_step(form)
    if form.get("urgent"):
        return place or "file_urgent"
    if not form.get("need_done"):
        return "need"
    if not form.get("child_done"):
        return "child"
    if any(k not in form.get("risk", {}) for k in risk_keys):
        return "risk"
    if DANGER not in form:
        return "danger"
    if place:
        return place
    if "contact_kind" not in form:
        return "contact"
    return "confirm"


def _place_step(form: dict[str, Any]) -> str | None:
    for level in ("district", "township", "village"):
        if level not in form:
            return level
    return None


def area_of(form: dict[str, Any]) -> int | None:
    """The most precise area the family gave (a 不清楚 level falls back to the one above)."""
    for level in ("village", "township", "district"):
        if form.get(level):
            return int(form[level])
    return None
