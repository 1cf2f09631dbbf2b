"""Assessment results as plain data: the JSON of `tongxing assess --json` and the entries list."""

from __future__ import annotations

from typing import Any

from checklist.content import Catalog, Entry
from checklist.eligibility import ChildResult, EntryResult
from checklist.profile import Profile


def next_steps(catalog: Catalog, entry: Entry, result: EntryResult) -> list[str]:
    """What to do, first things first: the steps that unblock the entry, its own steps, where, what to bring."""
    if result.verdict == "not_applicable":
        return []
    steps = [*result.first_steps, *entry.steps, catalog.phrases["office"].format(office=entry.office)]
    if entry.prepare:
        steps.append(catalog.phrases["prepare"].format(items="、".join(entry.prepare)))
    return steps


def entry_json(catalog: Catalog, result: EntryResult) -> dict[str, Any]:
    entry = catalog.entry(result.id)
    return {
        "id": result.id,
        "title": entry.title,
        "verdict": result.verdict,
        "why": result.why,
        "missing": list(result.missing),
        "next_steps": next_steps(catalog, entry, result),
    }


def child_json(catalog: Catalog, child: ChildResult) -> dict[str, Any]:
    return {
        "name": child.name,
        "age": child.facts.get("age"),
        "migrant": {
            "status": child.migrant.status,
            "reasons": list(child.migrant.reasons),
            "missing": list(child.migrant.missing),
        },
        "first_steps": child.first_steps(),
        "entries": [entry_json(catalog, r) for r in child.entries],
    }


def assessment_json(catalog: Catalog, profile: Profile, children: list[ChildResult]) -> dict[str, Any]:
    return {
        "residence": profile.residence.label if profile.residence else None,
        "hukou": profile.hukou.label if profile.hukou else None,
        "children": [child_json(catalog, c) for c in children],
    }


def entries_json(catalog: Catalog) -> dict[str, Any]:
    return {
        "groups": [
            {"key": g.key, "name": g.name, "entries": [_entry_brief(catalog.entry(i)) for i in g.entries]}
            for g in catalog.groups
        ]
    }


def _entry_brief(entry: Entry) -> dict[str, Any]:
    return entry.model_dump(
        include={
            "id",
            "title",
            "service_target",
            "service_item",
            "service_content",
            "departments",
            "summary",
            "office",
            "policy_refs",
        }
    )


def result_view(catalog: Catalog, profile: Profile, children: list[ChildResult], detail: bool) -> dict[str, Any]:
    """What the assess_result template shows: each child's status, first steps and entries by verdict."""
    data = assessment_json(catalog, profile, children)
    for child in data["children"]:
        status = child["migrant"]["status"]
        child.update(
            status=status,
            status_text=catalog.migrant.status_text[status],
            reasons=child["migrant"]["reasons"],
            not_migrant_note=catalog.migrant.not_migrant_note,
            alone_note=catalog.migrant.alone_note if profile.facts.get("moved_with") == "alone" else None,
        )
        for verdict in ("eligible", "maybe", "not_applicable"):
            child[verdict] = [e for e in child["entries"] if e["verdict"] == verdict]
    return {**data, "detail": detail}
