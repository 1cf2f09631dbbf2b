"""Urgent danger is caught in every category, in indirect words, and everyday 打疫苗/打工 never alarms."""

from __future__ import annotations

import shutil
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


def test_signal_wordings_from_fresh_probes_raise_the_alarm_in_their_category() -> None:
    from tests.conftest import CASES, load_yaml

    cases = load_yaml(CASES / "urgent_signals.yaml")
    assert set(cases["urgent"]) == set(CATEGORIES)
    missed = [q for qs in cases["urgent"].values() for q in qs if hit(q) is None]
    assert missed == []
    moved = [(c, q) for c, qs in cases["urgent"].items() for q in qs if c not in hit(q).categories]  # type: ignore[union-attr]
    assert moved == []


def test_calm_wordings_from_fresh_probes_do_not_alarm() -> None:
    from tests.conftest import CASES, load_yaml

    calm = load_yaml(CASES / "urgent_signals.yaml")["calm"]
    assert [q for q in calm if hit(q) is not None] == []


@pytest.mark.parametrize(
    "text",
    [
        "想死你们了 过年带娃回来",
        "笑死我了 娃儿把袜子穿到手上",
        "娃儿要死要活非要买玩具",
        "写个作业磨蹭到十点 急死人了",
        "气死我了 孩子又把水杯打翻了",
        "我想死的心都有了 报名系统又登不上",
        "商场跳楼价 童装五折",
        "过年杀年猪 娃儿想去看",
        "死记硬背有用吗",
        "今天是网上报名的最后一天吗",
    ],
)
def test_idioms_with_death_words_do_not_alarm(text: str) -> None:
    assert hit(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "儿子打篮球把手腕摔骨折了 医保能报多少",
        "孩子上个月离家出走过一次 第二天自己回来了 现在该怎么沟通",
        "娃儿半夜发烧抽筋 去医院看了 今天已经好了 要不要复查",
        "家里去年着过火 现在想申请临时救助",
        "孩子被狗咬了 狂犬疫苗在哪里打",
    ],
)
def test_harmless_or_resolved_contexts_calm_the_mild_signals(text: str) -> None:
    assert hit(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "上个月他爸用皮带抽他 医保能报吗",  # violence is never calmed by an insurance question
        "孩子发高烧抽筋了 叫不醒",
        "以前她继父晚上进她房间 现在还住一起",
        "孩子说想死 应该是开玩笑的吧",
    ],
)
def test_hard_signals_are_never_calmed(text: str) -> None:
    assert hit(text) is not None


def test_a_danger_names_the_service_it_calls_for() -> None:
    found = hit("我初二 手上划了好多道 今天又想划")
    assert found is not None and found.self_harm and found.entry == 19
    shelter = hit("带着两个娃 今晚睡哪里都不晓得")
    assert shelter is not None and shelter.entry == 16
    assert "rough_sleeping" in shelter.signals


def test_a_bad_danger_signal_is_named_with_its_file_and_field(tmp_path: Any) -> None:
    from checklist.lexicon import LexiconError, lexicon_dir, load_lexicon

    shutil.copytree(lexicon_dir(), tmp_path, dirs_exist_ok=True)
    text = (tmp_path / "urgent.yaml").read_text(encoding="utf-8")
    (tmp_path / "urgent.yaml").write_text(text.replace("category: self_harm", "category: sadness", 1), encoding="utf-8")
    with pytest.raises(LexiconError, match=r"urgent\.yaml: field signals\.suicidal\.category"):
        load_lexicon(tmp_path)
    (tmp_path / "urgent.yaml").write_text(text.replace("      - 不想活|", "      - 不想活(|", 1), encoding="utf-8")
    with pytest.raises(LexiconError, match=r"urgent\.yaml: field signals\.suicidal\.cues: bad pattern"):
        load_lexicon(tmp_path)
