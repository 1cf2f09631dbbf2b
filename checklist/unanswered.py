"""Unanswered questions for content editors: personal data scrubbed before anything is kept, then counted."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from checklist.normalize import normalize

# Order matters: ID numbers before phone numbers before any other long digit run.
_PATTERNS = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[邮箱]"),
    (re.compile(r"(?<!\d)\d{6}[\s-]?(?:\d[\s-]?){11}[\dx](?![\dx])", re.IGNORECASE), "[证件号]"),
    (re.compile(r"(?:\+?86[\s-]*)?(?<!\d)1[3-9]\d(?:[\s-]*\d){8}(?!\d)"), "[电话]"),
    (re.compile(r"(?<!\d)0\d{2,3}[\s-]*\d{7,8}(?!\d)"), "[电话]"),
    (re.compile(r"\d(?:[\s-]*\d){6,}"), "[号码]"),
    # "我叫张三" / "孩子叫李小明" / "名字是…": the name is the next 1–4 Han characters.
    (
        re.compile(
            r"((?:我|孩子|娃娃?|儿子|女儿|孙子|孙女|他|她)(?:的名字)?(?:叫做?|名叫|名字叫|名字是|姓名是?))[\u4e00-\u9fff]{1,4}"
        ),
        r"\1[姓名]",
    ),
    (re.compile(r"((?:我|孩子|娃|他|她)姓)[\u4e00-\u9fff]"), r"\1[姓]"),
)


def scrub(text: str) -> str:
    """The question with phone numbers (+86, spaces, dashes), 18-character ID numbers, e-mails and names masked."""
    cleaned = normalize(text)
    for pattern, mask in _PATTERNS:
        cleaned = pattern.sub(mask, cleaned)
    return cleaned


@dataclass(frozen=True)
class ReportRow:
    question: str
    count: int


def aggregate(rows: Iterable[str]) -> list[ReportRow]:
    """Count per scrubbed question, most frequent first (then alphabetical, so the report is stable)."""
    counts = Counter(q for q in (scrub(r) for r in rows) if q)
    return [ReportRow(q, n) for q, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
