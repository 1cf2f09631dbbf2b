"""Shared fixtures: one matcher for the whole run (building it is the expensive part), the labelled set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from checklist.matcher import Matcher

DATA = Path(__file__).parent / "data"
CASES = Path(__file__).parent / "cases"


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def matcher() -> Matcher:
    return Matcher.load()


@pytest.fixture(scope="session")
def labelled() -> dict[str, Any]:
    return load_yaml(DATA / "ask_labelled.yaml")
