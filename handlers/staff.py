"""Child directors and supervisors: redeem an invite, /cases, and the buttons on a request (受理 记录走访 转介 办结)."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import BotCommand, BotCommandScopeChat, CallbackQuery, Message

from checklist.ui import UI
from handlers import staff_forms
from handlers import staff_views as sv
from handlers.coming import has_desk
from handlers.deps import HelpDesk, Refusal, Renderer
from handlers.refusals import install
from handlers.ui import command, menu_kb, show, start_command


async def redeem(message: Message, code: str, bot: Bot, desk: HelpDesk, renderer: Renderer, ui: UI) -> None:
    """Bind this Telegram account to the invite's area; a used, expired or unknown code is refused (audited)."""
    user = message.from_user
    assert user is not None
    staff = await desk.redeem_invite(code, user.id, message.chat.id, user.full_name)
    commands = [*ui.commands.model_dump().items(), *ui.staff_commands.model_dump().items()]
    scope = BotCommandScopeChat(chat_id=message.chat.id)
    await bot.set_my_commands([BotCommand(command=c, description=d) for c, d in commands], scope=scope)
    await message.answer(renderer.html("staff_joined", staff=staff, labels=desk.labels))


async def cmd_start_code(message: Message, command: CommandObject, **deps: Any) -> None:
    """/start CODE: the deep link t.me/<bot>?start=CODE an operator hands out.

    A payload that is no invite at all (a poster's campaign tag, a link cut short) is a family opening the bot:
    they get the welcome, not an invite error. The ledger has still seen (and audited) the attempt.
    """
    try:
        await redeem(message, command.args or "", deps["bot"], deps["desk"], deps["renderer"], deps["ui"])
    except Refusal as refusal:
        if (refusal.code, refusal.reason) != ("invite_invalid", "unknown"):
            raise
        await message.answer(deps["renderer"].html("start"), reply_markup=menu_kb(deps["ui"]))


async def cmd_join(message: Message, command: CommandObject, renderer: Renderer, **deps: Any) -> None:
    if not command.args:
        return await message.answer(renderer.html("staff_join_how"))
    await redeem(message, command.args, deps["bot"], deps["desk"], renderer, deps["ui"])


async def cases_page(actor: int, page: int, desk: HelpDesk, renderer: Renderer, ui: UI) -> dict[str, Any]:
    """One page of the area's open entries, urgent first: the text and its buttons."""
    cases = await desk.list_cases(actor)
    shown, page, count = sv.pages(cases, page)
    view = {"cases": shown, "total": len(cases), "page": page + 1, "pages": count, "first": page * sv.CASES_PAGE}
    text = renderer.html("staff_cases", **view, labels=desk.labels, when=desk.when)
    return {"text": text, "reply_markup": sv.cases_kb(shown, page, count, ui)}


async def cmd_cases(message: Message, desk: HelpDesk, renderer: Renderer, ui: UI) -> None:
    assert message.from_user is not None
    await message.answer(**await cases_page(message.from_user.id, 0, desk, renderer, ui))


async def on_cases_page(query: CallbackQuery, callback_data: sv.PageCb, bot: Bot, **deps: Any) -> None:
    """上一页 / 下一页: the list is read again (with the presser's own id), so it is never stale or another area's."""
    page = await cases_page(query.from_user.id, callback_data.p, deps["desk"], deps["renderer"], deps["ui"])
    await query.answer()
    await show(query, bot, page["text"], page["reply_markup"])


async def on_case(query: CallbackQuery, callback_data: sv.CaseCb, bot: Bot, state: FSMContext, **deps: Any) -> None:
    """Every press goes through the ledger with the presser's own id: forged ids are refused there and audited."""
    desk: HelpDesk = deps["desk"]
    actor, case_id, action = query.from_user.id, callback_data.id, callback_data.a
    if action not in sv.ACTIONS:
        return await query.answer(deps["renderer"].text("not_found"), show_alert=True)
    detail = await (desk.accept(actor, case_id) if action == "ac" else desk.open_case(actor, case_id))
    await query.answer()
    if action in ("op", "ac"):
        return await staff_forms.show_case(actor, detail, "accepted" if action == "ac" else None, bot=bot, **deps)
    await staff_forms.begin(action, query, detail, state, {**deps, "bot": bot})


def router() -> Router:
    r = Router(name="staff")
    r.message.filter(F.chat.type == "private", has_desk)
    r.callback_query.filter(F.message.chat.type == "private", has_desk)  # groups: commands only
    r.message.register(cmd_start_code, start_command(deep_link=True))
    r.message.register(cmd_join, command("join"))
    r.message.register(cmd_cases, command("cases"))
    r.callback_query.register(on_case, sv.CaseCb.filter())
    r.callback_query.register(on_cases_page, sv.PageCb.filter())
    staff_forms.register(r)
    return install(r)
