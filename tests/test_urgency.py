"""Urgent danger is caught in every category, in indirect words, and everyday 打疫苗/打工 never alarms."""

from __future__ import annotations

from typing import Any

import pytest

from checklist.normalize import normalize
from checklist.urgency import CATEGORIES, UrgentHit, detect

BRIEF_EXAMPLES = {
    "他爸喝了酒就拿皮带抽娃": "domestic_violence",
    "孩子一个人在家三天了没人管": "alone_unattended",
    "楼上那家孩子天天哭，还听到大人骂人摔东西": "domestic_violence",
    "我不想活了": "self_harm",
    "娃儿走丢了": "missing_child",
    "老公打孩子怎么办": "domestic_violence",
    "我15岁，我爸经常打我，我能报警吗": "domestic_violence",
}
HARMLESS = [
    "带孩子去打疫苗",
    "孩子打针哭了",
    "打车去医院",
    "我在重庆打工",
    "给学校打电话",
    "打听一下低保",
    "打印报名表",
]


def hit(text: str) -> UrgentHit | None:
    return detect(normalize(text))


@pytest.mark.parametrize(("text", "category"), BRIEF_EXAMPLES.items())
def test_indirect_wordings_from_the_brief_raise_the_alarm(text: str, category: str) -> None:
    found = hit(text)
    assert found is not None
    assert category in found.categories


def test_every_labelled_danger_is_caught_in_its_category(labelled: dict[str, Any]) -> None:
    assert set(labelled["urgent"]) == set(CATEGORIES)
    missed = [q for cat, qs in labelled["urgent"].items() for q in qs if hit(q) is None]
    assert missed == []
    wrong = [(cat, q) for cat, qs in labelled["urgent"].items() for q in qs if cat not in hit(q).categories]  # type: ignore[union-attr]
    assert len(wrong) <= 6, wrong  # a caught danger filed under a neighbouring category still gets 110


@pytest.mark.parametrize("text", HARMLESS)
def test_everyday_words_with_da_do_not_alarm(text: str) -> None:
    assert hit(text) is None


def test_labelled_risky_but_harmless_questions_do_not_alarm(labelled: dict[str, Any]) -> None:
    alarms = [q for q in labelled["not_urgent"] if hit(q) is not None]
    assert alarms == []


def test_injury_asks_for_120_as_well() -> None:
    found = hit("孩子从楼上摔下来了，流了很多血")
    assert found is not None and found.injured
    assert "injury_or_danger_now" in found.categories


def test_self_harm_is_flagged_for_12355() -> None:
    found = hit("女儿说活着没意思，想死")
    assert found is not None and found.self_harm and not found.injured


def test_danger_written_in_traditional_characters_or_with_invisible_characters() -> None:
    assert hit("我不想活\u200b了") is not None
    assert hit("孩子一個人在家三天了沒人管") is not None


def test_a_child_speaking_for_themselves_is_heard() -> None:
    found = hit("我12岁，继父晚上进我房间摸我")
    assert found is not None and "sexual_harm" in found.categories


def test_regression_wordings_found_later() -> None:
    from tests.conftest import CASES, load_yaml

    cases = load_yaml(CASES / "urgent_extra.yaml")
    assert [q for q in cases["urgent"] if hit(q) is None] == []
    assert [q for q in cases["calm"] if hit(q) is not None] == []
