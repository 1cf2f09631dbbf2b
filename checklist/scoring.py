"""Scores every entry 0–100 for a question's tokens: rapidfuzz over its examples plus IDF-weighted evidence."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

SINGLE_CHAR = 0.4  # a lone character (unknown word split up) is weak evidence
UNKNOWN_WEIGHT = 0.8  # each word no entry knows dilutes the evidence a little (IDF units)


@dataclass(frozen=True)
class Tuning:
    """Weights and thresholds, tuned by hand on tests/data/ask_labelled.yaml; `answer` and `gap` re-calibrated on
    it and the held-out dev set together (docs/benchmarks.md says how)."""

    fuzzy_weight: float = 0.45  # rapidfuzz token_set_ratio against the entry's best example
    evidence_weight: float = 0.55  # share of the question's informative words the entry knows, IDF-weighted
    keyword_boost: float = 1.0  # a word listed in the entry's keywords counts this much extra
    mass_scale: float = 2.5  # evidence below this much IDF mass is discounted (one vague word is not enough)
    share_power: float = 0.5  # how much the unexplained rest of a long story lowers the evidence
    no_keyword: float = 0.7
    common_share: float = 0.6  # a word found in more than this share of entries carries no evidence
    answer: float = 46.0  # answer directly at or above this score …
    gap: float = 2.0  # … if the runner-up is at least this far behind
    story_answer: float = 38.0  # in a story (a clause that asks was found) answer from this score …
    story_lead: float = 0.7  # … when the runner-up scores at most this share of the best
    clarify: float = 30.0  # otherwise offer choices at or above this score
    focus_weight: float = 0.5  # in a story, the question clause's own score mixed in at this share
    floor: float = 15.0  # candidates below this are not listed
    limit: int = 5


class Index:
    """Per-entry tokenised examples and keywords, with document frequencies over entries."""

    def __init__(self, docs: Mapping[int, Sequence[list[str]]], keywords: Mapping[int, Sequence[list[str]]]):
        self.entries = sorted(set(docs) | set(keywords))
        self.vocab: dict[int, Counter[str]] = {e: Counter() for e in self.entries}
        self.keys: dict[int, set[str]] = {e: set() for e in self.entries}
        for e, token_lists in docs.items():
            for tokens in token_lists:
                self.vocab[e].update(set(tokens))
        for e, token_lists in keywords.items():
            for tokens in token_lists:
                # Only a one-word keyword marks its word as the entry's own; a phrase is just more evidence.
                (self.keys[e].update if len(tokens) == 1 else self.vocab[e].update)(set(tokens))
        df: Counter[str] = Counter()
        for e in self.entries:
            df.update(set(self.vocab[e]) | self.keys[e])
        n = max(len(self.entries), 1)
        self.n = n
        self.df = df
        self.idf = {t: math.log((n + 1) / c) for t, c in df.items()}
        self.choices: list[str] = []
        self.owner: list[int] = []
        self.postings: dict[str, list[int]] = {}  # word → the examples that contain it
        for e, token_lists in docs.items():
            for tokens in token_lists:
                for token in set(tokens):
                    self.postings.setdefault(token, []).append(len(self.choices))
                self.choices.append(" ".join(tokens))
                self.owner.append(e)

    def _informative(self, tokens: Sequence[str], common_share: float) -> tuple[list[str], float]:
        """Known words that tell entries apart, and the weight of the unknown words (a story's other content)."""
        limit = common_share * self.n
        unique = [t for t in dict.fromkeys(tokens) if not t.isspace()]
        known = [t for t in unique if t in self.df and self.df[t] <= limit]
        unknown = sum(1 for t in unique if t not in self.df and len(t) > 1)
        return known, unknown * UNKNOWN_WEIGHT

    def _weight(self, e: int, w: str, t: Tuning) -> float:
        if w in self.keys[e]:
            return self.idf[w] * (1 + t.keyword_boost)
        count = self.vocab[e][w]
        if not count:
            return 0.0
        short = SINGLE_CHAR if len(w) == 1 else 1.0
        return self.idf[w] * short * min(1.0, 0.4 + 0.2 * count)

    def _evidence(self, known: list[str], unknown: float, t: Tuning) -> dict[int, float]:
        total = sum(self.idf[w] * (SINGLE_CHAR if len(w) == 1 else 1.0) for w in known) + unknown
        if total <= 0:
            return {}
        out = {}
        for e in self.entries:
            weights = [(self._weight(e, w, t), self.idf[w]) for w in known]
            mass = sum(w for w, _ in weights)
            if mass:
                share = min(1.0, sum(min(w, idf) for w, idf in weights) / total)
                value = share**t.share_power * (1 - math.exp(-mass / t.mass_scale))
                # Without one of the entry's own keywords, words borrowed from its examples are weaker evidence.
                out[e] = value if any(w in self.keys[e] for w in known) else value * t.no_keyword

        return out

    def _fuzzy(self, known: list[str]) -> dict[int, float]:
        best: dict[int, float] = {}
        if not known or not self.choices:
            return best
        query = " ".join(known)
        # Only examples sharing a word with the question can resemble it; the rest would score near zero.
        shared = sorted({i for w in known for i in self.postings.get(w, ())})
        choices = {i: self.choices[i] for i in shared}
        for _, score, i in process.extract(query, choices, scorer=fuzz.token_set_ratio, limit=None):
            e = self.owner[i]
            best[e] = max(best.get(e, 0.0), score / 100)
        return best

    def score(self, tokens: Sequence[str], t: Tuning) -> list[tuple[int, float]]:
        """(entry, 0–100) best first, at most `t.limit`, none below `t.floor`."""
        known, unknown = self._informative(tokens, t.common_share)
        evidence = self._evidence(known, unknown, t)
        fuzzy = self._fuzzy(known)
        scored = []
        for e in set(evidence) | set(fuzzy):
            ev = evidence.get(e, 0.0)
            fz = fuzzy.get(e, 0.0) * min(1.0, 0.35 + ev)  # a fuzzy look-alike needs some evidence behind it
            value = 100 * (t.evidence_weight * ev + t.fuzzy_weight * fz)
            if value >= t.floor:
                scored.append((e, value))
        scored.sort(key=lambda pair: (-pair[1], pair[0]))
        return scored[: t.limit]
