"""A family's own requests: /mine, their yes/no to a referral, /forget (with a confirm step)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from checklist.ui import UI
from handlers import request_views as v
from handlers.coming import has_desk
from handlers.deps import HelpDesk, Renderer
from handlers.refusals import install
from handlers.request_steps import replace_buttons
from handlers.ui import command


async def cmd_mine(message: Message, desk: HelpDesk, renderer: Renderer, ui: UI) -> None:
    assert message.from_user is not None
    cases = await desk.my_cases(message.from_user.id)
    await message.answer(renderer.html("help_mine", cases=cases, labels=desk.labels, when=desk.when))
    for case in cases:  # each referral waiting for the family's answer, with its own buttons
        for referral_id in case.pending_agreements:
            text = renderer.html("help_mine_pending", reference=case.reference)
            await message.answer(text, reply_markup=v.referral_kb(referral_id, ui))


async def on_referral_answer(query: CallbackQuery, callback_data: v.HrCb, desk: HelpDesk, renderer: Renderer) -> None:
    """The ledger checks the referral is this family's own; the director and the family are told by it."""
    await desk.answer_referral(query.from_user.id, callback_data.id, callback_data.y)
    await query.answer(renderer.text("help_referral_answered", agree=callback_data.y))
    await replace_buttons(query)


async def cmd_forget(message: Message, renderer: Renderer, ui: UI) -> None:
    await message.answer(renderer.html("help_forget_confirm"), reply_markup=v.forget_kb(ui))


async def on_forget(
    query: CallbackQuery, callback_data: v.HfCb, bot: Bot, state: FSMContext, desk: HelpDesk, renderer: Renderer
) -> None:
    await query.answer()
    await replace_buttons(query)
    if not callback_data.y:
        return await bot.send_message(query.from_user.id, renderer.html("help_forget_kept"))
    report = await desk.forget(query.from_user.id)
    await state.clear()
    await bot.send_message(query.from_user.id, renderer.html("ledger_forgotten", report=report))


def router() -> Router:
    r = Router(name="family")
    r.message.filter(F.chat.type == "private", has_desk)
    r.callback_query.filter(F.message.chat.type == "private", has_desk)  # groups: commands only
    r.message.register(cmd_mine, command("mine"))
    r.message.register(cmd_forget, command("forget"))
    r.callback_query.register(on_referral_answer, v.HrCb.filter())
    r.callback_query.register(on_forget, v.HfCb.filter())
    return install(r)
