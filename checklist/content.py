"""Load and validate content/: strict models, and errors that name the file, the entry and the field."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError, model_validator

from checklist.conditions import Condition

Stage = Literal["none", "nursery", "kindergarten", "primary", "junior", "senior", "vocational"]
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentError(Exception):
    """A content file is missing or invalid; the message names the file, the entry and the field."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Requirement(Strict):
    when: Condition
    why: str
    first_step: str | None = None


class Extra(Strict):
    when: Condition
    text: str
    first_step: str | None = None


class Rule(Strict):
    target: Condition
    target_text: str
    eligible_why: str
    requires: list[Requirement] = []
    decided_by: str | None = None
    # The service is an outcome only the office grants (低保, 特困, housing, 临时救助: 服务对象 "符合…条件的"):
    # even with every fact in place the verdict is "maybe", and `decided_by` says who decides.
    office_decides: bool = False
    extras: list[Extra] = []

    @model_validator(mode="after")
    def _office_named(self) -> Rule:
        if self.office_decides and not self.decided_by:
            raise ValueError("office_decides needs decided_by (who decides)")
        return self


class Entry(Strict):
    """One of the 21 services of the attachment, with plain-language help around it."""

    id: int = Field(ge=1)
    group: str
    service_target: str  # 服务对象
    service_item: str  # 服务项目
    service_content: str  # 服务内容
    departments: list[str] = Field(min_length=1)  # 责任部门
    policy_refs: list[str] = Field(min_length=1)
    title: str
    summary: str
    office: str
    steps: list[str] = Field(min_length=1)
    prepare: list[str] = []  # general guidance
    tips: list[str] = []  # general guidance
    rule: Rule


class Group(Strict):
    key: str = Field(pattern=r"^[a-z]{2,12}$")
    name: str
    entries: list[int] = Field(min_length=1)


class District(Strict):
    name: str
    aliases: list[str] = []
    central: bool = False


class Chongqing(Strict):
    city: str
    aliases: list[str]
    central_group_ref: str
    districts: list[District]


class City(Strict):
    name: str
    short: str


class Province(Strict):
    name: str
    aliases: list[str] = []
    cities: list[City] = []


class China(Strict):
    provinces: list[Province]


class FactDef(Strict):
    key: str
    scope: Literal["family", "child"]
    type: Literal["place", "months", "choice", "bool", "text", "age", "height"]
    label: str
    question: str
    options: dict[str, str] = {}
    typed: dict[str, list[str]] = {}  # option → words parents type for it (跟爸妈 → parents), beyond the label

    @model_validator(mode="after")
    def _typed_options(self) -> FactDef:
        if unknown := set(self.typed) - set(self.options):
            raise ValueError(f"typed words for options that do not exist: {sorted(unknown)}")
        return self


class FactGroup(Strict):
    """A screening question over several facts (see content/facts.yaml)."""

    key: str = Field(pattern=r"^[a-z]+$")
    scope: Literal["family", "child"]
    facts: list[str] = Field(min_length=2)
    question: str
    options: dict[Literal["none", "some"], str]


class Implication(Strict):
    when: Condition
    then: dict[str, Any]


class Facts(Strict):
    facts: list[FactDef]
    groups: list[FactGroup] = []
    stages: dict[Stage, str]
    describe: dict[str, Any]
    implications: list[Implication] = []

    @model_validator(mode="after")
    def _known_keys(self) -> Facts:
        keys = {f.key for f in self.facts}
        for group in self.groups:
            for key in group.facts:
                if key not in keys or self.fact_scope(key) != group.scope:
                    raise ValueError(f"group {group.key} names unknown fact {key!r} (or one of another scope)")
        for imp in self.implications:
            for key in [*imp.then, *imp.when.facts()]:
                if key not in keys:
                    raise ValueError(f"implication names unknown fact {key!r}")
        return self

    def fact_scope(self, key: str) -> str:
        return next(f.scope for f in self.facts if f.key == key)

    def group_of(self, key: str) -> FactGroup | None:
        return next((g for g in self.groups if key in g.facts), None)


class MigrantTexts(Strict):
    policy_ref: str
    age_limit: int
    min_months: int
    reasons: dict[str, str]
    status_text: dict[Literal["yes", "no", "unknown"], str]
    not_migrant_note: str
    alone_note: str  # a child who came without a parent or guardian: who can help (二（一）3 监护缺失, 二（三）1)
    not_migrant_why: str
    unknown_migrant_why: str


class RiskCriterion(Strict):
    key: str
    name: str
    question: str


class RiskCriteria(Strict):
    policy_ref: str
    criteria: list[RiskCriterion]


@dataclass(frozen=True)
class Regions:
    chongqing: Chongqing
    china: China

    @property
    def districts(self) -> list[District]:
        return self.chongqing.districts


@dataclass(frozen=True)
class Catalog:
    """Everything in content/ that the rules read, validated."""

    entries: list[Entry]
    groups: list[Group]
    regions: Regions
    facts: Facts
    migrant: MigrantTexts
    risk: RiskCriteria
    phrases: dict[str, str]

    def entry(self, entry_id: int) -> Entry:
        return self._by_id[entry_id]

    @property
    def _by_id(self) -> dict[int, Entry]:
        return {e.id: e for e in self.entries}

    def fact(self, key: str) -> FactDef:
        return next(f for f in self.facts.facts if f.key == key)


def content_dir() -> Path:
    """The content pack: TONGXING_CONTENT (a folder laid out like content/) or the one shipped with the package."""
    override = os.environ.get("TONGXING_CONTENT")
    return Path(override) if override else Path(str(files("content")))


def _read(path: Path, root: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except FileNotFoundError:
        raise ContentError(f"content/{path.relative_to(root)}: file is missing") from None
    except yaml.YAMLError as err:
        raise ContentError(f"content/{path.relative_to(root)}: not valid YAML: {err}".replace("\n", " ")) from None


def _parse(model: type[BaseModel], path: Path, root: Path, what: str = "") -> Any:
    data = _read(path, root)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        problems = [f"field {'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}" for e in err.errors()]
        raise ContentError(f"content/{path.relative_to(root)}: {what}{'; '.join(problems[:3])}") from None


def _entry(path: Path, root: Path, fact_keys: set[str]) -> Entry:
    raw = _read(path, root)
    label = f"entry {raw.get('id', '?')}: " if isinstance(raw, dict) else ""
    entry = _parse(Entry, path, root, label)
    conditions = [("rule.target", entry.rule.target)]
    conditions += [(f"rule.requires.{i}.when", r.when) for i, r in enumerate(entry.rule.requires)]
    conditions += [(f"rule.extras.{i}.when", x.when) for i, x in enumerate(entry.rule.extras)]
    for field, cond in conditions:
        for key in cond.facts():
            if key not in fact_keys:
                raise ContentError(f"content/{path.relative_to(root)}: {label}field {field}: unknown fact {key!r}")
    return entry


def _cross_check(entries: list[Entry], groups: list[Group], root: Path) -> None:
    ids = [e.id for e in entries]
    if ids != list(range(1, len(ids) + 1)):
        raise ContentError(f"content/entries: entry ids must run 1..{len(ids)} without gaps, found {ids}")
    names = {g.name: g for g in groups}
    for e in entries:
        group = names.get(e.group)
        if group is None:
            raise ContentError(f"content/entries/{e.id:02d}.yaml: entry {e.id}: field group: unknown {e.group!r}")
        if e.id not in group.entries:
            raise ContentError(f"content/groups.yaml: group {group.key}: field entries: misses entry {e.id}")
    listed = sorted(i for g in groups for i in g.entries)
    if listed != ids:
        raise ContentError(f"content/groups.yaml: field entries: must list each entry once, found {listed}")


@cache
def load_catalog(root: Path | None = None) -> Catalog:
    """Read and validate every content file; raise ContentError naming the file, the entry and the field."""
    root = root or content_dir()
    facts = _parse(Facts, root / "facts.yaml", root)
    fact_keys = {f.key for f in facts.facts}
    entries = [_entry(p, root, fact_keys) for p in sorted((root / "entries").glob("*.yaml"))]
    groups = _parse(_Groups, root / "groups.yaml", root).groups
    _cross_check(entries, groups, root)
    regions = Regions(
        chongqing=_parse(Chongqing, root / "regions" / "chongqing.yaml", root),
        china=_parse(China, root / "regions" / "china.yaml", root),
    )
    return Catalog(
        entries=entries,
        groups=groups,
        regions=regions,
        facts=facts,
        migrant=_parse(MigrantTexts, root / "migrant.yaml", root),
        risk=_parse(RiskCriteria, root / "risk_criteria.yaml", root),
        phrases=_parse(_Phrases, root / "phrases.yaml", root).root,
    )


class _Phrases(RootModel[dict[Literal["office", "prepare"], str]]):
    pass


class _Groups(Strict):
    groups: list[Group]
