"""What child directors see: callback data (ids only; the ledger re-checks each), keyboards, the ledger's buttons."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from checklist.ui import UI
from handlers.request_views import referral_kb

ACTIONS = ("op", "ac", "vi", "rf", "cl")  # 详情 受理 记录走访 转介 办结
AGREEMENTS = {"f": "ask_family", "c": "director_confirmed", "e": "emergency"}
REF_STEPS = {"rc": "received", "rt": "returned", "dn": "done"}
NEXT_STEPS = {"referred": ("rc", "rt", "dn"), "received": ("rt", "dn")}  # the ledger's REFERRAL_STEPS
OPEN = ("new", "accepted", "visiting", "referred")
CASES_PAGE = 10  # entries per /cases message: a long list would pass Telegram's 4,096 characters


class StaffForm(StatesGroup):
    """A director's form in progress; which entry it is about lives in the FSM data under "staff"."""

    visit_note = State()
    visit_next = State()
    share = State()
    close_note = State()
    return_reason = State()


class CaseCb(CallbackData, prefix="sc"):
    a: str  # one of ACTIONS
    id: int  # the entry: the ledger checks it lies in the presser's area


class DeptCb(CallbackData, prefix="sd"):
    id: int
    d: int  # index into CaseDetail.departments, read again from the ledger when pressed


class HowCb(CallbackData, prefix="sg"):
    id: int
    d: int
    a: str  # a key of AGREEMENTS


class RefStepCb(CallbackData, prefix="ss"):
    id: int  # the referral
    s: str  # a key of REF_STEPS


class PageCb(CallbackData, prefix="sp"):
    p: int  # the /cases page, counted from 0; the list is read again from the ledger when pressed


class FormCb(CallbackData, prefix="sf"):
    a: str  # skip | cancel | days
    v: int = 0


def _kb(buttons: Iterable[tuple[str, CallbackData]], width: int = 2) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for text, data in buttons:
        kb.button(text=text, callback_data=data)
    return kb.adjust(width).as_markup()


def action_buttons(ui: UI, case_id: int, actions: Iterable[str]) -> list[tuple[str, CallbackData]]:
    s = ui.staff
    labels = {"op": s.open, "ac": s.accept, "vi": s.visit, "rf": s.refer, "cl": s.close}
    return [(labels[a], CaseCb(a=a, id=case_id)) for a in actions]


def case_kb(ui: UI, detail: Any) -> InlineKeyboardMarkup | None:
    """The steps the entry's status allows, and each open referral's next steps."""
    status = str(detail.status)
    actions = ("ac", "cl") if status == "new" else ("vi", "rf", "cl") if status in OPEN else ()
    buttons = action_buttons(ui, detail.id, actions)
    for referral in detail.referrals:
        for step in NEXT_STEPS.get(str(referral.status), ()):
            label = ui.staff.ref_button.format(
                department=referral.department, step=getattr(ui.staff.ref_status, REF_STEPS[step])
            )
            buttons.append((label, RefStepCb(id=referral.id, s=step)))
    return _kb(buttons) if buttons else None


def pages(cases: list[Any], page: int) -> tuple[list[Any], int, int]:
    """The entries of one /cases page, the page shown (clamped: the list may have shrunk) and the page count."""
    count = max(1, -(-len(cases) // CASES_PAGE))
    page = min(max(page, 0), count - 1)
    return cases[page * CASES_PAGE : (page + 1) * CASES_PAGE], page, count


def cases_kb(shown: list[Any], page: int, count: int, ui: UI) -> InlineKeyboardMarkup | None:
    kb = InlineKeyboardBuilder()
    for c in shown:
        kb.button(text=c.reference, callback_data=CaseCb(a="op", id=c.id))
    kb.adjust(2)
    turns = [(ui.staff.prev_page, page - 1)] if page > 0 else []
    turns += [(ui.staff.next_page, page + 1)] if page + 1 < count else []
    if turns:
        kb.row(*(InlineKeyboardButton(text=t, callback_data=PageCb(p=p).pack()) for t, p in turns))
    return kb.as_markup() if shown else None


def departments_kb(case_id: int, departments: Iterable[str], ui: UI) -> InlineKeyboardMarkup:
    picks = [(name, DeptCb(id=case_id, d=i)) for i, name in enumerate(departments)]
    return _kb([*picks, (ui.staff.cancel, FormCb(a="cancel"))], 1)


def agreement_kb(case_id: int, dept: int, urgent: bool, ui: UI) -> InlineKeyboardMarkup:
    ways = [k for k in AGREEMENTS if k != "e" or urgent]  # no agreement needed only in an emergency
    picks = [(getattr(ui.staff.agreement, AGREEMENTS[k]), HowCb(id=case_id, d=dept, a=k)) for k in ways]
    return _kb([*picks, (ui.staff.cancel, FormCb(a="cancel"))], 1)


def skip_kb(label: str, ui: UI) -> InlineKeyboardMarkup:
    return _kb([(label, FormCb(a="skip")), (ui.staff.cancel, FormCb(a="cancel"))])


def next_visit_kb(ui: UI) -> InlineKeyboardMarkup:
    days = [(label, FormCb(a="days", v=int(n))) for n, label in ui.staff.next_in.items()]
    return _kb([*days, (ui.staff.cancel, FormCb(a="cancel"))], 3)


class LedgerButtons:
    """bot.ledger.core.Buttons: the keyboards the ledger stores with its notifications, as plain dicts."""

    def __init__(self, ui: UI) -> None:
        self.ui = ui

    def staff_case(self, case_id: int, reference: str) -> dict[str, Any] | None:
        return _kb(action_buttons(self.ui, case_id, ACTIONS)).model_dump(exclude_none=True)

    def referral_question(self, referral_id: int, reference: str) -> dict[str, Any] | None:
        return referral_kb(referral_id, self.ui).model_dump(exclude_none=True)
