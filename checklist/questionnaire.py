"""The adaptive self-assessment: which question to ask next, so that only what can change a verdict is asked."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from checklist.content import Catalog
from checklist.eligibility import assess
from checklist.places import Gazetteer
from checklist.profile import parse_profile

# Where the family is from and how long it has been here decide the migrant-child status, so they come first.
MIGRANT_FACTS = ("residence", "hukou", "months_here", "moved_with")


@dataclass(frozen=True)
class Question:
    scope: Literal["family", "child"]
    fact: str
    child: int | None = None  # index into the profile's children

    @property
    def key(self) -> str:
        """A stable name for this question in a draft, e.g. `family:residence` or `child0:age`."""
        return f"family:{self.fact}" if self.child is None else f"child{self.child}:{self.fact}"


def answered(profile: Mapping[str, Any], question: Question) -> bool:
    if question.child is None:
        head, _, tail = question.fact.partition(".")
        value = profile.get(head)
        return (value or {}).get(tail) is not None if tail else value is not None
    return profile["children"][question.child].get(question.fact) is not None


def next_question(
    catalog: Catalog,
    places: Gazetteer,
    profile: Mapping[str, Any],
    skipped: Collection[str] = (),
    opened: Collection[str] = (),
) -> Question | None:
    """The first unanswered, unskipped question whose answer could still change a verdict; None when done.

    `profile` is the JSON profile of `tongxing assess` being filled in; `skipped` holds the keys of questions
    the family answered with 不知道; `opened` the screening questions (`group.<key>`) answered with "有".
    The profile must already have its children (at least one).
    """
    facts = catalog.facts.facts
    for fact in MIGRANT_FACTS:
        question = Question("family", fact)
        if question.key not in skipped and not answered(profile, question):
            return question
    results = assess(catalog, parse_profile(profile, places))
    open_facts = [_with_sources(catalog, set(r.missing()) | set(r.migrant.missing)) for r in results]
    for index, still_open in enumerate(open_facts):
        for fact in (f.key for f in facts if f.scope == "child" and f.key != "name"):
            question = Question("child", fact, index)
            if fact in still_open and question.key not in skipped and not answered(profile, question):
                return _screen_first(catalog, question, skipped, opened)
    family_open = set().union(*open_facts)
    for fact in (f.key for f in facts if f.scope == "family" and f.key not in MIGRANT_FACTS):
        question = Question("family", fact)
        if fact in family_open and question.key not in skipped and not answered(profile, question):
            return _screen_first(catalog, question, skipped, opened)
    return None


def _screen_first(catalog: Catalog, question: Question, skipped: Collection[str], opened: Collection[str]) -> Question:
    """A fact of a screening group is asked only after its group's question was answered with "有"."""
    group = catalog.facts.group_of(question.fact)
    if group is None:
        return question
    gate = Question(question.scope, f"group.{group.key}", question.child)
    return question if gate.key in opened or gate.key in skipped else gate


def _with_sources(catalog: Catalog, open_facts: set[str]) -> set[str]:
    """Add the facts that would settle an open fact by implication (no hardship → no 低保), so they get asked."""
    for implication in catalog.facts.implications:
        if open_facts & set(implication.then):
            open_facts |= set(implication.when.facts())
    return open_facts


def answer_of(profile: Mapping[str, Any], key: str) -> Any:
    """The answer stored under a question key (`family:household.dibao`, `child1:age`), or None."""
    scope, _, fact = key.partition(":")
    if scope == "family":
        head, _, tail = fact.partition(".")
        value = profile.get(head)
        return (value or {}).get(tail) if tail else value
    children = profile.get("children", [])
    index = int(scope.removeprefix("child"))
    return children[index].get(fact) if index < len(children) else None


def set_answer(profile: dict[str, Any], key: str, value: Any) -> None:
    """Store (or, with None, remove) an answer in a profile being filled in."""
    scope, _, fact = key.partition(":")
    if scope == "family":
        head, _, tail = fact.partition(".")
        target, name = (profile.setdefault(head, {}), tail) if tail else (profile, head)
    else:
        target, name = profile["children"][int(scope.removeprefix("child"))], fact
    if value is None:
        target.pop(name, None)
    else:
        target[name] = value
