"""The statistical definition of a migrant child (流动儿童), 渝民发〔2024〕13号 二（一）1."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from checklist.content import Catalog, MigrantTexts
from checklist.places import Place

Status = Literal["yes", "no", "unknown"]


@dataclass(frozen=True)
class Check:
    """One criterion of the definition: met (True), not met (False) or unknown (None), with its reason."""

    met: bool | None
    reason: str = ""
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class MigrantResult:
    status: Status
    reasons: tuple[str, ...]
    missing: tuple[str, ...]


def is_under_age_limit(age: int | None, t: MigrantTexts) -> Check:
    """不满十六周岁: 15 is a migrant child's age, 16 is not."""
    if age is None:
        return Check(None, missing=("age",))
    if age < t.age_limit:
        return Check(True, t.reasons["age_ok"].format(age=age))
    return Check(False, t.reasons["age_over"].format(age=age))


def moved_with_guardian(moved_with: str | None, t: MigrantTexts) -> Check:
    """随父母或其他监护人双方或一方离开户籍地: a child who came alone is not counted."""
    if moved_with is None:
        return Check(None, missing=("moved_with",))
    if moved_with == "alone":
        return Check(False, t.reasons["moved_alone"])
    return Check(True, t.reasons[f"moved_{moved_with}"])


def meets_cross_district(hukou: Place | None, residence: Place | None, t: MigrantTexts) -> Check:
    """跨区（县）域居住, except moves among the central group (渝中区 … 西部科学城重庆高新区)."""
    missing = tuple(k for k, p in (("hukou", hukou), ("residence", residence)) if p is None)
    if hukou is None or residence is None:
        return Check(None, missing=missing)
    names = {"hukou": hukou.label, "residence": residence.label}
    if not hukou.in_chongqing:
        return Check(True, t.reasons["outside_chongqing"].format(**names))
    if hukou.district is None or residence.district is None:
        return Check(None, missing=("hukou",) if hukou.district is None else ("residence",))
    if hukou.district == residence.district:
        return Check(False, t.reasons["same_district"].format(**names))
    if hukou.central and residence.central:
        return Check(False, t.reasons["central_move"].format(**names))
    return Check(True, t.reasons["cross_district"].format(**names))


def has_lived_long_enough(months: float | None, t: MigrantTexts) -> Check:
    """异地居住或生活6个月以上: in Chinese legal usage 以上 includes the number itself, so 6 counts."""
    if months is None:
        return Check(None, missing=("months_here",))
    shown = f"{months:g}"
    if months >= t.min_months:
        return Check(True, t.reasons["months_ok"].format(months=shown))
    return Check(False, t.reasons["months_short"].format(months=shown))


def decide_migrant(
    catalog: Catalog, hukou: Place | None, residence: Place | None, facts: Mapping[str, Any]
) -> MigrantResult:
    """Apply the four criteria; any one not met → no; else any unknown → unknown; else yes."""
    t = catalog.migrant
    checks = [
        is_under_age_limit(facts.get("age"), t),
        moved_with_guardian(facts.get("moved_with"), t),
        meets_cross_district(hukou, residence, t),
        has_lived_long_enough(facts.get("months_here"), t),
    ]
    failed = [c.reason for c in checks if c.met is False]
    if failed:
        return MigrantResult("no", tuple(failed), ())
    missing = tuple(m for c in checks for m in c.missing)
    reasons = tuple(c.reason for c in checks if c.met)
    if missing:
        labels = "、".join(catalog.fact(m).label for m in missing)
        return MigrantResult("unknown", (*reasons, t.reasons["unknown"].format(facts=labels)), missing)
    return MigrantResult("yes", reasons, ())
