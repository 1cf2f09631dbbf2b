"""The ledger's words from content/ledger.yaml (statuses, priorities, roles …), validated at load."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from bot.ledger.types import Agreement, Basis, ContactKind, Level, Priority, RefStatus, Role, Status
from bot.ledger.values import ConsentTerms
from checklist.content import content_dir


class Labels(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rules_version: str
    status: dict[Status, str]
    priority: dict[Priority, str]
    ref_status: dict[RefStatus, str]
    agreement: dict[Agreement, str]
    basis: dict[Basis, str]
    level: dict[Level, str]
    role: dict[Role, str]
    contact_kind: dict[ContactKind, str]
    export_marker: str
    export_columns: dict[str, str]
    export_punctuation: dict[str, str]  # list, items, pair

    def model_post_init(self, _context: object) -> None:
        for name in ("status", "priority", "ref_status", "agreement", "basis", "level", "role", "contact_kind"):
            enum = type(next(iter(getattr(self, name))))
            missing = set(enum) - set(getattr(self, name))
            if missing:
                raise ValueError(f"content/ledger.yaml: {name}: missing {sorted(missing)}")


@cache
def load_labels(root: Path | None = None) -> Labels:
    path = (root or content_dir()) / "ledger.yaml"
    return Labels.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@cache
def consent_terms(root: Path | None = None) -> ConsentTerms:
    """The rules a guardian agrees to: the short notice shown on the consent screen and the full rules."""
    folder = (root or content_dir()) / "privacy"
    short = (folder / "guardian_rules_short.md").read_text(encoding="utf-8").strip()
    full = (folder / "guardian_rules.md").read_text(encoding="utf-8").strip()
    digest = hashlib.sha256(f"{short}\n\x1e\n{full}".encode()).hexdigest()
    return ConsentTerms(load_labels(root).rules_version, digest, short, full)
