"""What the self-assessment shows: callback data, keyboards, and answers as a family reads them."""

from __future__ import annotations

from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from checklist.content import Catalog, FactDef, FactGroup
from checklist.ui import UI
from handlers.ui import EntryCb

FAMILY = -1  # the `c` of a family-level question
AGES = [str(a) for a in range(18)]


class AnswerCb(CallbackData, prefix="aa"):
    c: int  # child index, or FAMILY
    f: int  # the fact's index in content/facts.yaml
    v: str  # the answer's code; "?" is "don't know"


class CountCb(CallbackData, prefix="ac"):
    n: int


class NavCb(CallbackData, prefix="an"):
    a: str  # back | cancel | change | result | review | restart


class EditCb(CallbackData, prefix="ae"):
    c: int
    f: int


class SuggestCb(CallbackData, prefix="as"):
    i: int  # index into the suggestions kept in the draft


def key_of(c: int, fact: str) -> str:
    """The draft's name of a question, as checklist.questionnaire.Question.key spells it."""
    return f"family:{fact}" if c == FAMILY else f"child{c}:{fact}"


def split_key(key: str) -> tuple[int, str]:
    scope, _, fact = key.partition(":")
    return (FAMILY if scope == "family" else int(scope.removeprefix("child"))), fact


def options(fact: FactDef, ui: UI) -> list[tuple[str, str]]:
    """(code, label) of the answer buttons of a question."""
    if fact.type == "bool":
        return [("1", ui.assess.yes), ("0", ui.assess.no)]
    if fact.type == "age":
        return [(a, ui.assess.formats["age"].format(value=a)) for a in AGES]
    return list(fact.options.items())


def nav_row(kb: InlineKeyboardBuilder, ui: UI, back: bool = True) -> None:
    if back:
        kb.button(text=ui.assess.back, callback_data=NavCb(a="back"))
    kb.button(text=ui.assess.cancel, callback_data=NavCb(a="cancel"))


def group_of_key(catalog: Catalog, key: str) -> tuple[int, FactGroup] | None:
    """(index, group) when `key` is a screening question such as `child0:group.special`."""
    name = split_key(key)[1]
    for i, group in enumerate(catalog.facts.groups):
        if name == f"group.{group.key}":
            return i, group
    return None


def fact_index(catalog: Catalog, key: str) -> int:
    """The `f` of a question's buttons: a fact's index, or -(i + 1) for the i-th screening group."""
    found = group_of_key(catalog, key)
    return -(found[0] + 1) if found else [f.key for f in catalog.facts.facts].index(split_key(key)[1])


def key_from(catalog: Catalog, c: int, f: int) -> str | None:
    """The question a button names, or None when its numbers name nothing (forged data)."""
    facts, groups = catalog.facts.facts, catalog.facts.groups
    if 0 <= f < len(facts):
        return key_of(c, facts[f].key)
    if -len(groups) <= f < 0:
        return key_of(c, f"group.{groups[-f - 1].key}")
    return None


def choices_of(catalog: Catalog, ui: UI, key: str) -> list[tuple[str, str]]:
    found = group_of_key(catalog, key)
    return list(found[1].options.items()) if found else options(catalog.fact(split_key(key)[1]), ui)


def question_kb(catalog: Catalog, ui: UI, key: str, first: bool) -> InlineKeyboardMarkup:
    c = split_key(key)[0]
    index = fact_index(catalog, key)
    found = group_of_key(catalog, key)
    fact = catalog.facts.facts[index] if found is None else None
    kb = InlineKeyboardBuilder()
    choices = choices_of(catalog, ui, key)
    for code, label in choices:
        kb.button(text=label, callback_data=AnswerCb(c=c, f=index, v=code))
    kb.button(text=ui.assess.dont_know, callback_data=AnswerCb(c=c, f=index, v="?"))
    nav_row(kb, ui, back=not first)
    width = 1 if fact is None else 6 if fact.type == "age" else (2 if fact.type == "bool" else 1)
    rows = [width] * (len(choices) // width) + ([len(choices) % width] if len(choices) % width else [])
    return kb.adjust(*rows, 1, 2).as_markup()


def count_kb(ui: UI) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for n, label in ui.assess.children.items():
        kb.button(text=label, callback_data=CountCb(n=int(n)))
    nav_row(kb, ui, back=False)
    return kb.adjust(len(ui.assess.children), 1).as_markup()


def suggest_kb(catalog: Catalog, ui: UI, key: str, suggestions: list[str]) -> InlineKeyboardMarkup:
    """A place not found: the guesses, and 不知道 as on the question itself (a parent may not know the name)."""
    kb = InlineKeyboardBuilder()
    for i, name in enumerate(suggestions):
        kb.button(text=name, callback_data=SuggestCb(i=i))
    kb.button(text=ui.assess.dont_know, callback_data=AnswerCb(c=split_key(key)[0], f=fact_index(catalog, key), v="?"))
    nav_row(kb, ui)
    return kb.adjust(*([1] * len(suggestions)), 1, 2).as_markup()


def review_kb(ui: UI) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=ui.assess.see_result, callback_data=NavCb(a="result"))
    kb.button(text=ui.assess.change, callback_data=NavCb(a="change"))
    kb.button(text=ui.assess.cancel, callback_data=NavCb(a="cancel"))
    return kb.adjust(1, 2).as_markup()


def change_kb(catalog: Catalog, ui: UI, lines: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One button per answer (its key and how it reads), then back to the summary."""
    kb = InlineKeyboardBuilder()
    for key, text in lines:
        kb.button(text=text[:60], callback_data=EditCb(c=split_key(key)[0], f=fact_index(catalog, key)))
    kb.button(text=ui.assess.back_to_summary, callback_data=NavCb(a="review"))
    return kb.adjust(1).as_markup()


def result_kb(catalog: Catalog, ui: UI, entry_ids: list[int]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for entry_id in entry_ids:
        kb.button(text=f"{entry_id}. {catalog.entry(entry_id).title}", callback_data=EntryCb(id=entry_id))
    kb.button(text=ui.assess.restart, callback_data=NavCb(a="restart"))
    return kb.adjust(1).as_markup()


def shown(catalog: Catalog, ui: UI, fact: FactDef, value: Any, skipped: bool) -> str:
    """An answer as the family reads it in the summary."""
    if skipped:
        return ui.assess.dont_know
    if fact.type == "bool":
        return ui.assess.yes if value else ui.assess.no
    if fact.type == "choice":
        return fact.options.get(value, str(value))
    code = f"{value:g}" if isinstance(value, int | float) else str(value)
    if code in fact.options:  # a button's answer reads as the button did
        return fact.options[code]
    if fact.type in ui.assess.formats:
        number = f"{value:g}" if isinstance(value, float) else value
        return ui.assess.formats[fact.type].format(value=number)
    return str(value)


def decode(catalog: Catalog, key: str, code: str) -> Any:
    """A button's code back to the profile's value (the code was checked against the options first)."""
    if group_of_key(catalog, key):
        return code
    fact = catalog.fact(split_key(key)[1])
    if fact.type == "bool":
        return code == "1"
    if fact.type in ("age", "months", "height"):
        return int(code)
    return code


def split_message(text: str, limit: int = 4000) -> list[str]:
    """Telegram takes 4096 characters a message: split a long result between children, never inside a line."""
    parts: list[str] = []
    for block in text.split("\n\n"):
        if parts and len(parts[-1]) + len(block) + 2 <= limit:
            parts[-1] += "\n\n" + block
        else:
            parts.extend(block[i : i + limit] for i in range(0, len(block), limit))
    return parts
