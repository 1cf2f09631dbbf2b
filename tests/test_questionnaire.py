"""The adaptive questionnaire asks only what can change a verdict, and ends with the same verdicts as a full profile."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.content import load_catalog
from checklist.eligibility import assess
from checklist.places import gazetteer
from checklist.profile import HOUSEHOLD, parse_profile
from checklist.questionnaire import Question, next_question

CATALOG = load_catalog()


def interview(truth: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Answer every question from `truth`, like a family that knows everything; return the draft and what was asked."""
    draft: dict[str, Any] = {"children": [{} for _ in truth["children"]]}
    asked: list[str] = []
    skipped: set[str] = set()
    opened: set[str] = set()
    while (q := next_question(CATALOG, gazetteer(), draft, skipped, opened)) is not None:
        asked.append(q.key)
        assert len(asked) < 80, asked
        if q.fact.startswith("group."):
            group = next(g for g in CATALOG.facts.groups if f"group.{g.key}" == q.fact)
            members = [Question(q.scope, f, q.child) for f in group.facts]
            if all(lookup(truth, m) is False for m in members):  # "都没有"
                for m in members:
                    put(draft, m, False)
            else:
                opened.add(q.key)
            continue
        value = lookup(truth, q)
        if value is None:
            skipped.add(q.key)
        else:
            put(draft, q, value)
    return draft, asked


def lookup(profile: dict[str, Any], q: Question) -> Any:
    if q.child is not None:
        return profile["children"][q.child].get(q.fact)
    head, _, tail = q.fact.partition(".")
    return profile.get(head, {}).get(tail) if tail else profile.get(head)


def put(profile: dict[str, Any], q: Question, value: Any) -> None:
    if q.child is not None:
        profile["children"][q.child][q.fact] = value
        return
    head, _, tail = q.fact.partition(".")
    if tail:
        profile.setdefault(head, {})[tail] = value
    else:
        profile[head] = value


def verdicts(profile: dict[str, Any]) -> list[list[tuple[int, str]]]:
    results = assess(CATALOG, parse_profile(profile, gazetteer()))
    return [[(r.id, r.verdict) for r in child.entries] for child in results]


FAMILY = {
    "residence": "渝北区",
    "hukou": "四川南充",
    "months_here": 12,
    "moved_with": "parents",
    "residence_permit": True,
    "household": {k: False for k in HOUSEHOLD},
}
NO = dict.fromkeys(["disability", "orphan", "hiv", "unsupported", "severe_mental_disorder", "psych_needs"], False)


def test_no_height_question_for_a_12_year_old_at_school() -> None:
    truth = {**FAMILY, "children": [{"age": 12, "stage": "junior", "height_cm": 150, "school_registered": True, **NO}]}
    _, asked = interview(truth)
    assert "child0:height_cm" not in asked
    assert "child0:stage" in asked


def test_no_school_questions_for_a_2_year_old() -> None:
    truth = {**FAMILY, "children": [{"age": 2, "stage": "none", "height_cm": 85, "school_registered": False, **NO}]}
    _, asked = interview(truth)
    assert not {"child0:stage", "child0:school_registered", "child0:height_cm"} & set(asked)


def test_a_child_who_came_alone_ends_the_questionnaire_early() -> None:
    truth = {**FAMILY, "moved_with": "alone", "children": [{"age": 9, "stage": "primary", **NO}]}
    draft, asked = interview(truth)
    assert asked == ["family:residence", "family:hukou", "family:months_here", "family:moved_with"]
    assert verdicts(draft) == verdicts(truth)


def test_no_hardship_means_no_questions_on_dibao_or_tekun() -> None:
    truth = {**FAMILY, "children": [{"age": 9, "stage": "primary", "school_registered": True, **NO}]}
    _, asked = interview(truth)
    assert "family:group.hardship" in asked  # one screening question instead of three
    assert "family:household.economic_hardship" not in asked
    assert "family:household.dibao" not in asked and "family:household.tekun" not in asked


def test_a_family_with_no_special_situation_answers_few_questions() -> None:
    truth = {**FAMILY, "children": [{"age": 9, "stage": "primary", "school_registered": True, **NO}]}
    _, asked = interview(truth)
    assert "child0:group.special" in asked and "child0:disability" not in asked
    assert len(asked) <= 12, asked


def test_a_disabled_child_opens_the_screening_group() -> None:
    truth = {
        **FAMILY,
        "children": [{"age": 9, "stage": "primary", "school_registered": True, **NO, "disability": True}],
    }
    draft, asked = interview(truth)
    assert "child0:group.special" in asked and "child0:disability" in asked
    assert verdicts(draft) == verdicts(truth)


def test_do_not_know_answers_are_skipped_not_asked_again() -> None:
    truth = {"residence": "万州", "children": [{"age": 9}]}
    draft, asked = interview(truth)
    assert len(asked) == len(set(asked))
    assert verdicts(draft) == verdicts(truth)


def consistent(household: dict[str, bool]) -> bool:
    """A family without economic hardship does not meet 低保 or 特困 conditions (content/facts.yaml)."""
    return household.get("economic_hardship") is not False or not (household.get("dibao") or household.get("tekun"))


places = st.sampled_from(["渝北区", "渝中区", "万州区", "四川南充", "广东东莞", "沙坪坝区", "涪陵"])
maybe_bool = st.one_of(st.none(), st.booleans())
# Stages a child of that age can really be at (the rules rely on it: a 2-year-old is not at school).
STAGES = [
    (2, ["none", "nursery"]),
    (5, ["none", "nursery", "kindergarten"]),
    (6, ["none", "kindergarten", "primary"]),
    (11, ["none", "primary"]),
    (14, ["none", "primary", "junior"]),
    (17, ["none", "junior", "senior", "vocational"]),
]


@st.composite
def child(draw: st.DrawFn) -> dict[str, Any]:
    age = draw(st.integers(0, 17))
    stages = next(s for top, s in STAGES if age <= top)
    optional = {"stage": st.sampled_from(stages), "height_cm": st.integers(50, 190)}
    optional |= {k: st.booleans() for k in ["school_registered", *NO]}
    return {"age": age, **draw(st.fixed_dictionaries({}, optional=optional))}


family = st.fixed_dictionaries(
    {},
    optional={
        "residence": places.filter(lambda p: p not in {"四川南充", "广东东莞"}),
        "hukou": places,
        "months_here": st.integers(0, 60),
        "moved_with": st.sampled_from(["parents", "guardian", "alone"]),
        "residence_permit": st.booleans(),
        "household": st.fixed_dictionaries({}, optional={k: st.booleans() for k in HOUSEHOLD}).filter(consistent),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(family, st.lists(child(), min_size=1, max_size=3))
def test_the_questionnaire_reaches_the_verdicts_of_the_whole_profile(fam: dict[str, Any], kids: list[dict]) -> None:
    truth = {**copy.deepcopy(fam), "children": copy.deepcopy(kids)}
    draft, asked = interview(truth)
    assert verdicts(draft) == verdicts(truth)
    assert len(asked) == len(set(asked))
