"""Typed answers in the self-assessment: parse them, or say kindly why not and what to tap instead."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from checklist.answers import (
    is_unknown,
    parse_age,
    parse_bool,
    parse_choice,
    parse_count,
    parse_height,
    parse_months,
    parse_screening,
)
from checklist.content import Catalog, FactDef
from checklist.places import Gazetteer, PlaceError
from checklist.questionnaire import answer_of
from checklist.ui import UI
from handlers import assess_views as v

PARSERS = {"age": parse_age, "months": parse_months, "height": parse_height, "bool": parse_bool}


@dataclass
class TypedAnswer:
    value: Any = None  # the answer; None with no reply means "don't know"
    reply: str | None = None  # a template to send instead, when the text is not an answer
    context: dict[str, Any] = field(default_factory=dict)
    markup: InlineKeyboardMarkup | None = None
    suggestions: list[str] = field(default_factory=list)
    children: int = 0  # the answer to "how many children"


def parse_typed(catalog: Catalog, places: Gazetteer, draft: dict[str, Any], text: str, ui: UI) -> TypedAnswer:
    key = draft["asking"]
    if key == "children":
        number = parse_count(text)
        if number and str(number) in ui.assess.children:
            return TypedAnswer(children=number)
        return TypedAnswer(reply="assess_not_understood", context={"typed": "2"}, markup=v.count_kb(ui))
    if is_unknown(text):
        return TypedAnswer(None)
    if v.group_of_key(catalog, key):  # a screening question: none or some
        said = parse_screening(text)
        if said is None:
            markup = v.question_kb(catalog, ui, key, first=False)
            return TypedAnswer(reply="assess_not_understood", context={"typed": ""}, markup=markup)
        return TypedAnswer(said)
    fact = catalog.fact(v.split_key(key)[1])
    if fact.type == "place":
        return _place(fact, places, text, catalog, ui, key)
    value = PARSERS[fact.type](text) if fact.type in PARSERS else parse_choice(fact.options, text, fact.typed)
    if value is None:
        hint = ui.assess.hints.get(fact.type, "")
        return TypedAnswer(
            reply="assess_not_understood", context={"typed": hint}, markup=v.question_kb(catalog, ui, key, first=False)
        )
    return TypedAnswer(value)


def _place(fact: FactDef, places: Gazetteer, text: str, catalog: Catalog, ui: UI, key: str) -> TypedAnswer:
    here = fact.key == "residence"
    try:
        place = places.resolve(text, chongqing_only=here)
    except PlaceError as err:
        markup = v.suggest_kb(catalog, ui, key, err.suggestions)
        context = {"text": text.strip()[:30], "suggestions": err.suggestions, "chongqing_only": here}
        return TypedAnswer(reply="assess_place_unknown", context=context, markup=markup, suggestions=err.suggestions)
    if here and not place.in_chongqing:
        return TypedAnswer(
            reply="assess_outside", context={"place": place.label}, markup=v.question_kb(catalog, ui, key, first=False)
        )
    return TypedAnswer(place.label)


def review_lines(catalog: Catalog, ui: UI, draft: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    """The answers so far, family first, then each child, as the summary shows them."""
    skipped = set(draft["skipped"])
    profile = draft["profile"]
    asked = {k for k in skipped} | {
        v.key_of(v.FAMILY, f.key)
        for f in catalog.facts.facts
        if f.scope == "family" and answer_of(profile, v.key_of(v.FAMILY, f.key)) is not None
    }
    asked |= {
        v.key_of(i, f.key)
        for i in range(len(profile["children"]))
        for f in catalog.facts.facts
        if f.scope == "child" and answer_of(profile, v.key_of(i, f.key)) is not None
    }

    def line(key: str, fact: FactDef) -> dict[str, Any]:
        value = answer_of(profile, key)
        return {"key": key, "label": fact.label, "value": v.shown(catalog, ui, fact, value, key in skipped)}

    facts = catalog.facts.facts
    family = [line(k, f) for f in facts if f.scope == "family" and (k := v.key_of(v.FAMILY, f.key)) in asked]
    children = []
    for i, child in enumerate(profile["children"]):
        title = (ui.assess.child_title_age if "age" in child else ui.assess.child_title).format(
            n=i + 1, age=child.get("age")
        )
        lines = [line(k, f) for f in facts if f.scope == "child" and (k := v.key_of(i, f.key)) in asked]
        children.append({"title": title, "lines": lines})
    return family, children
