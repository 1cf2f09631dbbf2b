"""The layers of DESIGN.md hold: handlers import nothing from bot, checklist no aiogram; user text lives in content."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "handlers").glob("*.py")), ids=lambda p: p.name)
def test_handlers_import_nothing_from_bot(path: Path) -> None:
    assert not [m for m in imports(path) if m == "bot" or m.startswith("bot.")]


@pytest.mark.parametrize("path", sorted((ROOT / "checklist").glob("*.py")), ids=lambda p: p.name)
def test_checklist_imports_no_aiogram_bot_or_handlers(path: Path) -> None:
    assert not [m for m in imports(path) if m.split(".")[0] in {"aiogram", "bot", "handlers"}]


@pytest.mark.parametrize("path", sorted((ROOT / "handlers").glob("*.py")), ids=lambda p: p.name)
def test_handlers_hold_no_chinese_text(path: Path) -> None:
    """Every sentence a parent reads comes from content/ (templates, bot.yaml), never from a handler."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module | ast.ClassDef)
        and n.body
        and isinstance(n.body[0], ast.Expr)
    }
    literals = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]
    assert not [s for s in literals if CJK.search(s)]
