"""Typed questionnaire answers in the ways parents write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("7", 7),
        ("7岁", 7),
        ("七岁", 7),
        ("十二", 12),
        ("12岁了", 12),
        ("１５", 15),
        ("8个月", 0),
        ("刚出生", 0),
        ("两岁半", 2),
        ("十岁", 10),
        ("abc", None),
        ("100", None),
        ("老二", None),  # the second child, not two years old
        ("老二4岁", 4),
        ("三年级", None),
        ("两个孩子", None),
    ],
)
def test_ages(text: str, age: int | None) -> None:
    assert parse_age(text) == age


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("8", 8),
        ("8个月", 8),
        ("五个月", 5),
        ("半年", 6),
        ("两年", 24),
        ("一年半", 18),
        ("3年多", 36),
        ("十天", 0),
        ("很久", None),
    ],
)
def test_months(text: str, months: float | None) -> None:
    assert parse_months(text) == months


@pytest.mark.parametrize(
    ("text", "cm"),
    [
        ("125", 125),
        ("125cm", 125),
        ("125厘米", 125),
        ("1.25米", 125),
        ("1.3m", 130),
        ("1米2", 120),
        ("一米三", 130),
        ("1米", 100),
        ("5000", None),
        ("高", None),
    ],
)
def test_heights(text: str, cm: float | None) -> None:
    assert parse_height(text) == cm


@pytest.mark.parametrize(
    ("text", "value"),
    [("是", True), ("有的", True), ("嗯", True), ("没有", False), ("否", False), ("莫得", False), ("也许", None)],
)
def test_yes_no(text: str, value: bool | None) -> None:
    assert parse_bool(text) is value


def test_do_not_know() -> None:
    assert is_unknown("不知道") and is_unknown("不晓得。") and not is_unknown("知道")
    assert is_unknown("晓不得") and is_unknown("搞不清") and is_unknown("不记得")  # Chongqing ways of saying it


@given(st.text(max_size=200))
def test_any_text_parses_or_returns_none(text: str) -> None:
    for parse in (parse_age, parse_months, parse_height, parse_bool):
        parse(text)


@pytest.mark.parametrize(("text", "n"), [("2", 2), ("两个", 2), ("三个孩子", 3), ("1个娃", 1), ("好多", None)])
def test_children_counts(text: str, n: int | None) -> None:
    assert parse_count(text) == n


@pytest.mark.parametrize(
    ("text", "said"), [("都没有", "none"), ("没有", "none"), ("有", "some"), ("有的", "some"), ("啥", None)]
)
def test_screening_answers(text: str, said: str | None) -> None:
    assert parse_screening(text) == said


STAGES = {"none": "还没上学或没在上学", "kindergarten": "幼儿园", "primary": "小学", "junior": "初中"}
WITH = {"parents": "跟父母（或其中一方）", "guardian": "跟其他监护人（如爷爷奶奶）", "alone": "孩子自己一个人"}


@pytest.mark.parametrize(
    ("options", "text", "code"),
    [
        (STAGES, "小学", "primary"),
        (STAGES, "在上初中", "junior"),
        (STAGES, "幼儿园中班", "kindergarten"),
        (WITH, "跟爷爷奶奶", "guardian"),
        (WITH, "父母", "parents"),
        (WITH, "他自己一个人来的", "alone"),
        (STAGES, "大学", None),
    ],
)
def test_options_typed_in_words(options: dict[str, str], text: str, code: str | None) -> None:
    assert parse_choice(options, text) == code


@pytest.mark.parametrize(
    ("key", "text", "code"),
    [
        ("moved_with", "跟爸妈", "parents"),
        ("moved_with", "我们两口子带过来的", "parents"),
        ("moved_with", "跟我奶奶", "guardian"),
        ("moved_with", "跟爸爸和奶奶", "parents"),  # with one parent counts as with the parents (二（一）1)
        ("moved_with", "一个人来的", "alone"),
        ("stage", "初二", "junior"),
        ("stage", "读大班", "kindergarten"),
        ("stage", "上职高", "vocational"),
        ("stage", "没读书了", "none"),
    ],
)
def test_the_words_parents_type_for_an_option_come_from_content(key: str, text: str, code: str) -> None:
    from checklist.content import load_catalog

    fact = load_catalog().fact(key)
    assert parse_choice(fact.options, text, fact.typed) == code
