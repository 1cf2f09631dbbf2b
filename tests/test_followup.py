"""Bare follow-ups ("要准备什么材料") are told apart from questions that name a service of their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from checklist.content import ContentError, content_dir
from checklist.followup import load_followups


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("要准备什么材料", "prepare"),
        ("需要带啥子", "prepare"),
        ("那去哪里办", "where"),
        ("电话是多少", "where"),
        ("怎么申请", "how"),
        ("要多久", "when"),
        ("收费吗", "cost"),
        ("要钱不", "cost"),
        ("有什么条件", "conditions"),
    ],
)
def test_short_how_where_what_questions_are_follow_ups(text: str, aspect: str) -> None:
    assert load_followups().aspect(text) == aspect


@pytest.mark.parametrize("text", ["你好", "孩子能在这边上学吗", "谢谢你", "公租房" * 10 + "要准备什么材料"])
def test_other_text_and_long_stories_are_not(text: str) -> None:
    assert load_followups().aspect(text) is None


def test_the_rest_keeps_what_names_a_service() -> None:
    followups = load_followups()
    assert followups.rest("孩子坐公交免费吗") == "孩子坐公交"
    assert followups.rest("去哪个部门办") == ""


def test_a_broken_pattern_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "lexicon").mkdir()
    original = (content_dir() / "lexicon" / "followup.yaml").read_text(encoding="utf-8")
    (tmp_path / "lexicon" / "followup.yaml").write_text(original.replace("(准备|带", "((准备|带", 1), "utf-8")
    with pytest.raises(ContentError, match=r"followup\.yaml"):
        load_followups(tmp_path)
