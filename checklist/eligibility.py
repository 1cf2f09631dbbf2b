"""Each child against each of the 21 entries: eligible / maybe / not_applicable, with why, missing facts and steps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from checklist.conditions import Condition, evaluate
from checklist.content import Catalog, Entry
from checklist.migrant import MigrantResult, decide_migrant
from checklist.profile import Child, Profile

Verdict = Literal["eligible", "maybe", "not_applicable"]


@dataclass(frozen=True)
class EntryResult:
    id: int
    verdict: Verdict
    why: str
    missing: tuple[str, ...] = ()
    first_steps: tuple[str, ...] = ()  # what must happen before the entry's own steps (e.g. 先办居住证)


@dataclass(frozen=True)
class ChildResult:
    name: str | None
    facts: Mapping[str, Any]
    migrant: MigrantResult
    entries: tuple[EntryResult, ...]

    def first_steps(self) -> list[str]:
        """The first steps shared by this child's open entries, most useful first."""
        counts: dict[str, int] = {}
        for result in self.entries:
            for step in result.first_steps:
                counts[step] = counts.get(step, 0) + 1
        return sorted(counts, key=lambda s: -counts[s])

    def missing(self) -> list[str]:
        """Every fact that could still change a verdict, in the order the questionnaire asks them."""
        seen = dict.fromkeys(m for r in self.entries for m in r.missing)
        return list(seen)


def assess(catalog: Catalog, profile: Profile) -> list[ChildResult]:
    return [assess_child(catalog, profile, child) for child in profile.children]


def assess_child(catalog: Catalog, profile: Profile, child: Child) -> ChildResult:
    facts = child_facts(catalog, profile, child)
    migrant = decide_migrant(catalog, profile.hukou, profile.residence, facts)
    results = tuple(gate(catalog, migrant, judge(catalog, entry, facts)) for entry in catalog.entries)
    return ChildResult(child.name, facts, migrant, results)


def child_facts(catalog: Catalog, profile: Profile, child: Child) -> dict[str, Any]:
    """The family's and the child's facts in one mapping, plus what follows from them (content/facts.yaml)."""
    facts = {**profile.facts, **child.facts}
    for implication in catalog.facts.implications:
        if evaluate(implication.when, facts).value is True:
            for key, value in implication.then.items():
                facts.setdefault(key, value)
    return facts


def judge(catalog: Catalog, entry: Entry, facts: Mapping[str, Any]) -> EntryResult:
    """The entry's rule on the facts, before the migrant-child status is applied."""
    rule = entry.rule
    target = evaluate(rule.target, facts)
    if target.value is False:
        why = f"{rule.target_text}；{describe(catalog, target.decisive, facts)}。"
        return EntryResult(entry.id, "not_applicable", why)
    decided = f"{rule.decided_by}。" if rule.decided_by else ""
    missing = list(target.unknown)
    open_reqs = [(r, evaluate(r.when, facts)) for r in rule.requires]
    open_reqs = [(r, o) for r, o in open_reqs if o.value is not True]
    for _, outcome in open_reqs:
        missing += [*outcome.unknown, *(c.fact for c in outcome.decisive if c.fact)]
    missing = list(dict.fromkeys(missing))
    if target.value is None:
        return EntryResult(
            entry.id, "maybe", f"还需要确认：{labels(catalog, target.unknown)}。{decided}", tuple(missing)
        )
    if open_reqs:
        req, outcome = open_reqs[0]
        known = f"现在{describe(catalog, outcome.decisive, facts)}。" if outcome.decisive else ""
        unsure = f"还需要确认：{labels(catalog, outcome.unknown)}。" if outcome.unknown else ""
        steps = tuple(r.first_step for r, _ in open_reqs if r.first_step)
        return EntryResult(entry.id, "maybe", f"{req.why}{known}{unsure}{decided}", tuple(missing), steps)
    extras = [x for x in rule.extras if evaluate(x.when, facts).value is True]
    why = "".join([rule.eligible_why, *(x.text for x in extras), decided])
    verdict: Verdict = "maybe" if rule.office_decides else "eligible"
    return EntryResult(entry.id, verdict, why, (), tuple(x.first_step for x in extras if x.first_step))


def gate(catalog: Catalog, migrant: MigrantResult, result: EntryResult) -> EntryResult:
    """The checklist is for migrant children: a 'no' closes every entry, an 'unknown' keeps them open."""
    texts = catalog.migrant
    if migrant.status == "no":
        why = texts.not_migrant_why.format(note=texts.not_migrant_note)
        return EntryResult(result.id, "not_applicable", f"{why}（{migrant.reasons[0]}）")
    if migrant.status == "unknown" and result.verdict != "not_applicable":
        why = texts.unknown_migrant_why.format(facts=labels(catalog, migrant.missing), why=result.why)
        missing = tuple(dict.fromkeys((*migrant.missing, *result.missing)))
        return EntryResult(result.id, "maybe", why, missing, result.first_steps)
    return result


def labels(catalog: Catalog, keys: tuple[str, ...] | list[str]) -> str:
    return "、".join(catalog.fact(k).label for k in dict.fromkeys(keys))


def describe(catalog: Catalog, leaves: tuple[Condition, ...], facts: Mapping[str, Any]) -> str:
    """How the known facts that decided a condition read: 孩子7岁，孩子在上小学."""
    words = catalog.facts.describe
    parts: list[str] = []
    for key in dict.fromkeys(c.fact for c in leaves if c.fact):
        value = facts[key]
        if isinstance(value, bool):
            parts.append(words["if_true" if value else "if_false"][key])
        elif key == "stage":
            parts.append(words["stage"].format(value=catalog.facts.stages[value]))
        else:
            parts.append(words[key].format(value=f"{value:g}" if isinstance(value, float) else value))
    return "，".join(parts)
