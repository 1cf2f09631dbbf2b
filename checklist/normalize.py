"""The one text normaliser behind matching, urgency and the unanswered report: width, invisibles, script, noise."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# jieba slows quadratically on long runs of unknown characters; matching needs far less than this.
LIMIT = 512
# Parents put the question at the end of a long story, so a long text keeps its head and, mostly, its tail.
_HEAD = 160
# Where a space stood between Chinese characters (a chat message's comma), with `breaks`: a private-use character,
# since normalize drops every other one, so it can only ever mark a break.
BREAK = "\ue000"

# Zero-width and other format characters are category Cf; variation selectors and keycaps are marks NFKC keeps.
_DROP_CATEGORIES = frozenset({"Cf", "Co", "Cs", "Cn", "Mn", "Me"})
_SPACE_CATEGORIES = frozenset({"Cc", "Zs", "Zl", "Zp", "So", "Sk"})  # controls, spaces, emoji and pictographs
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_SPACES = re.compile(r"\s+")
_REPEATED_PUNCT = re.compile(r"([^\w\s])\1+")


@cache
def _t2s() -> object:
    import opencc  # its wheels ship the dictionaries: works offline

    return opencc.OpenCC("t2s")


def _bound(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:_HEAD] + " " + text[len(text) - (limit - _HEAD - 1) :]


def _clean_char(ch: str) -> str:
    category = unicodedata.category(ch)
    if category in _DROP_CATEGORIES:
        return ""
    if category in _SPACE_CATEGORIES:
        return " "
    return ch


def normalize(text: str, limit: int = LIMIT, breaks: bool = False) -> str:
    """NFKC (full-width → half-width), invisibles out, traditional → simplified, emoji and spacing noise out.

    The result is lower-case, at most `limit` characters, and never raises on any str. With `breaks`, a space
    between Chinese characters (a chat message's comma) becomes BREAK instead of going.
    """
    if not isinstance(text, str) or not text:
        return ""
    # Bound the raw text first (generously: invisible characters still have to be dropped) so 100k chars stay cheap.
    text = _bound(text, limit * 8)
    text = unicodedata.normalize("NFKC", text)
    text = "".join(_clean_char(ch) for ch in text)
    text = _t2s().convert(text)  # type: ignore[attr-defined]
    text = _SPACE_BETWEEN_CJK.sub(BREAK if breaks else "", text)
    text = _REPEATED_PUNCT.sub(r"\1", text)
    text = _SPACES.sub(" ", text).strip().lower()
    return _bound(text, limit).strip()
