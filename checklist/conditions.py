"""Conditions over a profile's facts, in three-valued (Kleene) logic: true, false or unknown."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Condition(BaseModel):
    """One YAML condition: a leaf `{fact: …, between|below|in|is: …}` or `{any: […]}` / `{all: […]}`.

    `possible_if` on a leaf: when the fact is unknown, the leaf is false if this condition is false (it excludes
    for certain, e.g. a 3-year-old is not in primary school) and unknown otherwise; it never makes a guess true.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    fact: str | None = None
    between: tuple[float, float] | None = None
    below: float | None = None
    in_: tuple[str, ...] | None = Field(None, alias="in")
    is_: bool | None = Field(None, alias="is")
    possible_if: Condition | None = None
    any_: tuple[Condition, ...] | None = Field(None, alias="any")
    all_: tuple[Condition, ...] | None = Field(None, alias="all")

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        tests = [t for t in (self.between, self.below, self.in_, self.is_) if t is not None]
        combos = [c for c in (self.any_, self.all_) if c is not None]
        if self.fact is not None:
            if len(tests) != 1 or combos:
                raise ValueError("a fact condition needs exactly one of between, below, in, is")
        elif len(combos) != 1 or tests or self.possible_if is not None:
            raise ValueError("a condition is either {fact: …} or exactly one of any, all")
        return self

    def facts(self) -> Iterator[str]:
        """Every fact key this condition reads."""
        if self.fact is not None:
            yield self.fact
        for child in (
            *(self.any_ or ()),
            *(self.all_ or ()),
            *((self.possible_if,) if self.possible_if else ()),
        ):
            yield from child.facts()

    def test(self, value: Any) -> bool:
        if self.between is not None:
            return self.between[0] <= value <= self.between[1]
        if self.below is not None:
            return value < self.below
        if self.in_ is not None:
            return value in self.in_
        return value is self.is_


@dataclass(frozen=True)
class Outcome:
    """The value, the unknown facts that kept it open, and the known leaves that decided it."""

    value: bool | None
    unknown: tuple[str, ...] = ()
    decisive: tuple[Condition, ...] = field(default=())


def evaluate(cond: Condition, facts: Mapping[str, Any]) -> Outcome:
    if cond.fact is not None:
        return _leaf(cond, facts)
    parts = [evaluate(c, facts) for c in (cond.any_ if cond.any_ is not None else cond.all_ or ())]
    wins = True if cond.any_ is not None else False  # the value that settles the combination
    settled = [p for p in parts if p.value is wins]
    if settled:
        return Outcome(wins, decisive=_join(p.decisive for p in settled))
    open_ = [p for p in parts if p.value is None]
    if open_:  # keep what is known to fail, so a reason can say it ("还没有居住证")
        lost = [p for p in parts if p.value is (not wins)] if wins else []
        return Outcome(None, unknown=_join(p.unknown for p in open_), decisive=_join(p.decisive for p in lost))
    return Outcome(not wins, decisive=_join(p.decisive for p in parts))


def _leaf(cond: Condition, facts: Mapping[str, Any]) -> Outcome:
    value = facts.get(cond.fact) if cond.fact else None
    if value is not None:
        return Outcome(cond.test(value), decisive=(cond,))
    if cond.possible_if is not None:
        guard = evaluate(cond.possible_if, facts)
        if guard.value is False:
            return Outcome(False, decisive=guard.decisive)
    return Outcome(None, unknown=(cond.fact,) if cond.fact else ())


def _join(groups: Any) -> tuple:
    seen: dict[Any, None] = {}
    for group in groups:
        for item in group:
            seen.setdefault(item, None)
    return tuple(seen)
