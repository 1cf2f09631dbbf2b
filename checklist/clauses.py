"""The question inside a story: parents tell what happened, then ask in one clause; find that clause."""

from __future__ import annotations

import re

from checklist.normalize import BREAK

# Shorter texts are one question already; splitting them would only lose context.
MIN_STORY = 24
# Clause breaks: sentence and clause punctuation, spaces (chat messages use them as commas), ellipses.
_BREAK = re.compile(rf"[。！？!?，,；;：:、\s…~{BREAK}]+")
# A parent turning from the story to the question: everything after it is the question.
_TURN = re.compile(
    r"(?:我?想|请)问(?:一下|下|问)?(?:大家|一哈)?|问一下|问下|问问|咨询一下|想咨询|想知道|想了解(?:一下)?|还有就是|另外"
)
# A clause that asks: question particles and words, dialect forms included (莫得, 得不得, 要得不).
_ASKS = re.compile(
    r"吗|嘛|呢|\?|啥|什么|怎么|怎样|咋|哪|(?<![好十百千万])几(?!乎)|多少|好多钱|多久|可不可以|可以不|"
    r"(.)[不没]\1|有莫得|有没得|要得不|[要能可有管算][不没]$|[么不没]$|"
    r"谁|如何|办法|条件|流程|材料|手续"
)


def clauses(normalized: str) -> list[str]:
    return [c for c in _BREAK.split(normalized) if c]


def question_part(normalized: str) -> str | None:
    """The clauses of a long text that ask something (from a turn like 想问 onwards, else each asking clause),
    or None when the text is short, asks nothing, or is all question. The text is normalised with `breaks`: chat
    messages break clauses with spaces, which normalize otherwise drops between Chinese characters."""
    if len(normalized) < MIN_STORY:
        return None
    turn = _TURN.search(normalized)
    after = clauses(normalized[turn.end() :]) if turn else []
    parts = after or clauses(normalized)
    asking = [c for c in parts if _ASKS.search(c)]
    if after:
        # After a turn the first clause is the question even when it has no particle (想问一下，孩子…的政策).
        asking = list(dict.fromkeys([after[0], *asking]))
    focus = " ".join(asking)
    if not asking or len(focus) >= 0.8 * len(normalized):
        return None
    return focus
