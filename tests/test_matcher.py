"""Questions in parents' words reach the right entry; unsure → choices; unrelated → out of scope; never raises."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.lexicon import LexiconError, load_lexicon
from checklist.matcher import AskResult, Matcher
from checklist.questions import load_questions
from tests.conftest import CASES, load_yaml

KINDS = {"urgent", "answer", "clarify", "unknown", "out_of_scope"}
INVISIBLE = ["\u200b", "\u200d", "\ufeff", "\ufe0f", "\u2060"]


def assert_valid(result: AskResult) -> None:
    assert result.kind in KINDS
    assert len(result.candidates) <= 5
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 and 1 <= c.id <= 21 for c, s in zip(result.candidates, scores, strict=True))
    assert (result.answer is None) or (result.kind in {"answer", "urgent"})
    assert (result.kind == "urgent") == (result.urgent is not None)


def test_every_entry_has_at_least_15_examples_and_keywords() -> None:
    questions = load_questions()
    assert [q.id for q in questions] == list(range(1, 22))
    assert all(len(q.examples) >= 15 and q.keywords for q in questions)


def test_labelled_questions_reach_their_entry(matcher: Matcher, labelled: dict[str, Any]) -> None:
    items = [(e, q) for e, qs in labelled["entries"].items() for q in qs]
    results = [(e, matcher.ask(q)) for e, q in items]
    top1 = sum(r.answer == e for e, r in results) / len(items)
    top3 = sum(e in [c.id for c in r.candidates[:3]] for e, r in results) / len(items)
    assert top1 >= 0.95
    assert top3 >= 0.99


def test_labelled_set_is_not_the_examples(labelled: dict[str, Any]) -> None:
    examples = {x for q in load_questions() for x in q.examples}
    assert not examples & {q for qs in labelled["entries"].values() for q in qs}


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("孩子没户口能在这边上学吗", 3),
        ("娃娃坐公交要买票不", 17),
        ("我们两口子在重庆打工好几年了，娃娃户口还在老家……今年该上初中了，能不能在这边读？", 3),
        ("伢儿的残疾证咋个办", 12),
        ("屋头困难得很，啥子低保哦", 14),
        ("放学以后有没有课后托管嘛", 20),
        ("廉租房要得不", 10),
        ("异地高考要啥子条件", 5),
        ("少儿医保在哪交", 8),
        ("孩子的二类疫苗要自己出钱吗", 1),
        ("幼儿园托班收不收两岁半的", 1),
    ],
)
def test_dialect_local_terms_and_long_stories(matcher: Matcher, question: str, entry: int) -> None:
    result = matcher.ask(question)
    assert result.kind == "answer" and result.answer == entry, result


def test_unclear_question_asks_to_clarify_with_up_to_three_choices(matcher: Matcher) -> None:
    result = matcher.ask("补贴")
    assert result.kind == "clarify" and result.answer is None
    assert 2 <= len(result.choices()) <= 3


@pytest.mark.parametrize("question", load_yaml(CASES / "must_not_match.yaml"))
def test_must_not_match(matcher: Matcher, question: str) -> None:
    result = matcher.ask(question)
    assert result.answer is None
    assert result.kind in {"out_of_scope", "unknown", "clarify"}


def test_out_of_scope_examples(matcher: Matcher, labelled: dict[str, Any]) -> None:
    assert all(matcher.ask(q).answer is None for q in labelled["out_of_scope"])
    assert matcher.ask("今天天气怎么样").kind == "out_of_scope"
    assert matcher.ask("你是谁").kind == "out_of_scope"


def test_urgent_keeps_the_matching_entry_when_clear(matcher: Matcher) -> None:
    result = matcher.ask("我不想活了，有没有免费的心理咨询")
    assert result.kind == "urgent" and result.urgent and result.urgent.self_harm
    assert result.answer == 19


def test_build_takes_plain_documents() -> None:
    docs = {1: ["宝宝打疫苗", "预防针在哪打"], 17: ["坐公交要买票吗", "学生乘车卡"]}
    small = Matcher.build(docs, load_lexicon())
    assert small.ask("娃娃坐公交车要票不").candidates[0].id == 17


@given(
    st.sampled_from(
        [
            "孩子没户口能在这边上学吗",
            "低保怎么申请",
            "学生乘车卡在哪里办",
            "残疾证怎么办理",
            "公租房要什么条件",
            "异地就医怎么备案",
        ]
    ),
    st.lists(st.tuples(st.integers(0, 20), st.sampled_from(INVISIBLE)), max_size=6),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_invisible_characters_never_change_the_match(matcher: Matcher, question: str, inserts: list) -> None:
    noisy = question
    for pos, ch in inserts:
        noisy = noisy[:pos] + ch + noisy[pos:]
    assert matcher.ask(noisy).candidates == matcher.ask(question).candidates


def test_traditional_form_never_changes_the_match(matcher: Matcher, labelled: dict[str, Any]) -> None:
    s2t = opencc.OpenCC("s2t")
    for qs in labelled["entries"].values():
        for q in qs:
            assert matcher.ask(s2t.convert(q)).candidates == matcher.ask(q).candidates, q


@given(st.text(max_size=600))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_string_gets_a_valid_reply(matcher: Matcher, text: str) -> None:
    assert_valid(matcher.ask(text))


@pytest.mark.parametrize(
    "text",
    ["", " ", "\x00\x01\x02", "我" * 100_000, "孩子" + "\u200b" * 50_000, "a😀ب中Ω\ud800ℌ" * 5000, "\n\t\r" * 10],
)
def test_extreme_inputs_never_raise(matcher: Matcher, text: str) -> None:
    assert_valid(matcher.ask(text))


def test_a_bad_lexicon_file_is_named_with_its_field(tmp_path: Path) -> None:
    from checklist.lexicon import lexicon_dir

    shutil.copytree(lexicon_dir(), tmp_path, dirs_exist_ok=True)
    (tmp_path / "synonyms.yaml").write_text("synonyms: {户口: [户籍]}\nmistakes: {}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"synonyms\.yaml: field mistakes"):
        load_lexicon(tmp_path)


@pytest.mark.parametrize(
    "question",
    [
        "我自己的养老保险怎么从外省转过来",
        "老公的驾照被扣了六分",
        "二手房过户要交哪些税",
        "我家猫咪打了疫苗还能洗澡吗",
        "对方家长要我们赔钱 怎么办",
        "我婆婆住院了 她的医保在老家",
        "你们是人工还是机器人",
        # Stories about a grown-up's own affair that name a child only in passing (the clause that asks does not).
        "我爸今年七十一了，过来帮我们接送孙子上学，他在老家交的新农合，最近腰疼想在重庆看一下，能不能直接报销",
        "我公公六十八了，在重庆帮我带娃三年了，听说老年人坐公交有优惠，他外地户口能办卡不",
        "单位体检查出我肺上有个结节，要做手术，我的医保在老家，在重庆能报多少，娃儿还小我好担心",
    ],
)
def test_grown_ups_affairs_and_other_offices_business_are_out_of_scope(matcher: Matcher, question: str) -> None:
    result = matcher.ask(question)
    assert result.kind == "out_of_scope" and result.answer is None, result


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("孩子的医保在老家 在重庆住院怎么报", 8),
        ("出了车祸 孩子的医药费垫不起 有没有救助", 16),
        # In a story: the family's hardship, the child named where the question is, or a topic about the child.
        ("我老公在工地摔断了腿住院了，家里一下子没了收入，两个娃还在读书，听说有临时救助，外地人能申请吗", 16),
        ("我爸六十五了在重庆帮我带外孙，外孙今年三岁，想问一下外孙的疫苗在哪里打", 1),
        ("租的房子墙上全是霉，房东不修也不退押金，娃儿一直咳嗽，想问一下便宜的公租房外地人排得上不", 10),
    ],
)
def test_a_child_or_a_service_keeps_such_questions_in_scope(matcher: Matcher, question: str, entry: int) -> None:
    assert matcher.ask(question).answer == entry


def test_a_danger_answers_with_the_service_it_calls_for(matcher: Matcher) -> None:
    result = matcher.ask("我初二 手上划了好多道 今天又想划")
    assert result.kind == "urgent" and result.answer == 19
    assert result.to_json()["urgent"] is True and result.to_json()["answer"] == 19


HELDOUT = Path(__file__).parent / "data"


@pytest.mark.parametrize("name", ["ask_dev_heldout.yaml", "ask_fresh.yaml"])
def test_held_out_sets_keep_their_numbers(matcher: Matcher, name: str) -> None:
    """Regression guard on the sets used for tuning (docs/benchmarks.md has the numbers and says so)."""
    from bench.eval_set import evaluate, load

    score = evaluate(matcher, load(str(HELDOUT / name)))
    assert score.caught / score.urgent >= 0.95
    assert score.alarms / score.calm <= 0.03
    assert score.top1 / score.asked >= 0.85
    if name == "ask_dev_heldout.yaml":
        assert score.oos_ok / score.oos >= 0.95
        assert score.top1 / score.asked >= 0.95


def test_a_story_with_a_clear_leader_is_answered_below_the_usual_bar(matcher: Matcher) -> None:
    """A story's other words dilute every score; a clause that asks and a clear lead are enough (ask_fresh.yaml)."""
    result = matcher.ask("两口子吵架 当着娃儿的面摔了个杯子 娃儿现在有点怕 要不要紧")
    top, second = result.candidates[:2]
    assert result.answer == 18 and top.score < matcher.tuning.answer and second.score <= 0.7 * top.score


def test_long_stories_keep_their_numbers(matcher: Matcher) -> None:
    """Regression guard on tests/data/ask_stories.yaml (91 stories with a question, 11 out of scope; tuned on)."""
    from bench.eval_set import evaluate, load

    score = evaluate(matcher, load(str(HELDOUT / "ask_stories.yaml")))
    assert score.top1 / score.asked >= 0.88
    assert score.oos_ok / score.oos >= 0.8
