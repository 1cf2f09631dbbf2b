"""The trained second net under the danger patterns: mechanics, freshness, and what it adds."""

from __future__ import annotations

import json

import pytest

from checklist.danger_model import DangerModel, _corpus, grams, train, windows
from checklist.lexicon import lexicon_dir
from checklist.matcher import Matcher


def test_scores_rise_with_danger_words_and_windows_keep_one_clause_from_drowning() -> None:
    model = train(
        ["娃儿被打出血了", "孩子一个人被锁在屋头三天", "打出血了没人管"],
        ["打疫苗要带什么", "屋头住房困难"] * 3,
        min_count=1,
    )
    calm_story = "我们在重庆打工好多年了，想问一下公租房怎么申请，要准备哪些材料，社区说要排队" * 2
    assert model.score("娃儿被打出血了") > model.score("打疫苗要带什么")
    assert model.score(calm_story + "昨天娃儿被打出血了") > model.score(calm_story)
    assert all(len(w) <= 24 for w in windows("字" * 100))
    assert "出血" in set(grams("打 出血！"))


def test_the_shipped_model_is_trained_on_the_shipped_examples() -> None:
    """After editing content/lexicon/danger_examples, run `python -m checklist.danger_model` (this says if not)."""
    shipped = json.loads((lexicon_dir() / "danger_model.json").read_text(encoding="utf-8"))
    danger, calm = _corpus()
    fresh = train(danger, calm)
    stale = sorted(set(shipped["weights"].items()) ^ set(fresh.weights.items()))
    # A short list, not a diff of two 10,000-word dicts (pytest's diff of those takes minutes).
    assert not stale, f"stale model ({len(stale)} weights differ, e.g. {stale[:3]}): python -m checklist.danger_model"
    assert shipped["bias"] == fresh.bias


@pytest.mark.parametrize(
    "text",
    [
        "外孙女到现在都没放学回来 电话也打不通 平时五点就到屋了",
        "我把这几个月攒的药都放到书包里了 明天就不用去学校了",
        "隔壁娃儿一个多礼拜没看到大人了 天天在楼道里坐到半夜",
    ],
)
def test_indirect_danger_the_patterns_may_not_name_is_still_flagged(matcher: Matcher, text: str) -> None:
    assert matcher.ask(text).urgent is not None


@pytest.mark.parametrize(
    "text",
    ["娃儿打完疫苗有点发烧正常不", "去年孩子走丢过一次后来找到了 有没有防走失手环", "气死我了作业写到十一点"],
)
def test_everyday_worries_do_not_alarm(matcher: Matcher, text: str) -> None:
    assert matcher.ask(text).urgent is None


def test_without_a_model_the_patterns_work_alone(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from checklist.danger_model import load

    assert load(tmp_path / "none.json") is None
    assert DangerModel({}, 0.0, 1.0).score("任何文字") == float("-inf")
