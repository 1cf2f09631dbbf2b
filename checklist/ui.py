"""The bot's menu words from content/bot.yaml: command descriptions and button labels, validated at load."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checklist.content import ContentError, content_dir


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Commands(_Strict):
    """Telegram allows 1-256 characters per description."""

    start: str = Field(min_length=1, max_length=256)
    help: str = Field(min_length=1, max_length=256)
    assess: str = Field(min_length=1, max_length=256)
    list: str = Field(min_length=1, max_length=256)
    qiuzhu: str = Field(min_length=1, max_length=256)
    mine: str = Field(min_length=1, max_length=256)
    forget: str = Field(min_length=1, max_length=256)


class Buttons(_Strict):
    ask: str
    assess: str
    list: str
    qiuzhu: str
    useful: str
    useless: str
    back_to_groups: str
    back_to_group: str


class Assess(_Strict):
    """Buttons of the self-assessment questionnaire."""

    yes: str
    no: str
    dont_know: str
    back: str
    cancel: str
    see_result: str
    change: str
    back_to_summary: str
    children: dict[str, str] = Field(min_length=1)
    restart: str
    child_title: str
    child_title_age: str
    change_line: str
    formats: dict[str, str]
    hints: dict[str, str]


class UI(_Strict):
    commands: Commands
    buttons: Buttons
    assess: Assess


@cache
def load_ui(root: Path | None = None) -> UI:
    """Read content/bot.yaml; a missing or misspelt key names the file and the field."""
    path = (root or content_dir()) / "bot.yaml"
    try:
        return UI.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as err:
        raise ContentError(f"content/bot.yaml: cannot read: {err}".replace("\n", " ")) from None
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ContentError(f"content/bot.yaml: field {field}: {first['msg']}") from None
