"""Question → checklist entry: normalise, urgency first, jieba + synonyms, then rapidfuzz and keyword scoring."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from checklist.clauses import MIN_STORY, question_part
from checklist.lexicon import Lexicon, load_lexicon
from checklist.normalize import BREAK, LIMIT, normalize
from checklist.scope import Scope
from checklist.scoring import Index, Tuning
from checklist.sounds import SoundFixer
from checklist.urgency import UrgentHit, make_detector

Kind = Literal["urgent", "answer", "clarify", "unknown", "out_of_scope"]
_NOT_WORD = re.compile(r"[^\w.]+")
# Danger may sit anywhere in a long story: urgency scans a larger window than matching does.
URGENT_LIMIT = 4096
CHOICE_SHARE = 0.6  # a choice scoring under 60% of the best one would only confuse


@dataclass(frozen=True)
class Candidate:
    id: int
    score: float  # 0–100


@dataclass(frozen=True)
class AskResult:
    question: str
    kind: Kind
    urgent: UrgentHit | None
    answer: int | None
    candidates: tuple[Candidate, ...]

    def choices(self, most: int = 3) -> tuple[int, ...]:
        """The "did you mean" choices: up to `most` candidates not far below the best."""
        if not self.candidates:
            return ()
        top = self.candidates[0].score
        return tuple(c.id for c in self.candidates[:most] if c.score >= CHOICE_SHARE * top)

    def to_json(self) -> dict[str, Any]:
        """The `tongxing ask --json` contract."""
        return {
            "question": self.question,
            "urgent": self.urgent is not None,
            "answer": self.answer,
            "candidates": [{"id": c.id, "score": c.score} for c in self.candidates],
        }


class Matcher:
    """Everything is built once (jieba, patterns, the index); `ask` only scores."""

    def __init__(
        self,
        index: Index,
        lexicon: Lexicon,
        tokenizer: Any,
        tuning: Tuning | None = None,
        sounds: SoundFixer | None = None,
    ) -> None:
        self.index = index
        self.sounds = sounds
        self.lexicon = lexicon
        self.tokenizer = tokenizer
        self.tuning = tuning or Tuning()
        self.detector = make_detector(lexicon)
        self.canonical = lexicon.canonical()
        fixes = sorted(lexicon.synonyms.fixes, key=len, reverse=True)
        self._fix = re.compile("|".join(map(re.escape, fixes))) if fixes else None
        self._scope = Scope(lexicon.out_of_scope)

    @classmethod
    def build(
        cls,
        docs: Mapping[int, Sequence[str]],
        lexicon: Lexicon,
        keywords: Mapping[int, Sequence[str]] | None = None,
        tuning: Tuning | None = None,
    ) -> Matcher:
        """From plain data: each entry's documents (examples, title, summary…) and optional keywords."""
        from checklist.segment import cached_json, tokenizer
        from checklist.sounds import relevant_readings

        keywords = keywords or {}
        words = [line.split()[0] for line in lexicon.dictionary]
        words += [w for c, vs in lexicon.synonyms.synonyms.items() for w in (c, *vs)]
        tok = tokenizer([*words, *(normalize(k) for ks in keywords.values() for k in ks)])
        words = sorted({normalize(w) for w in words})
        sources = [Path(__file__).with_name(f).read_text(encoding="utf-8") for f in ("matcher.py", "sounds.py")]
        readings = cached_json([*words, sources[1]], lambda: relevant_readings(words), name="sounds")
        sounds = SoundFixer(words, readings, lambda w: tok.FREQ.get(w, 0) > 0)
        shell = cls(Index({}, {}), lexicon, tok, tuning, sounds)

        def tokenize() -> list[dict[str, list[list[str]]]]:
            return [
                {str(e): [shell.tokens(normalize(d)) for d in ds] for e, ds in table.items()}
                for table in (docs, keywords)
            ]

        parts = [repr(sorted((e, list(ds)) for e, ds in table.items())) for table in (docs, keywords)]
        # The key covers all that shapes tokens (sets sorted: their repr changes with hash randomisation).
        parts += [repr(lexicon.dictionary), repr(sorted(lexicon.stopwords)), lexicon.synonyms.model_dump_json()]
        parts += sources
        tok_docs, tok_keys = cached_json(parts, tokenize)
        shell.index = Index({int(e): v for e, v in tok_docs.items()}, {int(e): v for e, v in tok_keys.items()})
        return shell

    @classmethod
    def load(cls, folder: Path | None = None, extra: Mapping[int, Sequence[str]] | None = None) -> Matcher:
        """From content/: questions/NN.yaml (examples, keywords) and lexicon/; `extra` adds documents per entry
        (e.g. each entry's title and summary from checklist.content)."""
        from checklist.questions import load_questions

        questions = load_questions(folder / "questions" if folder else None)
        lexicon = load_lexicon(folder / "lexicon" if folder else None)
        docs = {q.id: [*q.examples, *(extra or {}).get(q.id, ())] for q in questions}
        return cls.build(docs, lexicon, {q.id: list(q.keywords) for q in questions})

    def tokens(self, normalized: str) -> list[str]:
        """jieba tokens of a normalised text, typos fixed, mapped to canonical words, stop words out."""
        return self._cut(self.fix(normalized))

    def _cut(self, text: str) -> list[str]:
        text = _NOT_WORD.sub(" ", text)
        out = []
        for word in self.tokenizer.cut(text, HMM=False):
            for token in self._split(word.strip()):
                token = self.canonical.get(token, token)
                if token and token not in self.lexicon.stopwords:
                    out.append(token)
        return list(dict.fromkeys(out))

    def fix(self, normalized: str) -> str:
        """Typos out: listed ones (synonyms.yaml `fixes`), then sound-alikes of domain words (易苗 → 疫苗)."""
        text = self._fix.sub(lambda m: self.lexicon.synonyms.fixes[m.group(0)], normalized) if self._fix else normalized
        return self.sounds.fix(text) if self.sounds else text

    def _split(self, word: str) -> list[str]:
        """A word we know stays whole; another long word also yields its dictionary sub-words (如 打游戏 → 游戏)."""
        if len(word) <= 2 or word in self.canonical:
            return [word]
        freq = self.tokenizer.FREQ
        subs = [word[i : i + n] for n in (2, 3) for i in range(len(word) - n + 1) if n < len(word)]
        return [w for w in subs if freq.get(w)] + [word]

    def candidates(self, normalized: str) -> tuple[Candidate, ...]:
        return tuple(Candidate(e, round(s, 1)) for e, s in self.index.score(self.tokens(normalized), self.tuning))

    def ask(self, text: str) -> AskResult:
        """One reply for any string; never raises."""
        question = text if isinstance(text, str) else ""
        urgent = self.detector.detect(normalize(question, URGENT_LIMIT))
        # One pass keeps a chat message's spaces as clause breaks for finding the question; scoring ignores them.
        spaced = self.fix(normalize(question, LIMIT, breaks=True))
        normalized = spaced.replace(BREAK, "")
        part = question_part(spaced) if len(normalized) >= MIN_STORY else None
        cands = tuple(Candidate(e, round(s, 1)) for e, s in self._score(normalized, part))
        kind, answer = self._decide(normalized, cands, part)
        if urgent is not None:
            # The service the danger itself points to (self-harm → 心理健康服务) comes first; else a clear match.
            return AskResult(question, "urgent", urgent, urgent.entry or (answer if kind == "answer" else None), cands)
        return AskResult(question, kind, None, answer, cands)

    def _score(self, normalized: str, part: str | None) -> list[tuple[int, float]]:
        """The whole text's scores; in a story, an entry its question clause (`part`) points to may score higher."""
        t = self.tuning
        whole = self.index.score(self._cut(normalized), t)
        if part is None:
            return whole
        focus = dict(self.index.score(self._cut(part), t))
        merged = dict(whole)
        for e, f in focus.items():
            w = merged.get(e, 0.0)
            merged[e] = max(w, t.focus_weight * f + (1 - t.focus_weight) * w)
        return sorted(merged.items(), key=lambda pair: (-pair[1], pair[0]))[: t.limit]

    def scope(self, normalized: str, part: str | None = None) -> Kind | None:
        """ "out_of_scope" when the text is chit-chat or another office's business, whatever it scores."""
        return "out_of_scope" if self._scope.is_out(normalized, part) else None

    def in_domain(self, normalized: str) -> bool:
        return self._scope.in_domain(normalized)

    def _decide(self, normalized: str, cands: tuple[Candidate, ...], part: str | None) -> tuple[Kind, int | None]:
        t = self.tuning
        if self.scope(normalized, part):
            return "out_of_scope", None
        best = cands[0].score if cands else 0.0
        second = cands[1].score if len(cands) > 1 else 0.0
        if best >= t.answer and best - second >= t.gap:
            return "answer", cands[0].id
        # A story's other words dilute every score: a clear leader is answer enough there.
        if part is not None and best >= t.story_answer and second <= t.story_lead * best:
            return "answer", cands[0].id
        if best >= t.clarify:
            return "clarify", None
        return ("unknown", None) if self.in_domain(normalized) else ("out_of_scope", None)
