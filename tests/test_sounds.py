"""Typos by sound: an IME's wrong pick maps back to the domain word; real words and numbers are left alone."""

from __future__ import annotations

import pytest

from checklist.matcher import Matcher
from checklist.normalize import normalize
from checklist.sounds import SoundFixer, char_readings, toneless


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("易苗", "疫苗"),
        ("低报", "低保"),
        ("地保", "低保"),
        ("承车", "乘车"),
        ("如学", "入学"),
        ("童心港弯", "童心港湾"),
        ("节读", "借读"),
        ("残急证", "残疾证"),
        ("公组房", "公租房"),
        ("随签子女", "随迁子女"),
    ],
)
def test_sound_alikes_of_domain_words_are_fixed(matcher: Matcher, typed: str, meant: str) -> None:
    assert meant in matcher.fix(normalize(f"请问{typed}怎么办"))


@pytest.mark.parametrize(
    "text",
    [
        "一包二十几块钱",  # 一包 reads like 医保, but numbers are typed on purpose
        "我已报名了",  # 已报 straddles the real word 报名
        "外地户口也免吗",  # 户口 is written right; 户口也 is not 户口页
        "公主的裙子",  # 公主 is a known word
        "低保怎么申请",  # already right
        "孩子今天很开心",
    ],
)
def test_real_words_numbers_and_right_spellings_stay(matcher: Matcher, text: str) -> None:
    assert matcher.fix(normalize(text)) == normalize(text)


@pytest.mark.parametrize(
    ("question", "entry"),
    [("低报怎么申请", 14), ("学生承车卡怎么办", 17), ("残急证在哪里办", 12), ("外地户口的宝宝能打易苗吗", 1)],
)
def test_a_sound_typo_still_reaches_its_entry(matcher: Matcher, question: str, entry: int) -> None:
    assert entry in [c.id for c in matcher.ask(question).candidates[:1]]


def test_toneless_readings() -> None:
    assert toneless("lǜ") == "lu" and toneless("zhǎng") == "zhang"
    assert "yi" in char_readings("易")["易"]


def test_fixer_works_on_plain_data_without_pypinyin() -> None:
    readings = {"疫": ["yi"], "易": ["yi"], "苗": ["miao"], "描": ["miao"], "一": ["yi"]}
    fixer = SoundFixer(["疫苗"], readings, known=lambda w: w == "描述")
    assert fixer.fix("打易苗") == "打疫苗"
    assert fixer.fix("一苗") == "一苗"  # a number is never the wrong pick
    assert fixer.fix("易描") == "易描"  # a word replaced wholesale is another word
    assert fixer.fix("abc 易苗") == "abc 疫苗"
