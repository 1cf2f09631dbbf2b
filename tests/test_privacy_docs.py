"""The guardian's processing rules: the docs carry the bot's exact text, and the consent notice stays short."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content" / "privacy"
DOCS = ROOT / "docs" / "privacy"
SHORT_LIMIT = 350


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def between_markers(text: str, name: str) -> str:
    """The text a docs page quotes between <!-- BEGIN name --> and <!-- END name -->."""
    found = re.findall(rf"<!-- BEGIN {re.escape(name)} -->\n(.*?)\n<!-- END {re.escape(name)} -->", text, re.S)
    assert len(found) == 1, f"{name}: expected exactly one BEGIN/END block in processing-rules.md"
    return found[0].strip()


@pytest.mark.parametrize("name", ["guardian_rules.md", "guardian_rules_short.md"])
def test_docs_quote_the_rules_the_bot_shows_word_for_word(name: str) -> None:
    shown = read(CONTENT / name).strip()
    quoted = between_markers(read(DOCS / "processing-rules.md"), name)
    assert quoted == shown


def test_short_notice_fits_the_consent_screen() -> None:
    short = read(CONTENT / "guardian_rules_short.md").strip()
    assert len(short) <= SHORT_LIMIT, f"short notice is {len(short)} characters, limit {SHORT_LIMIT}"


@pytest.mark.parametrize("must", ["/forget", "110", "/mine", "部署本服务的民政部门", "单独同意", "7", "3年"])
def test_short_notice_says_what_a_guardian_needs_first(must: str) -> None:
    assert must in read(CONTENT / "guardian_rules_short.md")


@pytest.mark.parametrize(
    "must",
    [
        "部署本服务的民政部门",  # who processes (art. 17(1)(1)), never a template placeholder
        "/mine",  # access
        "/forget",  # deletion and withdrawal
        "110",  # danger first
        "7 天",  # drafts
        "默认办结后 3 年",  # closed entries
        "至少保存 3 年",  # audit log
        "加密保存",  # encryption at rest
        "第十三条第一款第（四）项",  # the urgent path's legal basis
        "第十一条",  # mandatory report
        "二（三）1",  # the plan's mandatory-report clause
    ],
)
def test_long_rules_cover_what_the_short_notice_promises(must: str) -> None:
    assert must in read(CONTENT / "guardian_rules.md")


@pytest.mark.parametrize("path", sorted([*CONTENT.glob("*.md"), *DOCS.glob("*.md")]), ids=lambda p: p.name)
def test_no_template_placeholders_in_the_documents(path: Path) -> None:
    text = read(path)
    assert "{{" not in text and "{%" not in text, f"{path.name} has a template placeholder"


def test_docs_index_lists_every_privacy_document() -> None:
    index = read(DOCS / "README.md")
    for page in DOCS.glob("*.md"):
        if page.name != "README.md":
            assert page.name in index, f"docs/privacy/README.md does not link {page.name}"
