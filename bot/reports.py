"""The command-line faces of the checklist: `tongxing assess` and `tongxing entries`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bot.render import Renderer, default_renderer
from checklist.content import Catalog, load_catalog
from checklist.eligibility import ChildResult, assess
from checklist.places import gazetteer
from checklist.profile import Profile, ProfileError, parse_profile
from checklist.report import assessment_json, entries_json, result_view


def read_profile(path: Path) -> Any:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as err:
        raise ProfileError(f"{path}: cannot read the file ({err.strerror})") from None
    except UnicodeDecodeError:
        raise ProfileError(f"{path}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise ProfileError(f"{path}: not valid JSON ({err.msg} at line {err.lineno} column {err.colno})") from None


def assess_file(path: Path, as_json: bool) -> str:
    catalog = load_catalog()
    profile = parse_profile(read_profile(path), gazetteer())
    children = assess(catalog, profile)
    data = assessment_json(catalog, profile, children)
    if as_json:
        return json.dumps(data, ensure_ascii=False)
    return render_assessment(default_renderer(), catalog, profile, children, detail=True, html=False)


def render_assessment(
    renderer: Renderer, catalog: Catalog, profile: Profile, children: list[ChildResult], detail: bool, html: bool = True
) -> str:
    """The family's result as one message (Telegram HTML) or as plain text for a terminal."""
    render = renderer.html if html else renderer.text
    return render("assess_result", **result_view(catalog, profile, children, detail))


def entries_text() -> str:
    return default_renderer().text("entries_list", **entries_json(load_catalog()))


def entries_as_json() -> str:
    return json.dumps(entries_json(load_catalog()), ensure_ascii=False)
