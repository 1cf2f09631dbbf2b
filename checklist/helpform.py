"""Typed answers of a help request and a director's forms: 小雨 7岁, a phone number, 4月10日, 明天 (not 下周三)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from checklist.answers import chinese_number

_AGE = re.compile(r"(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*(?:周岁|岁半|岁|虚岁)?")
_AGE_WORDS = re.compile(r"(?:今年|孩子|娃儿|娃|小孩|叫|称呼|名字|是)")
_PHONE_NOISE = re.compile(r"[\s\-()（）+]")
_ISO = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/.月](\d{1,2})[日号]?$")
_NAMED_DAYS = {"明天": 1, "明日": 1, "后天": 2, "大后天": 3, "下周": 7, "下星期": 7, "下礼拜": 7, "一周后": 7}
_DAYS_LATER = re.compile(r"^(\d{1,3}|[一二两三四五六七八九十]{1,3})(?:天|日)(?:以?后|之后)$")
_FILLER = re.compile(r"[吧呀啊哈嘛吗。.!！~]+$")
ALIAS_LIMIT = 40  # the ledger's limit for a child's alias


def _text(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip()


def parse_child(raw: str) -> tuple[str | None, int | None]:
    """What a parent writes about the child: an alias (not a real name needed) and/or an age.

    "小雨 7岁" → ("小雨", 7); "七岁" → (None, 7); "小雨" → ("小雨", None). Ages above 17 come back as they
    are, so the conversation can say the service is for children under 18.
    """
    text = _text(raw)
    age = None
    for match in _AGE.finditer(text):
        # Digits, or a number said with 岁, or nothing but a number: "小二" is a name, not an age.
        said = match.group(1).isdigit() or "岁" in match.group(0) or text == match.group(1)
        value = chinese_number(match.group(1)) if said else None
        if value is not None:
            age = int(value)
            text = text[: match.start()] + " " + text[match.end() :]
            break
    alias = " ".join(_AGE_WORDS.sub(" ", text).replace("，", " ").replace(",", " ").split())
    return (alias[:ALIAS_LIMIT] or None), age


def parse_phone(raw: str) -> str | None:
    """A mainland phone number as typed (spaces, dashes, +86); None unless it looks like one."""
    digits = _PHONE_NOISE.sub("", _text(raw))
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if digits.isdigit() and 7 <= len(digits) <= 12 else None


def parse_day(raw: str, today: date) -> date | None:
    """A day typed as 2026-04-10, 2026年4月10日, 4月10日, 4/10 (the next such day), 明天, 后天, 下周, 3天后;
    None if unreadable."""
    text = _FILLER.sub("", _text(raw).replace(" ", ""))
    if text in _NAMED_DAYS:
        return today + timedelta(days=_NAMED_DAYS[text])
    if (m := _DAYS_LATER.match(text)) and (n := chinese_number(m.group(1))):
        return today + timedelta(days=int(n))
    try:
        if m := _ISO.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _MONTH_DAY.match(text):
            day = date(today.year, int(m.group(1)), int(m.group(2)))
            return day if day > today else date(today.year + 1, day.month, day.day)
    except ValueError:
        return None
    return None
