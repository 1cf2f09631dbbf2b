"""Strict loading of content/lexicon: jieba dictionary, synonyms, stop words, danger and out-of-scope patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MACRO = re.compile(r"\{([a-z_]+)\}")


class LexiconError(Exception):
    """A lexicon file is missing or invalid; the message names the file and the field."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Synonyms(Strict):
    """`canonical: [variants]` at token level, and `fixes` (typo → right form) applied to the text itself."""

    synonyms: dict[str, list[str]]
    fixes: dict[str, str] = {}


CATEGORIES = (
    "alone_unattended",
    "domestic_violence",
    "abuse",
    "sexual_harm",
    "missing_child",
    "self_harm",
    "injury_or_danger_now",
)
Category = Literal[
    "alone_unattended",
    "domestic_violence",
    "abuse",
    "sexual_harm",
    "missing_child",
    "self_harm",
    "injury_or_danger_now",
]


class Signal(Strict):
    """One kind of danger: a cue, optionally confirmed by a second cue (`also`) and a subject (`needs`).

    `needs: child` → the text must also name a child (or a child speaking); `calmed_by: resolved` → an event
    plainly over (今天好了, 已经找到了) switches it off, `calmed_by: context` → also any calming context (long past,
    an insurance or relief question, an idiom); `injured` → 120 as well as 110; `entry` → the checklist entry the
    reply offers besides the emergency numbers, before any other the question matches (self-harm → 19)."""

    category: Category
    cues: list[str] = Field(min_length=1)
    also: list[str] = []
    needs: Literal["child", "anyone", "none"] = "none"
    calmed_by: Literal["nothing", "resolved", "context"] = "nothing"
    injured: bool = False
    entry: int | None = Field(default=None, ge=1, le=21)  # the service this danger calls for, before any match
    raw: bool = False  # match before `safe` blanking (a cue that needs 打工 itself: 辍学去打工)


class Urgent(Strict):
    """Danger signals; `{name}` expands a `vocab` alternation; `safe` is blanked out first; `resolved` and `calm`
    quiet the signals that allow it."""

    vocab: dict[str, str]
    subjects: dict[Literal["child", "anyone"], list[str]]
    safe: list[str]
    resolved: list[str]
    calm: list[str]
    signals: dict[str, Signal] = Field(min_length=1)


class OutOfScope(Strict):
    """Chit-chat patterns, and the words that show a question is about children or services at all; `adult_only`
    topics (pensions, driving licences…) are out of scope unless a `child` is named (in a story about a `grown_up`'s
    affair: in the clause that asks, or the story is about a `family`'s hardship); `elsewhere` topics (disputes,
    compensation, pets) are out of scope unless one of the plan's `services` is asked about."""

    patterns: list[str]
    domain: list[str] = Field(min_length=1)
    adult_only: list[str] = []
    child: list[str] = []
    elsewhere: list[str] = []
    services: list[str] = []
    grown_up: list[str] = []
    family: list[str] = []

    @field_validator("patterns", "adult_only", "child", "elsewhere", "services", "grown_up", "family")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for pattern in value:
            re.compile(pattern)
        return value


@dataclass(frozen=True)
class Lexicon:
    dictionary: tuple[str, ...]  # jieba user-dictionary lines: "word [freq] [tag]"
    synonyms: Synonyms
    stopwords: frozenset[str]
    urgent: Urgent
    out_of_scope: OutOfScope
    danger_model: Path | None = None  # the trained second net (checklist.danger_model), when there is one

    def canonical(self) -> dict[str, str]:
        """variant → canonical, the canonical form mapping to itself."""
        table = {}
        for canon, variants in self.synonyms.synonyms.items():
            table[canon] = canon
            for variant in variants:
                table[variant] = canon
        return table


def lexicon_dir() -> Path:
    return Path(str(files("content"))) / "lexicon"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise LexiconError(f"{path}: cannot read: {err}") from err


def _yaml(path: Path, model: type[Strict]) -> Any:
    try:
        data = yaml.load(_read(path), Loader=_Loader)
    except yaml.YAMLError as err:
        raise LexiconError(f"{path}: not valid YAML: {err}") from err
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise LexiconError(f"{path}: field {where}: {first['msg']}") from err


def _lines(path: Path) -> tuple[str, ...]:
    rows = (line.strip() for line in _read(path).splitlines())
    return tuple(row for row in rows if row and not row.startswith("#"))


def expand(pattern: str, vocab: dict[str, str]) -> str:
    """Replace `{name}` by `(?:alternation)` from the vocab, so patterns stay readable."""
    return _MACRO.sub(lambda m: f"(?:{vocab[m.group(1)]})", pattern)


def _check_urgent(urgent: Urgent, path: Path) -> None:
    """Compile every pattern exactly as the detector will (re keeps them cached); an error names field and pattern."""
    groups = {"safe": urgent.safe, "resolved": urgent.resolved, "calm": urgent.calm}
    groups |= {f"subjects.{k}": v for k, v in urgent.subjects.items()}
    for name, signal in urgent.signals.items():
        groups |= {f"signals.{name}.cues": signal.cues, f"signals.{name}.also": signal.also}
    missing = {"child", "anyone"} - set(urgent.subjects)
    if missing:
        raise LexiconError(f"{path}: field subjects: missing {sorted(missing)}")
    for field, patterns in groups.items():
        for pattern in patterns:
            try:
                re.compile(expand(pattern, urgent.vocab))
            except KeyError as err:
                raise LexiconError(f"{path}: field {field}: unknown vocab {err} in {pattern!r}") from err
            except re.error as err:
                raise LexiconError(f"{path}: field {field}: bad pattern {pattern!r}: {err}") from err


def union(patterns: list[str], vocab: dict[str, str]) -> str:
    """One alternation of all the patterns, each expanded."""
    return "|".join(f"(?:{expand(p, vocab)})" for p in patterns)


def load_lexicon(folder: Path | None = None) -> Lexicon:
    folder = folder or lexicon_dir()
    urgent = _yaml(folder / "urgent.yaml", Urgent)
    _check_urgent(urgent, folder / "urgent.yaml")
    for line in _lines(folder / "dictionary.txt"):
        parts = line.split()
        if len(parts) > 3 or (len(parts) > 1 and not parts[1].isdigit()):
            raise LexiconError(f"{folder / 'dictionary.txt'}: bad line {line!r} (word [freq] [tag])")
    return Lexicon(
        dictionary=_lines(folder / "dictionary.txt"),
        synonyms=_yaml(folder / "synonyms.yaml", Synonyms),
        stopwords=frozenset(_lines(folder / "stopwords.txt")),
        urgent=urgent,
        out_of_scope=_yaml(folder / "out_of_scope.yaml", OutOfScope),
        danger_model=folder / "danger_model.json" if (folder / "danger_model.json").exists() else None,
    )
