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


class Contact(_Strict):
    telegram: str
    phone: str
    other: str


class Request(_Strict):
    """Buttons of a family's help request (/qiuzhu, /mine, /forget)."""

    go_on: str
    read_full: str
    agree: str
    disagree: str
    cancel: str
    is_this: str
    not_this: str
    by_group: str
    back: str
    skip: str
    yes: str
    no: str
    no_say: str
    danger_yes: str
    danger_no: str
    unsure: str
    contact: Contact
    confirm: str
    restart: str
    urgent: str
    forget_yes: str
    forget_no: str
    referral_yes: str
    referral_no: str


class Agreements(_Strict):
    ask_family: str
    director_confirmed: str
    emergency: str


class RefSteps(_Strict):
    received: str
    returned: str
    done: str


class Staff(_Strict):
    """Buttons of child directors and supervisors: on a request, and in the forms behind them."""

    open: str
    accept: str
    visit: str
    refer: str
    close: str
    agreement: Agreements
    default_share: str
    no_note: str
    next_in: dict[str, str] = Field(min_length=1)  # days → label
    ref_button: str  # "{department}：{step}", a referral's next step
    ref_status: RefSteps
    cancel: str
    prev_page: str
    next_page: str


class StaffCommands(_Strict):
    """The commands set for a director's own chat once they redeemed an invite."""

    cases: str = Field(min_length=1, max_length=256)


class UI(_Strict):
    commands: Commands
    buttons: Buttons
    assess: Assess
    request: Request
    staff: Staff
    staff_commands: StaffCommands


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
