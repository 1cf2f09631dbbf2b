"""A follow-up question ("要准备什么材料", "那去哪里办") that only makes sense about the service answered before."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checklist.content import ContentError, content_dir
from checklist.normalize import normalize

Aspect = Literal["prepare", "where", "how", "when", "cost", "conditions"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_length: int = Field(gt=0)
    minutes: int = Field(gt=0)
    aspects: dict[Aspect, list[str]] = Field(min_length=1)


@dataclass(frozen=True)
class FollowUps:
    """Which part of a service a short follow-up asks about (what to bring, where, how, how long, cost, who)."""

    max_length: int
    minutes: int
    patterns: tuple[tuple[str, re.Pattern[str]], ...]  # (aspect, its pattern) in the file's order

    def aspect(self, text: str) -> str | None:
        normalized = normalize(text)
        if not 0 < len(normalized) <= self.max_length:
            return None
        return next((name for name, pattern in self.patterns if pattern.search(normalized)), None)

    def rest(self, text: str) -> str:
        """The text without its follow-up phrases: "孩子坐公交免费吗" keeps 孩子坐公交 (a question of its own)."""
        out = normalize(text)
        for _, pattern in self.patterns:
            out = pattern.sub(" ", out)
        return " ".join(out.split())


def _compile(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@cache
def load_followups(root: Path | None = None) -> FollowUps:
    """content/lexicon/followup.yaml; a bad pattern or key names the file and the field."""
    path = (root or content_dir()) / "lexicon" / "followup.yaml"
    try:
        spec = _Spec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        patterns = tuple((name, _compile(ps)) for name, ps in spec.aspects.items())
    except (OSError, yaml.YAMLError, re.error) as err:
        raise ContentError(f"content/lexicon/followup.yaml: {err}".replace("\n", " ")) from None
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ContentError(f"content/lexicon/followup.yaml: field {field}: {first['msg']}") from None
    return FollowUps(spec.max_length, spec.minutes, patterns)
