"""/assess: the self-assessment, one question at a time, asking only what can still change a verdict.

The steps live beside this module: assess_flow (the draft and the screen it shows), assess_steps (answers and
the back button), assess_review (the summary and the result); this one starts the questionnaire and routes.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from checklist.answers import parse_count
from checklist.ui import UI
from handlers import assess_views as v
from handlers.assess_flow import Assessing, Quiz, choose_children, new_draft, on_cancel
from handlers.assess_review import on_change, on_edit, on_result, on_review, on_review_text
from handlers.assess_steps import on_answer, on_back, on_count, on_suggestion, on_text
from handlers.deps import Renderer
from handlers.ui import MenuCb, command


async def begin(chat_id: int, bot: Bot, state: FSMContext, renderer: Renderer, ui: UI) -> None:
    await state.set_state(Assessing.answering)
    await state.set_data({"draft": new_draft()})
    await bot.send_message(chat_id, renderer.html("assess_intro"))
    await bot.send_message(chat_id, renderer.html("assess_children"), reply_markup=v.count_kb(ui))


async def cmd_assess(message: Message, command: CommandObject, **deps: Any) -> None:
    """/assess, or /assess 2个孩子: a count typed after the command answers the first question."""
    quiz = Quiz.of(deps)
    count = parse_count(command.args or "")
    if not count or str(count) not in quiz.ui.assess.children:
        return await begin(message.chat.id, quiz.bot, quiz.state, quiz.renderer, quiz.ui)
    await quiz.state.set_data({})  # a fresh start, as begin() makes
    await message.answer(quiz.renderer.html("assess_intro"))
    await quiz.reply(message, choose_children(new_draft(), count))


async def on_start(query: CallbackQuery, bot: Bot, state: FSMContext, renderer: Renderer, ui: UI) -> None:
    await query.answer()
    await begin(query.from_user.id, bot, state, renderer, ui)


async def on_expired(query: CallbackQuery, renderer: Renderer) -> None:
    await query.answer(renderer.text("assess_expired"), show_alert=True)


def router() -> Router:
    r = Router(name="assess")
    r.message.filter(F.chat.type == "private")
    forms = StateFilter(Assessing.answering, Assessing.reviewing)
    r.message.register(cmd_assess, command("assess"))
    r.message.register(on_cancel, forms, command("cancel"))
    r.message.register(on_text, StateFilter(Assessing.answering), F.text, ~F.text.startswith("/"))
    r.message.register(on_review_text, StateFilter(Assessing.reviewing), F.text, ~F.text.startswith("/"))
    r.callback_query.register(on_start, MenuCb.filter(F.action == "assess"))
    r.callback_query.register(on_start, v.NavCb.filter(F.a == "restart"))
    r.callback_query.register(on_count, StateFilter(Assessing.answering), v.CountCb.filter())
    r.callback_query.register(on_answer, StateFilter(Assessing.answering), v.AnswerCb.filter())
    r.callback_query.register(on_suggestion, StateFilter(Assessing.answering), v.SuggestCb.filter())
    r.callback_query.register(on_back, forms, v.NavCb.filter(F.a == "back"))
    r.callback_query.register(on_cancel, forms, v.NavCb.filter(F.a == "cancel"))
    r.callback_query.register(on_change, StateFilter(Assessing.reviewing), v.NavCb.filter(F.a == "change"))
    r.callback_query.register(on_review, StateFilter(Assessing.reviewing), v.NavCb.filter(F.a == "review"))
    r.callback_query.register(on_result, StateFilter(Assessing.reviewing), v.NavCb.filter(F.a == "result"))
    r.callback_query.register(on_edit, StateFilter(Assessing.reviewing), v.EditCb.filter())
    for cb in (v.AnswerCb, v.CountCb, v.NavCb, v.EditCb, v.SuggestCb):
        r.callback_query.register(on_expired, cb.filter())  # an old questionnaire's button, after it ended
    return r
