"""Unanswered questions keep no personal data, and the report counts them most frequent first."""

from __future__ import annotations

import pytest

from checklist.unanswered import ReportRow, aggregate, scrub


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("我电话13812345678，孩子上学咋办", "13812345678"),
        ("打 138 1234 5678 找我", "5678"),
        ("+86-138-1234-5678", "1234"),
        ("孩子身份证号50010120150101123X", "123x"),
        ("身份证 500101 20150101 1234", "20150101"),
        ("邮箱 mama.li@qq.com", "qq.com"),
        ("座机023-12345678", "12345678"),
        ("我叫张三，孩子叫李小明，想问低保", "张三"),
        ("我叫张三，孩子叫李小明，想问低保", "李小明"),
    ],
)
def test_personal_data_is_masked(text: str, gone: str) -> None:
    assert gone not in scrub(text)


def test_ordinary_numbers_stay() -> None:
    assert scrub("孩子8岁，身高1.3米，上3年级") == "孩子8岁,身高1.3米,上3年级"


def test_aggregate_counts_scrubbed_questions_most_frequent_first() -> None:
    rows = ["社保咋转 13812345678", "社保咋转 13900001111", "积分咋算", "", "积分咋算", "积分咋算"]
    assert aggregate(rows) == [ReportRow("积分咋算", 3), ReportRow("社保咋转 [电话]", 2)]
