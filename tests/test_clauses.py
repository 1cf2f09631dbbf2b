"""A parent's story ends in a question: the clause that asks is found; short texts and pure questions are left whole."""

from __future__ import annotations

import pytest

from checklist.clauses import clauses, question_part
from checklist.normalize import BREAK, normalize


@pytest.mark.parametrize(
    ("story", "part"),
    [
        (
            "我们两口子在重庆打工好几年了，娃娃户口还在老家，今年该上初中了，能不能在这边读？",
            "能不能在这边读",
        ),
        (
            "娃儿在老家跟奶奶读到三年级 奶奶带不动了 想问一下 公办小学收不收外地娃",
            "公办小学收不收外地娃",
        ),
        (
            "我是外卖骑手，上周送餐被车撞了，三个月不能干活，我想问问能不能申请救助先渡过这段时间",
            "能不能申请救助先渡过这段时间",
        ),
        ("宝宝六个月了，老家打到五个月的，现在来九龙坡了，接种本上的能接着打不", "接种本上的能接着打不"),
    ],
)
def test_the_clause_that_asks_is_found_in_a_story(story: str, part: str) -> None:
    assert question_part(normalize(story, breaks=True)) == part


@pytest.mark.parametrize(
    "text",
    [
        "孩子没户口能在这边上学吗",  # short: already one question
        "外地户口在重庆读小学要哪些材料，是不是一定要居住证，社保要交满几年",  # all of it asks
        "娃儿被同学孤立，回来就哭，现在在屋头玩了，好点了，就是跟你们说一声",  # asks nothing
    ],
)
def test_short_texts_and_pure_questions_are_left_whole(text: str) -> None:
    assert question_part(normalize(text, breaks=True)) is None


def test_spaces_break_clauses_only_when_asked() -> None:
    assert clauses(normalize("娃儿两岁 白天没人带", breaks=True)) == ["娃儿两岁", "白天没人带"]
    assert normalize("娃儿两岁 白天没人带", breaks=True).replace(BREAK, "") == "娃儿两岁白天没人带"
    assert normalize("娃儿两岁 白天没人带\ue000") == "娃儿两岁白天没人带"  # a typed private-use character goes
