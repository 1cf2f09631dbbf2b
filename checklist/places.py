"""Place names as people type them: a Chongqing 区县, Chongqing without a district, or a place outside Chongqing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

from checklist.content import District, Regions
from checklist.normalize import normalize

# Words people put around a place name ("我们现在住在渝北", "户口在四川南充那边").
_LEAD = re.compile(r"^(?:我们|我家|我们家|我|家里|家|现在|目前|户口|户籍|老家|住在|住|在|是|属于|中国|中华人民共和国)+")
_TAIL = re.compile(r"(?:那边|这边|那里|这里|的人|人|的)+$")
_NOISE = re.compile(r"[\s\W_]+")
_OUTSIDE = ("外省", "省外", "重庆以外", "重庆外面")


class PlaceError(ValueError):
    """An unknown place name; `suggestions` holds the nearest known names."""

    def __init__(self, text: str, suggestions: list[str]) -> None:
        super().__init__(text)
        self.text = text
        self.suggestions = suggestions

    def __str__(self) -> str:
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        return f"unknown place {self.text!r}{hint}"


@dataclass(frozen=True)
class Place:
    label: str
    in_chongqing: bool
    district: District | None = None
    province: str | None = None
    city: str | None = None

    @property
    def central(self) -> bool:
        return bool(self.district and self.district.central)


def clean(text: str) -> str:
    """The one normaliser (width, invisibles, traditional → simplified), then the words around a place name."""
    text = _NOISE.sub("", normalize(text, limit=200))
    return _TAIL.sub("", _LEAD.sub("", text))


class Gazetteer:
    """Resolves typed place names against content/regions."""

    def __init__(self, regions: Regions) -> None:
        cq = regions.chongqing
        self.city = cq.city
        self.cq_prefixes = sorted((a for a in {cq.city, *cq.aliases} if len(a) > 1), key=len, reverse=True)
        self.cq_exact = set(cq.aliases) | {cq.city}
        self.districts = _longest_first((n, d) for d in cq.districts for n in (d.name, *d.aliases))
        self.provinces = _longest_first((n, p) for p in regions.china.provinces for n in (p.name, *p.aliases))
        self.cities = _longest_first(
            (n, (p, c)) for p in regions.china.provinces for c in p.cities for n in (c.name, c.short)
        )
        # What a suggestion can be, with every spelling it answers to.
        self.cq_names = {d.name: (d.name, *d.aliases) for d in cq.districts}
        self.all_names = {**self.cq_names, **{p.name: (p.name, *p.aliases) for p in regions.china.provinces}}
        self.all_names |= {p.name + c.name: (c.name, c.short) for p in regions.china.provinces for c in p.cities}

    def resolve(self, text: str, chongqing_only: bool = False) -> Place:
        """The place `text` names; PlaceError with suggestions (Chongqing's 区县 only, if asked) when unknown."""
        try:
            return self._resolve(text)
        except PlaceError as err:
            if chongqing_only or not err.suggestions:
                err.suggestions = self.suggest(clean(text), self.cq_names if chongqing_only else self.all_names)
            raise

    def _resolve(self, text: str) -> Place:
        key = clean(text)
        if not key:
            raise PlaceError(text, [])
        if key in self.cq_exact:
            return Place(self.city, in_chongqing=True)
        if key in _OUTSIDE:
            return Place(key, in_chongqing=False)
        for prefix in self.cq_prefixes:
            if key.startswith(prefix):
                rest = key[len(prefix) :]
                return self._district(rest, text) if rest else Place(self.city, in_chongqing=True)
        return self._anywhere(key, text)

    def _district(self, key: str, text: str) -> Place:
        found = _prefix(self.districts, key)
        if found is None:
            raise PlaceError(text, self.suggest(key, self.cq_names))
        return Place(found[1].name, in_chongqing=True, district=found[1])

    def _anywhere(self, key: str, text: str) -> Place:
        if found := _prefix(self.districts, key):
            return Place(found[1].name, in_chongqing=True, district=found[1])
        if found := _prefix(self.provinces, key, exact_short=True):
            name, province = found
            rest = key[len(name) :]
            city = _prefix([(n, c) for n, (p, c) in self.cities if p is province], rest) if rest else None
            city_name = city[1].name if city else None
            return Place(province.name + (city_name or ""), False, province=province.name, city=city_name)
        if found := _prefix(self.cities, key):
            province, city = found[1]
            return Place(province.name + city.name, False, province=province.name, city=city.name)
        raise PlaceError(text, [])

    @staticmethod
    def suggest(key: str, names: dict[str, tuple[str, ...]]) -> list[str]:
        """The nearest names by characters or by sound (pinyin input makes 瑜北 for 渝北), best first."""
        if not key:
            return []
        sound = _pinyin(key)
        scores = {
            name: max(max(fuzz.ratio(key, s), fuzz.ratio(sound, _pinyin(s)) - 5) for s in spellings)
            for name, spellings in names.items()
        }
        best = sorted(scores, key=lambda n: -scores[n])[:3]
        return [name for name in best if scores[name] >= 55]


@cache
def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(text))


def _longest_first(pairs):  # type: ignore[no-untyped-def]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def _prefix(pairs, key: str, exact_short: bool = False):  # type: ignore[no-untyped-def]
    """(name, value) of the longest name that starts `key`; one-character names only match exactly."""
    for name, value in pairs:
        if len(name) == 1 and not exact_short:
            continue
        if (len(name) > 1 and key.startswith(name)) or key == name:
            return name, value
    return None


@cache
def gazetteer() -> Gazetteer:
    from checklist.content import load_catalog

    return Gazetteer(load_catalog().regions)
