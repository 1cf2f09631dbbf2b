"""The self-assessment's draft in the FSM data: answers kept and undone, and the screen the pointer shows.

One FSM state and a pointer in the FSM data (as aiogram's quiz_scene does): the data is the JSON profile of
`tongxing assess` being filled in, so the chat and the command line reach the same verdicts by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from checklist.content import Catalog
from checklist.places import Gazetteer
from checklist.questionnaire import answer_of, next_question, set_answer
from checklist.ui import UI
from handlers import assess_views as v
from handlers.assess_answers import review_lines
from handlers.deps import Renderer
from handlers.ui import show

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


def choose_children(draft: dict[str, Any], count: int) -> dict[str, Any]:
    draft["profile"]["children"] = [{} for _ in range(count)]
    draft["asking"], draft["history"] = None, [CHILDREN]
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


@dataclass
class Quiz:
    """One family's self-assessment: its FSM context and the services a step needs (from aiogram's DI data)."""

    state: FSMContext
    bot: Bot
    catalog: Catalog
    places: Gazetteer
    renderer: Renderer
    ui: UI

    @classmethod
    def of(cls, deps: dict[str, Any]) -> Quiz:
        return cls(**{n: deps[n] for n in ("state", "bot", "catalog", "places", "renderer", "ui")})

    async def draft(self) -> dict[str, Any] | None:
        return (await self.state.get_data()).get("draft")

    async def opened(self, query: CallbackQuery) -> dict[str, Any] | None:
        """The questionnaire in progress; or None, said kindly on the button, when it has ended."""
        draft = await self.draft()
        if not draft:
            await query.answer(self.renderer.text("assess_expired"), show_alert=True)
        return draft

    async def stale(self, query: CallbackQuery) -> None:
        """An old or forged button (every callback is re-checked here): nothing changes."""
        await query.answer(self.renderer.text("assess_stale"))

    async def screen(self, draft: dict[str, Any], move: bool = True) -> tuple[str, Any]:
        """Move the pointer to the next question (or the summary) unless told to stay; save; return what to show."""
        catalog, renderer, ui = self.catalog, self.renderer, self.ui
        draft["suggest"] = []
        if move and draft["asking"] != CHILDREN:
            question = next_question(catalog, self.places, draft["profile"], draft["skipped"], draft["opened"])
            draft["asking"] = question.key if question else None
        await self.state.update_data(draft=draft)
        if draft["asking"] == CHILDREN:
            return renderer.html("assess_children"), v.count_kb(ui)
        if draft["asking"] is None:
            await self.state.set_state(Assessing.reviewing)
            family, children = review_lines(catalog, ui, draft)
            return renderer.html("assess_review", family=family, children=children), v.review_kb(ui)
        await self.state.set_state(Assessing.answering)
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

    async def turn(self, query: CallbackQuery, draft: dict[str, Any], move: bool = True) -> None:
        """A button taken: answer it, then the pressed message becomes the next screen."""
        await query.answer()
        await show(query, self.bot, *await self.screen(draft, move))

    async def reply(self, message: Message, draft: dict[str, Any]) -> None:
        """An answer typed: the next screen as a new message."""
        text, markup = await self.screen(draft)
        await message.answer(text, reply_markup=markup)


async def on_cancel(event: CallbackQuery | Message, state: FSMContext, renderer: Renderer) -> None:
    await state.clear()
    if isinstance(event, CallbackQuery):
        await event.answer()
        event = event.message  # type: ignore[assignment]
    if isinstance(event, Message):
        await event.answer(renderer.html("assess_cancelled"))
