"""Whose matter is it: chit-chat, a grown-up's own affair or another office's business is out of scope."""

from __future__ import annotations

import re

from checklist.lexicon import OutOfScope


def _union(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!x)x")


class Scope:
    """Compiled once from out_of_scope.yaml; a few regex scans per question."""

    def __init__(self, oos: OutOfScope) -> None:
        lists = (oos.patterns, oos.adult_only, oos.child, oos.elsewhere, oos.services, oos.grown_up, oos.family)
        self.chitchat, self.adult, self.child, self.elsewhere, self.services, self.grown_up, self.family = (
            _union(p) for p in lists
        )
        self.domain = tuple(oos.domain)

    def is_out(self, normalized: str, part: str | None = None) -> bool:
        """Chit-chat, or another office's business whatever it scores; `part` is a story's clause that asks."""
        if self.chitchat.search(normalized) and not self.in_domain(normalized):
            return True
        adult = [m.group(0) for m in self.adult.finditer(normalized)]
        if adult and not self.is_childs(normalized, part, adult):
            return True
        return bool(self.elsewhere.search(normalized) and not self.services.search(normalized))

    def is_childs(self, normalized: str, part: str | None, adult: list[str]) -> bool:
        """Whether a grown-up's affair is a child's matter after all: a child is named; but in a story about a
        grown-up's own affair (我妈六十八了…) a child named in passing (帮我带娃) is not enough: the clause that asks
        must name the child, or the story be about the family's hardship."""
        if part is None or not any(self.grown_up.search(a) for a in adult):
            return bool(self.child.search(normalized))
        return bool(self.child.search(part) or self.family.search(normalized))

    def in_domain(self, normalized: str) -> bool:
        return any(w in normalized for w in self.domain)
