"""Typed answers to the questionnaire, as parents write them: 七岁, 8个月, 两年半, 1米2, 125, 是的, 没有."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUMBER = re.compile(r"\d+(?:\.\d+)?|[零〇一二两俩三四五六七八九十]+")
_YES = re.compile(r"^(?:是|是的|对|对的|有|有的|嗯|恩|办了|已经办了|办过|yes|y|ok|好|要得|有嘞)$", re.I)
_NO = re.compile(r"^(?:否|不是|没|没有|无|不|没办|还没办|还没有|不困难|no|n|莫得|没得)$", re.I)
# A number that names a child's place among siblings, a school grade or a count, not an age.
_NOT_AGE = re.compile(r"^[老第][^岁]|(?:年级|个孩子|个娃|胎|个小孩|班)")
_UNKNOWN = re.compile(r"^(?:不知道|不清楚|不确定|不晓得|晓不得|不想说|跳过|说不清|搞不清楚?|不记得)$")


def _text(raw: str) -> str:
    return re.sub(r"[\s。！!？?，,~～]+", "", unicodedata.normalize("NFKC", raw)).lower()


def chinese_number(text: str) -> float | None:
    """Arabic or small Chinese numbers: 7, 7.5, 七, 十二, 二十."""
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if not text or any(ch not in _DIGITS and ch != "十" for ch in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return float((_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0))
    return float(int("".join(str(_DIGITS[ch]) for ch in text)))


def parse_age(raw: str) -> int | None:
    """An age as typed: 7, 七岁, 12岁了, 8个月 (→ 0), 两岁半; 老二 (the second child) or 三年级 is not an age."""
    text = _text(raw)
    match = next(
        (m for m in _NUMBER.finditer(text) if not _NOT_AGE.search(text[max(0, m.start() - 1) : m.end() + 3])), None
    )
    if not match:
        return 0 if re.search(r"(?:个月|月大|刚出生|没满一岁|不到一岁)", text) else None
    value = chinese_number(match.group())
    if value is None or value > 30:
        return None
    if "月" in text[match.end() : match.end() + 2] and "岁" not in text:
        return int(value // 12)
    return int(value)


def parse_months(raw: str) -> float | None:
    """How long the family has lived here, in months: 8个月, 两年, 一年半, 半年, 3年多."""
    text = _text(raw)
    if text in ("半年", "半年多"):
        return 6.0
    match = _NUMBER.search(text)
    if not match:
        return None
    value = chinese_number(match.group())
    if value is None:
        return None
    unit = text[match.end() :]
    if unit.startswith("年"):
        return value * 12 + (6 if "半" in unit else 0)
    if unit.startswith(("个月", "月")) or not unit:
        return value if value <= 1200 else None
    if unit.startswith(("天", "周", "星期")):
        return 0.0
    return None


def parse_height(raw: str) -> float | None:
    """Height in centimetres: 125, 125cm, 1.25米, 1米2, 一米三."""
    text = _text(raw).replace("厘米", "cm").replace("公分", "cm")
    meters = re.fullmatch(r"([1一])米([0-9一二三四五六七八九])?([0-9一二三四五六七八九])?(?:cm)?", text)
    if meters:
        digits = [chinese_number(d) or 0 for d in meters.groups()[1:] if d]
        return 100 + (digits[0] * 10 if digits else 0) + (digits[1] if len(digits) > 1 else 0)
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(cm|m|米)?", text)
    if not match:
        return None
    value = float(match.group(1))
    value = value * 100 if match.group(2) in ("m", "米") or value < 3 else value
    return value if 30 <= value <= 250 else None


def parse_bool(raw: str) -> bool | None:
    text = _text(raw)
    if _YES.match(text):
        return True
    if _NO.match(text):
        return False
    return None


def is_unknown(raw: str) -> bool:
    return bool(_UNKNOWN.match(_text(raw)))


def parse_count(raw: str) -> int | None:
    """How many children: 2, 两个, 三个孩子."""
    text = re.sub(r"(?:个|孩子|娃儿|娃|小孩)+$", "", _text(raw))
    value = chinese_number(text)
    return int(value) if value is not None and value == int(value) else None


def parse_screening(raw: str) -> str | None:
    """A screening question's answer: 都没有 → "none", 有 → "some"."""
    said = parse_bool(_text(raw).replace("都", "").replace("全", ""))
    return None if said is None else ("some" if said else "none")


def parse_choice(options: dict[str, str], raw: str, typed: dict[str, list[str]] | None = None) -> str | None:
    """An option typed in words: 上初中 → junior, 跟爷爷奶奶 → guardian; an option's own typed words (跟爸妈 →
    parents; the longest found wins), else the closest label, if close enough."""
    from rapidfuzz import fuzz

    words = _text(raw)
    if not words:
        return None
    if words in options:
        return words
    said = [(len(w), code) for code, ws in (typed or {}).items() for w in ws if _text(w) in words]
    if said:
        return max(said)[1]
    scores = {code: _fit(words, label, fuzz.partial_ratio) for code, label in options.items()}
    best = max(scores, key=lambda code: scores[code])
    return best if scores[best] >= 70 else None


def _fit(words: str, label: str, partial_ratio: Any) -> float:
    if words in label or any(part in words for part in _label_words(label)):
        return 100.0 + len(label) / 100  # a whole word of the label: certain (the longer label is more specific)
    return max(partial_ratio(words, part) for part in [label, *_label_words(label)] if len(part) >= 2)


def _label_words(label: str) -> list[str]:
    """The words of an option label a parent might type alone: 托班/托育 → 托班, 托育."""
    return [p for p in re.split(r"[（）()/、，,或\s]+", label) if len(p) >= 2]


def is_cancel(raw: str) -> bool:
    return _text(raw) in ("取消", "退出", "不测了", "算了", "cancel")
