"""Strict loading of content/questions/NN.yaml: each entry's example questions and keywords."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from checklist.lexicon import LexiconError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ENTRY_IDS = range(1, 22)


class EntryQuestions(BaseModel):
    """Parents' own ways of asking about one entry; they double as the matcher's data."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int = Field(ge=1, le=21)
    keywords: list[str] = Field(min_length=1)
    examples: list[str] = Field(min_length=15)

    @field_validator("keywords", "examples")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        if any(not isinstance(v, str) or not v.strip() for v in value):
            raise ValueError("blank item")
        return value


def questions_dir() -> Path:
    return Path(str(files("content"))) / "questions"


def load_questions(folder: Path | None = None) -> list[EntryQuestions]:
    """All 21 files, in id order; an error names the file and the field."""
    folder = folder or questions_dir()
    out = []
    for entry_id in ENTRY_IDS:
        path = folder / f"{entry_id:02d}.yaml"
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
            item = EntryQuestions.model_validate(data)
        except (OSError, yaml.YAMLError) as err:
            raise LexiconError(f"{path}: cannot read: {err}") from err
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(top level)"
            raise LexiconError(f"{path}: field {where}: {first['msg']}") from err
        if item.id != entry_id:
            raise LexiconError(f"{path}: field id: {item.id} does not match the file name")
        out.append(item)
    return out
