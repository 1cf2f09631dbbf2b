"""/assess: the self-assessment, one question at a time, asking only what can still change a verdict.

One FSM state and a pointer in the FSM data (as aiogram's quiz_scene does): the data is the JSON profile of
`tongxing assess` being filled in, so the chat and the command line reach the same verdicts by construction.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from checklist.answers import is_cancel, parse_count
from checklist.content import Catalog
from checklist.eligibility import assess
from checklist.places import Gazetteer
from checklist.profile import parse_profile
from checklist.questionnaire import answer_of, next_question, set_answer
from checklist.report import result_view
from checklist.ui import UI
from handlers import assess_views as v
from handlers.assess_answers import TypedAnswer, parse_typed, review_lines
from handlers.deps import Renderer
from handlers.feedback import result_feedback_kb
from handlers.ui import MenuCb, command, show

CHILDREN = "children"  # the pointer while asking how many children


class Assessing(StatesGroup):
    answering = State()
    reviewing = State()


def new_draft() -> dict[str, Any]:
    return {
        "profile": {"children": [{}]},
        "skipped": [],
        "opened": [],
        "history": [],
        "asking": CHILDREN,
        "suggest": [],
    }


async def screen(
    draft: dict[str, Any],
    state: FSMContext,
    catalog: Catalog,
    places: Gazetteer,
    renderer: Renderer,
    ui: UI,
    move: bool = True,
) -> tuple[str, Any]:
    """Move the pointer to the next question (or the summary) unless told to stay; save; return what to show."""
    draft["suggest"] = []
    if move and draft["asking"] != CHILDREN:
        question = next_question(catalog, places, draft["profile"], draft["skipped"], draft["opened"])
        draft["asking"] = question.key if question else None
    await state.update_data(draft=draft)
    if draft["asking"] == CHILDREN:
        return renderer.html("assess_children"), v.count_kb(ui)
    if draft["asking"] is None:
        await state.set_state(Assessing.reviewing)
        family, children = review_lines(catalog, ui, draft)
        return renderer.html("assess_review", family=family, children=children), v.review_kb(ui)
    await state.set_state(Assessing.answering)
    c, name = v.split_key(draft["asking"])
    group = v.group_of_key(catalog, draft["asking"])
    fact = catalog.fact(name) if group is None else None
    child = draft["profile"]["children"][c] if c != v.FAMILY else None
    title = None
    if child is not None and len(draft["profile"]["children"]) > 1:
        template = ui.assess.child_title_age if "age" in child else ui.assess.child_title
        title = template.format(n=c + 1, age=child.get("age"))
    question = group[1].question if group else fact.question  # type: ignore[union-attr]
    hint = ui.assess.hints.get(fact.type) if fact else None
    text = renderer.html("assess_question", child_label=title, question=question, hint=hint)
    return text, v.question_kb(catalog, ui, draft["asking"], first=False)


async def begin(chat_id: int, bot: Bot, state: FSMContext, renderer: Renderer, ui: UI) -> None:
    await state.set_state(Assessing.answering)
    await state.set_data({"draft": new_draft()})
    await bot.send_message(chat_id, renderer.html("assess_intro"))
    await bot.send_message(chat_id, renderer.html("assess_children"), reply_markup=v.count_kb(ui))


async def cmd_assess(
    message: Message,
    command: CommandObject,
    bot: Bot,
    state: FSMContext,
    catalog: Catalog,
    places: Gazetteer,
    renderer: Renderer,
    ui: UI,
) -> None:
    """/assess, or /assess 2个孩子: a count typed after the command answers the first question."""
    count = parse_count(command.args or "")
    if not count or str(count) not in ui.assess.children:
        return await begin(message.chat.id, bot, state, renderer, ui)
    await state.set_data({})  # a fresh start, as begin() makes
    draft = choose_children(new_draft(), count)
    await message.answer(renderer.html("assess_intro"))
    text, markup = await screen(draft, state, catalog, places, renderer, ui)
    await message.answer(text, reply_markup=markup)


def choose_children(draft: dict[str, Any], count: int) -> dict[str, Any]:
    draft["profile"]["children"] = [{} for _ in range(count)]
    draft["asking"], draft["history"] = None, [CHILDREN]
    return draft


async def on_start(query: CallbackQuery, bot: Bot, state: FSMContext, renderer: Renderer, ui: UI) -> None:
    await query.answer()
    await begin(query.from_user.id, bot, state, renderer, ui)


async def open_draft(query: CallbackQuery, state: FSMContext, renderer: Renderer) -> dict[str, Any] | None:
    """The questionnaire in progress, with the button answered; or None, said kindly, when it has ended."""
    draft = (await state.get_data()).get("draft")
    if draft:
        await query.answer()
    else:
        await query.answer(renderer.text("assess_expired"), show_alert=True)
    return draft


def record(catalog: Catalog, draft: dict[str, Any], key: str, value: Any) -> None:
    """Keep an answer (None = "don't know") and remember the order, so the back button can undo it.

    A screening question's "none" answers each of its facts with no; "some" opens them one by one.
    """
    found = v.group_of_key(catalog, key)
    members = [v.key_of(v.split_key(key)[0], f) for f in found[1].facts] if found else []
    if found and value == "none":
        for member in members:
            if answer_of(draft["profile"], member) is None:
                set_answer(draft["profile"], member, False)
    elif not found:
        set_answer(draft["profile"], key, value)
    unknown = [key, *members] if value is None else []
    draft["skipped"] = [k for k in draft["skipped"] if k != key] + unknown
    draft["opened"] = [k for k in draft["opened"] if k != key] + ([key] if value == "some" else [])
    draft["history"] = [k for k in draft["history"] if k != key] + [key]


def forget(catalog: Catalog, draft: dict[str, Any], key: str) -> None:
    """Undo an answer (the back button): a screening question takes its facts' answers with it."""
    found = v.group_of_key(catalog, key)
    keys = [key, *(v.key_of(v.split_key(key)[0], f) for f in found[1].facts)] if found else [key]
    for k in keys:
        if not v.group_of_key(catalog, k):
            set_answer(draft["profile"], k, None)
    draft["skipped"] = [k for k in draft["skipped"] if k not in keys]
    draft["opened"] = [k for k in draft["opened"] if k not in keys]


async def on_count(
    query: CallbackQuery,
    callback_data: v.CountCb,
    bot: Bot,
    state: FSMContext,
    catalog: Catalog,
    places: Gazetteer,
    renderer: Renderer,
    ui: UI,
) -> None:
    draft = (await state.get_data()).get("draft")
    if not draft or draft["asking"] != CHILDREN or str(callback_data.n) not in ui.assess.children:
        return await query.answer(renderer.text("assess_stale"))
    await query.answer()
    choose_children(draft, callback_data.n)
    await show(query, bot, *await screen(draft, state, catalog, places, renderer, ui))


async def on_answer(
    query: CallbackQuery,
    callback_data: v.AnswerCb,
    bot: Bot,
    state: FSMContext,
    catalog: Catalog,
    places: Gazetteer,
    renderer: Renderer,
    ui: UI,
) -> None:
    draft = (await state.get_data()).get("draft")
    key = v.key_from(catalog, callback_data.c, callback_data.f)
    allowed = {code for code, _ in v.choices_of(catalog, ui, key)} if key else set()
    if not draft or key != draft["asking"] or callback_data.v not in allowed | {"?"}:
        return await query.answer(renderer.text("assess_stale"))  # an old or forged button: re-checked here
    await query.answer()
    record(catalog, draft, key, None if callback_data.v == "?" else v.decode(catalog, key, callback_data.v))
    await show(query, bot, *await screen(draft, state, catalog, places, renderer, ui))


async def on_suggestion(
    query: CallbackQuery,
    callback_data: v.SuggestCb,
    bot: Bot,
    state: FSMContext,
    catalog: Catalog,
    places: Gazetteer,
    renderer: Renderer,
    ui: UI,
) -> None:
    draft = (await state.get_data()).get("draft")
    suggestions = (draft or {}).get("suggest", [])
    if not draft or not 0 <= callback_data.i < len(suggestions):
        return await query.answer(renderer.text("assess_stale"))
    await query.answer()
    record(catalog, draft, draft["asking"], suggestions[callback_data.i])
    await show(query, bot, *await screen(draft, state, catalog, places, renderer, ui))


async def on_text(
    message: Message, state: FSMContext, catalog: Catalog, places: Gazetteer, renderer: Renderer, ui: UI
) -> None:
    draft = (await state.get_data()).get("draft") or new_draft()
    if is_cancel(message.text or ""):
        return await on_cancel(message, state, renderer)
    typed: TypedAnswer = parse_typed(catalog, places, draft, message.text or "", ui)
    if typed.children:
        text, markup = await screen(choose_children(draft, typed.children), state, catalog, places, renderer, ui)
        return await message.answer(text, reply_markup=markup)
    if typed.reply is not None:  # not an answer yet: say why, offer choices, keep the question open
        await state.update_data(draft={**draft, "suggest": typed.suggestions})
        return await message.answer(renderer.html(typed.reply, **typed.context), reply_markup=typed.markup)
    record(catalog, draft, draft["asking"], typed.value)
    text, markup = await screen(draft, state, catalog, places, renderer, ui)
    await message.answer(text, reply_markup=markup)


async def on_review_text(message: Message, state: FSMContext, renderer: Renderer, ui: UI) -> None:
    """Typed on the summary: 取消 cancels; anything else gets the summary's buttons again (nothing changes)."""
    if is_cancel(message.text or ""):
        return await on_cancel(message, state, renderer)
    await message.answer(renderer.html("assess_not_understood", typed=""), reply_markup=v.review_kb(ui))


async def on_back(
    query: CallbackQuery, bot: Bot, state: FSMContext, catalog: Catalog, places: Gazetteer, renderer: Renderer, ui: UI
) -> None:
    """The back button: forget the last answer and ask that question again."""
    if not (draft := await open_draft(query, state, renderer)):
        return
    key = draft["history"].pop() if draft["history"] else CHILDREN
    if key != CHILDREN:
        forget(catalog, draft, key)
    draft["asking"] = key
    await show(query, bot, *await screen(draft, state, catalog, places, renderer, ui, move=False))


async def on_cancel(event: CallbackQuery | Message, state: FSMContext, renderer: Renderer) -> None:
    await state.clear()
    if isinstance(event, CallbackQuery):
        await event.answer()
        event = event.message  # type: ignore[assignment]
    if isinstance(event, Message):
        await event.answer(renderer.html("assess_cancelled"))


async def on_change(
    query: CallbackQuery, bot: Bot, state: FSMContext, catalog: Catalog, renderer: Renderer, ui: UI
) -> None:
    if not (draft := await open_draft(query, state, renderer)):
        return
    family, children = review_lines(catalog, ui, draft)
    line = ui.assess.change_line
    lines = [(ln["key"], line.format(who="", **ln)) for ln in family]
    lines += [(ln["key"], line.format(who=child["title"], **ln)) for child in children for ln in child["lines"]]
    await show(query, bot, renderer.html("assess_change"), v.change_kb(catalog, ui, lines))


async def on_edit(
    query: CallbackQuery,
    callback_data: v.EditCb,
    bot: Bot,
    state: FSMContext,
    catalog: Catalog,
    places: Gazetteer,
    renderer: Renderer,
    ui: UI,
) -> None:
    draft = (await state.get_data()).get("draft")
    key = v.key_from(catalog, callback_data.c, callback_data.f)
    if not draft or key is None or (answer_of(draft["profile"], key) is None and key not in draft["skipped"]):
        return await query.answer(renderer.text("assess_stale"))
    await query.answer()
    draft["asking"] = key
    await show(query, bot, *await screen(draft, state, catalog, places, renderer, ui, move=False))


async def on_review(
    query: CallbackQuery, bot: Bot, state: FSMContext, catalog: Catalog, places: Gazetteer, renderer: Renderer, ui: UI
) -> None:
    if not (draft := await open_draft(query, state, renderer)):
        return
    await show(query, bot, *await screen(draft, state, catalog, places, renderer, ui))


async def on_result(
    query: CallbackQuery, bot: Bot, state: FSMContext, catalog: Catalog, places: Gazetteer, renderer: Renderer, ui: UI
) -> None:
    """The result: one message the parent can forward, then entry buttons; the answers are not kept.

    The answers go before anything is sent: a second fast press of 看结果 finds the questionnaire over.
    """
    draft = (await state.get_data()).get("draft")
    await state.clear()
    if not draft:
        return await query.answer(renderer.text("assess_expired"), show_alert=True)
    await query.answer()
    profile = parse_profile(draft["profile"], places)
    children = assess(catalog, profile)
    chat_id = query.message.chat.id if query.message else query.from_user.id
    parts = v.split_message(renderer.html("assess_result", **result_view(catalog, profile, children, False)))
    for i, text in enumerate(parts):  # 有用 / 没用 under the last part, where the parent finishes reading
        markup = result_feedback_kb(ui, children) if i == len(parts) - 1 else None
        await bot.send_message(chat_id, text, reply_markup=markup)
    ids = sorted({r.id for c in children for r in c.entries if r.verdict != "not_applicable"})
    await bot.send_message(chat_id, renderer.html("assess_result_more"), reply_markup=v.result_kb(catalog, ui, ids))


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
