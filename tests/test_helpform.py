"""What parents and directors type in the help-request forms: the child, a phone number, a day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from checklist.helpform import parse_child, parse_day, parse_phone

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("小雨 7岁", ("小雨", 7)),
        ("七岁", (None, 7)),
        ("8", (None, 8)),
        ("小雨", ("小雨", None)),
        ("小二", ("小二", None)),  # a name made of a number word is not an age
        ("老大，十二岁", ("老大", 12)),
        ("老二 7岁", ("老二", 7)),  # 老二 is the second child, not two years old
        ("孩子今年5岁，叫豆豆", ("豆豆", 5)),
        ("２０岁", (None, 20)),  # full-width digits; above 17 is for the conversation to refuse
        ("x" * 60, ("x" * 40, None)),
    ],
)
def test_the_child_is_read_as_an_alias_and_an_age(typed: str, expected: tuple[str | None, int | None]) -> None:
    assert parse_child(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("023-6123456", "0236123456"),
        ("（023）61234567", "02361234567"),
        ("12", None),
        ("微信同号", None),
        ("1381234567890123", None),
    ],
)
def test_phone_numbers_are_read_as_typed(typed: str, expected: str | None) -> None:
    assert parse_phone(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-04-10", date(2026, 4, 10)),
        ("2026年4月10日", date(2026, 4, 10)),
        ("4月10日", date(2026, 4, 10)),
        ("4/10", date(2026, 4, 10)),
        ("1月5号", date(2027, 1, 5)),  # already past this year: the next one
        ("2月30日", None),
        ("下周三", None),  # a weekday is too easy to misread: asked again
        ("明天吧", TODAY + timedelta(days=1)),
        ("后天", TODAY + timedelta(days=2)),
        ("下周", TODAY + timedelta(days=7)),
        ("3天后", TODAY + timedelta(days=3)),
        ("十天以后", TODAY + timedelta(days=10)),
        ("0天后", None),
    ],
)
def test_a_next_visit_day_is_read_in_the_forms_people_write(typed: str, expected: date | None) -> None:
    assert parse_day(typed, TODAY) == expected
