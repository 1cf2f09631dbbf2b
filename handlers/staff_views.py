"""What child directors see: callback data (ids only; the ledger re-checks each), keyboards, the ledger's buttons."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from checklist.ui import UI
from handlers.request_views import referral_kb

ACTIONS = ("op", "ac", "vi", "rf", "cl")  # 详情 受理 记录走访 转介 办结
AGREEMENTS = {"f": "ask_family", "c": "director_confirmed", "e": "emergency"}
REF_STEPS = {"rc": "received", "rt": "returned", "dn": "done"}
NEXT_STEPS = {"referred": ("rc", "rt", "dn"), "received": ("rt", "dn")}  # the ledger's REFERRAL_STEPS
OPEN = ("new", "accepted", "visiting", "referred")
CASES_SHOWN = 30  # buttons under /cases; the rest are counted in the text


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


def cases_kb(cases: list[Any]) -> InlineKeyboardMarkup | None:
    buttons = [(c.reference, CaseCb(a="op", id=c.id)) for c in cases[:CASES_SHOWN]]
    return _kb(buttons) if buttons else None


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
