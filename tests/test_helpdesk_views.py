"""The help-request keyboards: every callback fits Telegram's 64 bytes with the largest values it can carry, and
the notices the ledger stores carry the buttons a director and a family press."""

from __future__ import annotations

import pytest
from aiogram.filters.callback_data import CallbackData

from checklist.content import load_catalog
from checklist.ui import load_ui
from handlers import request_views as rv
from handlers import staff_views as sv

BIG = 2**63 - 1  # ids are database integers: the widest a BIGINT can be


def largest() -> list[CallbackData]:
    keys = [c.key for c in load_catalog().risk.criteria] + [rv.DANGER]
    longest_key = max(keys, key=len)
    return [
        rv.HqCb(s="contact", v=f"{longest_key}.?"),
        rv.HqCb(s="grp", v=max((g.key for g in load_catalog().groups), key=len)),
        rv.HaCb(id=BIG),
        rv.HuCb(),
        rv.HrCb(id=BIG, y=False),
        rv.HfCb(y=True),
        sv.CaseCb(a="op", id=BIG),
        sv.DeptCb(id=BIG, d=999),
        sv.HowCb(id=BIG, d=999, a="c"),
        sv.RefStepCb(id=BIG, s="rt"),
        sv.FormCb(a="cancel", v=365),
    ]


@pytest.mark.parametrize("data", largest(), ids=lambda d: type(d).__name__)
def test_callback_data_fits_in_64_bytes(data: CallbackData) -> None:
    assert len(data.pack().encode()) <= 64


def test_the_ledgers_notices_carry_the_directors_and_the_familys_buttons() -> None:
    buttons = sv.LedgerButtons(load_ui())
    staff = buttons.staff_case(12, "CQ-2026-000012")
    assert staff is not None
    labels = [b["text"] for row in staff["inline_keyboard"] for b in row]
    assert labels == ["📄 详情", "✅ 受理", "🏠 记录走访", "↪ 转介", "☑ 办结"]
    assert {b["callback_data"] for row in staff["inline_keyboard"] for b in row} == {f"sc:{a}:12" for a in sv.ACTIONS}
    family = buttons.referral_question(7, "CQ-2026-000012")
    assert family is not None
    assert [b["callback_data"] for b in family["inline_keyboard"][0]] == ["hr:7:1", "hr:7:0"]
