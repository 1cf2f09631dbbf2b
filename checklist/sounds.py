"""Typos by sound: a pinyin IME's wrong pick (易苗, 低报, 承车) is mapped back to the domain word it sounds like."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
# A wrong pick never replaces these: numbers, pronouns, particles and adverbs are typed on purpose (一包 is not
# 医保; 户口也免 is not 户口页).
_KEEP = frozenset(
    "一二三四五六七八九十百千万两几个的了吗呢吧啊么呀嘛我你他她它们这那哪不没有是在和也都就还又才很太更最再被把让给对从向跟与及或但而且"
)
MAX_LEN = 6


def toneless(reading: str) -> str:
    """'lǜ' → 'lu', 'zhǎng' → 'zhang': tone marks and the diaeresis go (IMEs are typed without them)."""
    decomposed = unicodedata.normalize("NFD", reading)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def char_readings(chars: Iterable[str]) -> dict[str, list[str]]:
    """Toneless readings of each character, from pypinyin's own table (imported only here: it costs ~0.25 s)."""
    from pypinyin.pinyin_dict import pinyin_dict

    out = {}
    for ch in set(chars):
        raw = pinyin_dict.get(ord(ch))
        if raw:
            out[ch] = sorted({toneless(r) for r in raw.split(",")})
    return out


def relevant_readings(words: Iterable[str]) -> dict[str, list[str]]:
    """Readings of every character that could stand in for a character of a domain word: all characters sharing a
    syllable with one of theirs. Built once and cached (see checklist.segment.cached_json)."""
    from pypinyin.pinyin_dict import pinyin_dict

    own = char_readings("".join(words))
    syllables = {s for rs in own.values() for s in rs}
    out = {}
    for code, raw in pinyin_dict.items():
        if not 0x4E00 <= code <= 0x9FFF:  # the common block: parents' IMEs do not offer rarer characters
            continue
        readings = sorted({toneless(r) for r in raw.split(",")})
        if syllables.intersection(readings):
            out[chr(code)] = readings
    return out


class SoundFixer:
    """Replaces a substring that is not a known word but reads exactly like a domain word (tones ignored)."""

    def __init__(self, words: Iterable[str], readings: Mapping[str, list[str]], known: Callable[[str], bool]):
        self.readings = readings
        self.known = known
        self.words = {w for w in words if 2 <= len(w) <= MAX_LEN and _CJK_RUN.fullmatch(w)}
        self.index: dict[tuple[str, str], list[str]] = {}  # first two syllables → domain words, longest first
        for word in sorted(self.words, key=lambda w: (-len(w), w)):
            if all(ch in readings for ch in word):
                for first in readings[word[0]]:
                    for second in readings[word[1]]:
                        self.index.setdefault((first, second), []).append(word)
        self.longest = max(map(len, self.words), default=0)

    def _sounds_like(self, sub: str, word: str) -> bool:
        differ = [i for i, (a, b) in enumerate(zip(sub, word, strict=True)) if a != b]
        # At least half the word is typed right (易苗, 残急证): a word replaced wholesale is a different word.
        if not differ or len(differ) > max(1, len(word) // 2) or any(sub[i] in _KEEP for i in differ):
            return False
        return all(set(self.readings.get(a, ())) & set(self.readings[b]) for a, b in zip(sub, word, strict=True))

    def _straddles(self, run: str, start: int, end: int) -> bool:
        """A known word crossing the edge of run[start:end] (已报名: 报名) shows the text means something else."""
        for edge in (start, end):
            for a in range(max(0, edge - 3), edge):
                for b in range(edge + 1, min(len(run), edge + 3) + 1):
                    if (a < start or b > end) and a < edge < b and self.known(run[a:b]):
                        return True
        return False

    def _at(self, run: str, i: int) -> str | None:
        """The longest domain word written at run[i:], rightly or by sound (特困供样 → 特困供养)."""
        best = next(
            (run[i : i + n] for n in range(min(self.longest, len(run) - i), 1, -1) if run[i : i + n] in self.words),
            None,
        )
        for first in self.readings.get(run[i], ()):
            for second in self.readings.get(run[i + 1], ()) if i + 1 < len(run) else ():
                for word in self.index.get((first, second), ()):
                    if best and len(word) <= len(best):
                        break  # the lists run longest first
                    sub = run[i : i + len(word)]
                    if len(sub) == len(word) and not self.known(sub) and self._sounds_like(sub, word):
                        if not self._straddles(run, i, i + len(word)):
                            best = word
                            break
        return best

    def _fix_run(self, run: str) -> str:
        out, i = [], 0
        while i < len(run):
            word = self._at(run, i)
            out.append(word or run[i])
            i += len(word) if word else 1
        return "".join(out)

    def fix(self, text: str) -> str:
        """The text with each sound-alike of a domain word replaced by the word itself."""
        if not self.index:
            return text
        return _CJK_RUN.sub(lambda m: self._fix_run(m.group(0)), text)
