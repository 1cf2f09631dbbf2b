"""jieba, started once and fast: a smaller dictionary derived from jieba's own plus ours, cached per user."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

# Words rarer than this in jieba's 350k-word dict.txt are left to the segmenter's single characters: the full
# dictionary alone takes ~0.9 s to load, and the questions' meaning sits in common words plus our domain terms.
MIN_FREQ = 50
DOMAIN_FREQ = 50000


def import_jieba() -> Any:
    """jieba without pkg_resources: jieba only uses it to open its own files (it falls back to plain paths), and
    importing it costs ~0.1 s of every cold start."""
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]
    return jieba


def cache_dir() -> Path:
    """TONGXING_CACHE_DIR, else the user's cache dir ($XDG_CACHE_HOME or ~/.cache)/tongxing."""
    explicit = os.environ.get("TONGXING_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tongxing"


def _writable(folder: Path) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".probe"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
        return folder
    except OSError:
        fallback = Path(tempfile.gettempdir()) / f"tongxing-{os.getuid() if hasattr(os, 'getuid') else 0}"
        fallback.mkdir(parents=True, exist_ok=True)
        return fallback


def _dictionary_lines(domain: Iterable[str]) -> list[str]:
    jieba = import_jieba()
    base = Path(jieba.__file__).with_name("dict.txt")
    lines = []
    with base.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 2 and int(parts[1]) >= MIN_FREQ:
                lines.append(f"{parts[0]} {parts[1]}")
    lines.extend(f"{word} {DOMAIN_FREQ}" for word in sorted(set(domain)) if word and " " not in word)
    return lines


def _small_dictionary(domain: list[str]) -> Path:
    jieba = import_jieba()
    key = hashlib.sha256("\n".join([jieba.__version__, str(MIN_FREQ), *sorted(set(domain))]).encode()).hexdigest()
    folder = _writable(cache_dir())
    path = folder / f"dict-{key[:16]}.txt"
    if not path.exists():
        for old in folder.glob("dict-*.*"):  # a content edit makes a new one: keep the folder small
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("\n".join(_dictionary_lines(domain)) + "\n")
        os.replace(tmp, path)
    return path


def tokenizer(domain: Iterable[str]) -> Any:
    """A ready jieba.Tokenizer knowing our domain words; jieba's start-up log never reaches the user."""
    jieba = import_jieba()
    jieba.setLogLevel(logging.CRITICAL)
    logging.getLogger("jieba").setLevel(logging.CRITICAL)
    words = sorted({w.strip().lower() for w in domain if w and w.strip()})
    path = _small_dictionary(words)
    tok = jieba.Tokenizer(dictionary=str(path))
    tok.tmp_dir = str(path.parent)
    tok.cache_file = path.with_suffix(".cache").name
    tok.initialize()
    return tok


def cached_json(parts: list[str], compute: Callable[[], Any], name: str = "tokens") -> Any:
    """compute() once per distinct input, kept as JSON in the cache dir (the examples' tokens: ~0.15 s of jieba);
    each `name` keeps only its latest file."""
    key = hashlib.sha256("\x00".join(parts).encode("utf-8", "replace")).hexdigest()[:16]
    folder = _writable(cache_dir())
    path = folder / f"{name}-{key}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = compute()
    for old in folder.glob(f"{name}-*.json"):
        old.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(value, out, ensure_ascii=False)
    os.replace(tmp, path)
    return value
