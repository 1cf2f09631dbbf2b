"""A family profile (the JSON of `tongxing assess`): strict parsing, errors that name the field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, get_args

from checklist.content import Stage
from checklist.places import Gazetteer, Place, PlaceError

HOUSEHOLD = ("economic_hardship", "dibao", "tekun", "sudden_hardship", "housing_difficulty")
CHILD_BOOLS = (
    "school_registered",
    "disability",
    "orphan",
    "hiv",
    "unsupported",
    "severe_mental_disorder",
    "psych_needs",
)
CHILD_KEYS = ("name", "age", "birth_date", "stage", "height_cm", *CHILD_BOOLS)
TOP_KEYS = (
    "residence",
    "hukou",
    "months_here",
    "moved_with",
    "residence_permit",
    "household",
    "children",
    "as_of",
)
MOVED_WITH = ("parents", "guardian", "alone")
MAX_AGE = 30


class ProfileError(ValueError):
    """Bad input; the message starts with the field it is about."""


@dataclass(frozen=True)
class Child:
    name: str | None
    facts: dict[str, Any]  # age, stage, height_cm and the booleans; a missing key means unknown


@dataclass(frozen=True)
class Profile:
    residence: Place | None
    hukou: Place | None
    facts: dict[str, Any]  # months_here, moved_with, residence_permit, household.*
    children: list[Child] = field(default_factory=list)


def parse_profile(data: Any, places: Gazetteer, today: dt.date | None = None) -> Profile:
    obj = _object(data, "profile", TOP_KEYS)
    as_of = _date(obj.get("as_of"), "as_of") or today or dt.date.today()
    facts: dict[str, Any] = {}
    _put(facts, "months_here", _number(obj.get("months_here"), "months_here", 0, 1200))
    _put(facts, "moved_with", _choice(obj.get("moved_with"), "moved_with", MOVED_WITH))
    _put(facts, "residence_permit", _bool(obj.get("residence_permit"), "residence_permit"))
    household = _object(obj.get("household", {}), "household", HOUSEHOLD)
    for key in HOUSEHOLD:
        _put(facts, f"household.{key}", _bool(household.get(key), f"household.{key}"))
    residence = _place(obj.get("residence"), "residence", places, chongqing_only=True)
    if residence is not None and not residence.in_chongqing:
        raise ProfileError(
            f"residence: {residence.label} is outside Chongqing; this checklist covers where "
            "the family lives in Chongqing (a 区县 such as 渝北区)"
        )
    children = obj.get("children")
    if not isinstance(children, list) or not children:
        raise ProfileError("children: must be a non-empty list of children")
    return Profile(
        residence,
        _place(obj.get("hukou"), "hukou", places),
        facts,
        [_child(c, f"children[{i}]", as_of) for i, c in enumerate(children)],
    )


def _child(data: Any, where: str, as_of: dt.date) -> Child:
    obj = _object(data, where, CHILD_KEYS)
    facts: dict[str, Any] = {}
    age = _number(obj.get("age"), f"{where}.age", 0, MAX_AGE, whole=True)
    born = _date(obj.get("birth_date"), f"{where}.birth_date")
    if born is not None:
        if born > as_of:
            raise ProfileError(f"{where}.birth_date: {born} is after {as_of}")
        from_birth = as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))
        if age is not None and age != from_birth:
            raise ProfileError(f"{where}.age: {age} does not match birth_date {born} (age {from_birth} on {as_of})")
        if from_birth > MAX_AGE:
            raise ProfileError(f"{where}.birth_date: {born} makes the child older than {MAX_AGE}")
        age = from_birth
    _put(facts, "age", age)
    _put(facts, "stage", _choice(obj.get("stage"), f"{where}.stage", get_args(Stage)))
    _put(facts, "height_cm", _number(obj.get("height_cm"), f"{where}.height_cm", 30, 250))
    for key in CHILD_BOOLS:
        _put(facts, key, _bool(obj.get(key), f"{where}.{key}"))
    name = obj.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > 40):
        raise ProfileError(f"{where}.name: must be a short text (up to 40 characters)")
    return Child(name or None, facts)


def _put(facts: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        facts[key] = value


def _object(data: Any, where: str, keys: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: must be a JSON object")
    unknown = [k for k in data if k not in keys]
    if unknown:
        raise ProfileError(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(keys)})")
    return data


def _bool(value: Any, where: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ProfileError(f"{where}: must be true or false (or left out when unknown), got {value!r}")


def _number(value: Any, where: str, low: float, high: float, whole: bool = False) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ProfileError(f"{where}: must be a number, got {value!r}")
    if whole and value != int(value):
        raise ProfileError(f"{where}: must be a whole number of years, got {value!r}")
    if not low <= value <= high:
        raise ProfileError(f"{where}: must be between {low:g} and {high:g}, got {value!r}")
    return int(value) if whole else value


def _choice(value: Any, where: str, allowed: tuple[str, ...]) -> str | None:
    if value is None or value in allowed:
        return value
    raise ProfileError(f"{where}: must be one of {', '.join(allowed)}, got {value!r}")


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ProfileError(f"{where}: must be a date like 2019-05-01, got {value!r}") from None


def _place(value: Any, where: str, places: Gazetteer, chongqing_only: bool = False) -> Place | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ProfileError(f"{where}: must be a place name such as 渝北区 or 四川省南充市, got {value!r}")
    try:
        return places.resolve(value, chongqing_only)
    except PlaceError as err:
        raise ProfileError(f"{where}: {err}") from None
