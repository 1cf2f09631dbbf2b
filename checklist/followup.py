"""A follow-up question ("要准备什么材料", "那去哪里办") that only makes sense about the service answered before."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checklist.content import ContentError, content_dir
from checklist.normalize import normalize


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_length: int = Field(gt=0)
    minutes: int = Field(gt=0)
    patterns: list[str] = Field(min_length=1)


@dataclass(frozen=True)
class FollowUps:
    """`is_followup(text)`: short, and asks how/where/what to bring/how long/how much, naming no service itself."""

    max_length: int
    minutes: int
    pattern: re.Pattern[str]

    def is_followup(self, text: str) -> bool:
        normalized = normalize(text)
        return 0 < len(normalized) <= self.max_length and bool(self.pattern.search(normalized))

    def rest(self, text: str) -> str:
        """The text without its follow-up phrases: "孩子坐公交免费吗" keeps 孩子坐公交 (a question of its own)."""
        return self.pattern.sub(" ", normalize(text)).strip()


@cache
def load_followups(root: Path | None = None) -> FollowUps:
    """content/lexicon/followup.yaml; a bad pattern or key names the file and the field."""
    path = (root or content_dir()) / "lexicon" / "followup.yaml"
    try:
        spec = _Spec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        pattern = re.compile("|".join(f"(?:{p})" for p in spec.patterns))
    except (OSError, yaml.YAMLError, re.error) as err:
        raise ContentError(f"content/lexicon/followup.yaml: {err}".replace("\n", " ")) from None
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ContentError(f"content/lexicon/followup.yaml: field {field}: {first['msg']}") from None
    return FollowUps(spec.max_length, spec.minutes, pattern)
