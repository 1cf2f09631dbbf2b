"""Score the engine on labelled sets in the held-out format (q, id, alt, urgent); `-v` lists every miss.

Run: .venv/bin/python bench/eval_set.py tests/data/ask_dev_heldout.yaml tests/data/ask_fresh.yaml [-v]
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.ask import load_matcher  # noqa: E402
from checklist.content import load_catalog  # noqa: E402
from checklist.matcher import Matcher  # noqa: E402


@dataclass
class Score:
    """The held-out numbers: top-1 (direct answer right), top-3, out-of-scope kept out, urgent recall, alarms."""

    top1: int = 0
    top3: int = 0
    asked: int = 0
    no_answer: int = 0
    oos: int = 0
    oos_ok: int = 0
    urgent: int = 0
    caught: int = 0
    calm: int = 0
    alarms: int = 0
    misses: list[tuple[Any, ...]] = field(default_factory=list)

    def line(self) -> str:
        def pct(a: int, b: int) -> str:
            return f"{a / b:.1%} ({a}/{b})" if b else "n/a"

        return (
            f"top1 {pct(self.top1, self.asked)}, no-answer {self.no_answer}, top3 {pct(self.top3, self.asked)}, "
            f"oos rejected {pct(self.oos_ok, self.oos)}, urgent recall {pct(self.caught, self.urgent)}, "
            f"false alarms {pct(self.alarms, self.calm)}"
        )


def evaluate(matcher: Matcher, items: list[dict[str, Any]]) -> Score:
    s = Score()
    for it in items:
        r = matcher.ask(it["q"])
        ok = {it.get("id"), *it.get("alt", [])} - {None}
        flagged = r.urgent is not None
        if it.get("urgent"):
            s.urgent += 1
            s.caught += flagged
            if not flagged:
                s.misses.append(("URGENT-MISS", it["q"]))
        else:
            s.calm += 1
            s.alarms += flagged
            if flagged:
                s.misses.append(("FALSE-ALARM", r.urgent.categories, it["q"]))  # type: ignore[union-attr]
        cands = [c.id for c in r.candidates]
        if it.get("id") is None and not it.get("urgent"):
            s.oos += 1
            s.oos_ok += r.answer is None
            if r.answer is not None:
                s.misses.append(("OOS-ANSWERED", r.answer, it["q"]))
        elif it.get("id") is not None:
            s.asked += 1
            if r.answer in ok:
                s.top1 += 1
            else:
                s.no_answer += r.answer is None
                s.misses.append(("WRONG" if r.answer else "NOANS", it["id"], r.answer, cands[:3], it["q"]))
            s.top3 += bool(ok & set(cands[:3]))
    return s


def load(path: str) -> list[dict[str, Any]]:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def main(argv: list[str]) -> None:
    matcher = load_matcher(load_catalog())
    for path in [a for a in argv if not a.startswith("-")]:
        score = evaluate(matcher, load(path))
        print(f"{path}: {score.line()}")
        if "-v" in argv:
            for miss in score.misses:
                print("  ", *miss)


if __name__ == "__main__":
    main(sys.argv[1:])
