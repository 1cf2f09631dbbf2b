"""Family cases from tests/cases/assess.yaml, and the migrant-child rule on every central-group move."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml

from checklist.content import load_catalog
from checklist.eligibility import ChildResult, assess
from checklist.places import gazetteer
from checklist.profile import parse_profile

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "assess.yaml").read_text(encoding="utf-8"))


def merged(base: dict[str, Any], override: dict[str, Any] | None) -> dict[str, Any]:
    out = dict(base)
    for key, value in (override or {}).items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def run(family: dict[str, Any], *children: dict[str, Any]) -> list[ChildResult]:
    profile = parse_profile({**family, "children": list(children)}, gazetteer())
    return assess(load_catalog(), profile)


def verdicts(child: ChildResult) -> dict[int, str]:
    return {r.id: r.verdict for r in child.entries}


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_family_case(case: dict[str, Any]) -> None:
    family = merged(CASES["base"]["family"], case.get("family"))
    child = merged(CASES["base"]["child"], case.get("child"))
    [result] = run(family, child)
    expect = case["expect"]
    by_id = {r.id: r for r in result.entries}
    assert len(result.entries) == 21
    if "migrant" in expect:
        assert result.migrant.status == expect["migrant"], result.migrant.reasons
    if "age" in expect:
        assert result.facts["age"] == expect["age"]
    for verdict in ("eligible", "maybe", "not_applicable"):
        for entry_id in expect.get(verdict, []):
            assert by_id[entry_id].verdict == verdict, (entry_id, by_id[entry_id].why)
    for entry_id, facts in expect.get("missing", {}).items():
        assert set(facts) <= set(by_id[entry_id].missing), (entry_id, by_id[entry_id].missing)
    for entry_id, text in expect.get("why_contains", {}).items():
        assert text in by_id[entry_id].why
    for entry_id, text in expect.get("why_excludes", {}).items():
        assert text not in by_id[entry_id].why
    if "reason_contains" in expect:
        assert any(expect["reason_contains"] in r for r in result.migrant.reasons), result.migrant.reasons
    if "first_step_contains" in expect:
        assert any(expect["first_step_contains"] in s for s in result.first_steps())


def test_every_result_has_a_reason_and_maybes_name_what_would_settle_them() -> None:
    base = CASES["base"]
    for case in CASES["cases"]:
        family = merged(base["family"], case.get("family"))
        [child] = run(family, merged(base["child"], case.get("child")))
        for r in child.entries:
            assert r.why.strip()
            if r.verdict == "maybe":
                assert r.missing or "审核" in r.why or "认定" in r.why, (case["name"], r)


CENTRAL = [d.name for d in load_catalog().regions.districts if d.central]
OUTER = [d.name for d in load_catalog().regions.districts if not d.central]


@pytest.mark.parametrize(("hukou", "residence"), list(itertools.permutations(CENTRAL, 2)))
def test_moves_among_the_central_group_do_not_count(hukou: str, residence: str) -> None:
    family = merged(CASES["base"]["family"], {"hukou": hukou, "residence": residence})
    [child] = run(family, CASES["base"]["child"])
    assert child.migrant.status == "no"
    assert all(v == "not_applicable" for v in verdicts(child).values())


@pytest.mark.parametrize("central", CENTRAL)
def test_moves_between_the_centre_and_an_outer_district_count(central: str) -> None:
    for hukou, residence in ((central, OUTER[0]), (OUTER[1], central)):
        family = merged(CASES["base"]["family"], {"hukou": hukou, "residence": residence})
        [child] = run(family, CASES["base"]["child"])
        assert child.migrant.status == "yes", (hukou, residence)


def test_central_group_is_the_eleven_of_the_policy() -> None:
    assert len(CENTRAL) == 11
    assert len(load_catalog().regions.districts) == 41


def test_several_children_are_judged_each_on_their_own() -> None:
    family = CASES["base"]["family"]
    baby = {"name": "妹妹", "age": 1, "stage": "none"}
    teen = {"name": "哥哥", "age": 16, "stage": "senior"}
    pupil = merged(CASES["base"]["child"], {"name": "小明"})
    results = run(family, baby, pupil, teen)
    assert [r.name for r in results] == ["妹妹", "小明", "哥哥"]
    assert verdicts(results[0])[1] == "eligible" and verdicts(results[1])[1] == "not_applicable"
    assert results[1].migrant.status == "yes" and results[2].migrant.status == "no"
    assert verdicts(results[1])[3] == "eligible"


def test_a_non_migrant_child_is_told_why_and_that_residents_get_most_services() -> None:
    family = merged(CASES["base"]["family"], {"hukou": "渝北区"})
    [child] = run(family, CASES["base"]["child"])
    assert child.migrant.status == "no"
    assert all("本地户籍的孩子同样可以享受" in r.why for r in child.entries)


def test_eligible_entries_carry_next_steps_with_office_and_what_to_bring() -> None:
    from checklist.report import child_json

    [child] = run(CASES["base"]["family"], CASES["base"]["child"])
    data = child_json(load_catalog(), child)
    school = next(e for e in data["entries"] if e["id"] == 3)
    assert any("入学一件事" in s for s in school["next_steps"])
    assert any("区县教育部门" in s for s in school["next_steps"])
    assert any("一般经验" in s for s in school["next_steps"])
    not_applicable = next(e for e in data["entries"] if e["id"] == 1)
    assert not_applicable["next_steps"] == []
