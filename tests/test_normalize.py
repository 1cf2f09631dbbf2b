"""The one normaliser: width, invisible characters, traditional script, noise, and its length bound."""

from __future__ import annotations

import opencc
from hypothesis import given, settings
from hypothesis import strategies as st

from checklist.normalize import LIMIT, normalize

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\ufe0f", "\ufe0e", "\u00ad", "\U000e0100"]


def test_zero_width_space_no_longer_splits_a_word() -> None:
    assert normalize("低\u200b保") == "低保"


def test_full_width_digits_and_letters_become_half_width() -> None:
    assert normalize("孩子１．３米ＡＢＣ") == "孩子1.3米abc"


def test_traditional_characters_become_simplified() -> None:
    assert normalize("孩子沒戶口能在這邊上學嗎") == "孩子没户口能在这边上学吗"


def test_emoji_and_repeated_punctuation_are_noise() -> None:
    assert normalize("娃娃坐公交要买票不？？？😭😭🙏") == "娃娃坐公交要买票不?"


def test_spaces_inside_chinese_text_are_dropped_but_kept_between_latin_words() -> None:
    assert normalize("低 保  怎么 办 hello  world") == "低保怎么办 hello world"


def test_control_characters_and_lone_surrogates_are_removed() -> None:
    assert normalize("a\x00b\x07c\ud800d") == "a b cd"


def test_long_text_is_bounded_and_keeps_the_question_at_the_end() -> None:
    story = "我们在重庆打工好多年了" * 200 + "今年该上初中了能不能在这边读"
    out = normalize(story)
    assert len(out) <= LIMIT
    assert out.endswith("今年该上初中了能不能在这边读")


def test_non_strings_and_empty_give_empty() -> None:
    assert normalize("") == ""
    assert normalize(None) == ""  # type: ignore[arg-type]


@given(st.text(max_size=2000))
@settings(max_examples=200, deadline=None)
def test_any_text_normalises_within_the_bound_and_is_stable(text: str) -> None:
    once = normalize(text)
    assert len(once) <= LIMIT
    assert normalize(once) == once


@given(
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=30),
    st.lists(st.tuples(st.integers(0, 30), st.sampled_from(INVISIBLE)), max_size=8),
)
@settings(max_examples=200, deadline=None)
def test_inserting_invisible_characters_never_changes_the_result(text: str, inserts: list[tuple[int, str]]) -> None:
    noisy = text
    for pos, ch in inserts:
        noisy = noisy[:pos] + ch + noisy[pos:]
    assert normalize(noisy) == normalize(text)


def test_traditional_form_of_simplified_text_normalises_back() -> None:
    s2t = opencc.OpenCC("s2t")
    for question in ["孩子没户口能在这边上学吗", "低保怎么申请", "学生乘车卡在哪里办", "残疾证怎么办理"]:
        assert normalize(s2t.convert(question)) == normalize(question)
