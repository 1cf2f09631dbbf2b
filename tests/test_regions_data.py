"""Checks the shape and known facts of content/regions/china.yaml, the place-name data the resolver reads."""

from collections import Counter
from pathlib import Path
from typing import Any

import opencc
import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "content" / "regions" / "china.yaml"

# Province-administered county-level units (省直辖县级行政单位); they are listed but are not prefectures.
PROVINCE_ADMINISTERED = {
    "湖北省": {"仙桃市", "潜江市", "天门市", "神农架林区"},
    "河南省": {"济源市"},
    "海南省": {
        "五指山市",
        "琼海市",
        "文昌市",
        "万宁市",
        "东方市",
        "定安县",
        "屯昌县",
        "澄迈县",
        "临高县",
        "白沙黎族自治县",
        "昌江黎族自治县",
        "乐东黎族自治县",
        "陵水黎族自治县",
        "保亭黎族苗族自治县",
        "琼中黎族苗族自治县",
    },
    "新疆维吾尔自治区": {
        "石河子市",
        "阿拉尔市",
        "图木舒克市",
        "五家渠市",
        "北屯市",
        "铁门关市",
        "双河市",
        "可克达拉市",
        "昆玉市",
        "胡杨河市",
        "新星市",
        "白杨市",
    },
}
# These list districts (or parishes) instead of prefectures.
DISTRICT_LISTS = {"北京市", "天津市", "上海市", "香港特别行政区", "澳门特别行政区", "台湾省"}
PREFECTURE_SUFFIXES = ("市", "地区", "自治州", "盟")


@pytest.fixture(scope="module")
def provinces() -> list[dict[str, Any]]:
    with DATA.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert set(data) == {"provinces"}
    return data["provinces"]


@pytest.fixture(scope="module")
def by_name(provinces: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in provinces}


def prefectures(province: dict[str, Any]) -> list[str]:
    skip = PROVINCE_ADMINISTERED.get(province["name"], set())
    return [c["name"] for c in province["cities"] if c["name"] not in skip]


def province_of(by_name: dict[str, dict[str, Any]], short: str) -> set[str]:
    return {p for p, prov in by_name.items() if any(c["short"] == short for c in prov["cities"])}


def test_33_provinces_without_chongqing(provinces: list[dict[str, Any]]) -> None:
    names = [p["name"] for p in provinces]
    assert len(names) == 33
    assert len(set(names)) == 33
    assert "重庆市" not in names
    kinds = Counter(n[-3:] if n.endswith(("自治区", "行政区")) else n[-1] for n in names)
    assert kinds == {"省": 23, "自治区": 5, "市": 3, "行政区": 2}  # 23 省 counts 台湾省


def test_every_entry_is_well_formed(provinces: list[dict[str, Any]]) -> None:
    for p in provinces:
        assert set(p) == {"name", "aliases", "cities"}, p["name"]
        assert p["aliases"] and all(isinstance(a, str) and a for a in p["aliases"])
        assert p["name"] not in p["aliases"] and len(set(p["aliases"])) == len(p["aliases"])
        assert p["cities"], f"{p['name']} has no cities"
        for c in p["cities"]:
            assert set(c) == {"name", "short"}, c
            assert c["short"] and c["short"] in c["name"], c


def test_no_duplicates_within_a_province(provinces: list[dict[str, Any]]) -> None:
    for p in provinces:
        for key in ("name", "short"):
            dupes = [k for k, n in Counter(c[key] for c in p["cities"]).items() if n > 1]
            assert not dupes, f"{p['name']} repeats {key}: {dupes}"


def test_simplified_chinese_only(provinces: list[dict[str, Any]]) -> None:
    t2s = opencc.OpenCC("t2s")
    text = DATA.read_text(encoding="utf-8")
    assert t2s.convert(text) == text


def test_prefecture_names_are_full_official_names(provinces: list[dict[str, Any]]) -> None:
    for p in provinces:
        if p["name"] in DISTRICT_LISTS:
            continue
        for name in prefectures(p):
            assert name.endswith(PREFECTURE_SUFFIXES), name


def test_province_administered_units_present(by_name: dict[str, dict[str, Any]]) -> None:
    for prov, units in PROVINCE_ADMINISTERED.items():
        assert units <= {c["name"] for c in by_name[prov]["cities"]}, prov


@pytest.mark.parametrize(
    ("province", "count"),
    [
        ("四川省", 21),
        ("广东省", 21),
        ("贵州省", 9),
        ("湖南省", 14),
        ("湖北省", 13),
        ("云南省", 16),
        ("陕西省", 10),
        ("河南省", 17),
        ("河北省", 11),
        ("山东省", 16),
        ("江苏省", 13),
        ("新疆维吾尔自治区", 14),
        ("海南省", 4),
        ("西藏自治区", 7),
        ("北京市", 16),
        ("天津市", 16),
        ("上海市", 16),
        ("香港特别行政区", 18),
    ],
)
def test_known_prefecture_counts(by_name: dict[str, dict[str, Any]], province: str, count: int) -> None:
    assert len(prefectures(by_name[province])) == count


def test_mainland_prefecture_total(provinces: list[dict[str, Any]]) -> None:
    # 333 prefecture-level divisions nationwide (293 市, 7 地区, 30 自治州, 3 盟); Chongqing has none.
    mainland = [n for p in provinces if p["name"] not in DISTRICT_LISTS for n in prefectures(p)]
    assert len(mainland) == 333
    kinds = Counter(next(s for s in PREFECTURE_SUFFIXES if n.endswith(s)) for n in mainland)
    assert kinds == {"市": 293, "地区": 7, "自治州": 30, "盟": 3}


@pytest.mark.parametrize(
    ("short", "province"),
    [
        ("南充", "四川省"),
        ("东莞", "广东省"),
        ("恩施", "湖北省"),
        ("遵义", "贵州省"),
        ("济源", "河南省"),
        ("延边", "吉林省"),
        ("凉山", "四川省"),
        ("神农架", "湖北省"),
        ("石河子", "新疆维吾尔自治区"),
        ("五指山", "海南省"),
        ("浦东", "上海市"),
        ("抚州", "江西省"),
        ("福州", "福建省"),
    ],
)
def test_spot_checks(by_name: dict[str, dict[str, Any]], short: str, province: str) -> None:
    assert province_of(by_name, short) == {province}


def test_shared_short_names_are_kept(by_name: dict[str, dict[str, Any]]) -> None:
    assert province_of(by_name, "朝阳") == {"辽宁省", "北京市"}
    assert province_of(by_name, "吉林") == {"吉林省"} and "吉林" in by_name["吉林省"]["aliases"]
    assert province_of(by_name, "海南") == {"青海省"}  # 海南藏族自治州, not the province


@pytest.mark.parametrize(
    ("alias", "province"),
    [
        ("四川", "四川省"),
        ("川", "四川省"),
        ("内蒙", "内蒙古自治区"),
        ("内蒙古", "内蒙古自治区"),
        ("广西", "广西壮族自治区"),
        ("新疆", "新疆维吾尔自治区"),
        ("黑龙江", "黑龙江省"),
        ("香港", "香港特别行政区"),
        ("贵州", "贵州省"),
        ("湖北", "湖北省"),
        ("广东", "广东省"),
        ("澳门", "澳门特别行政区"),
        ("台湾", "台湾省"),
    ],
)
def test_province_aliases(by_name: dict[str, dict[str, Any]], alias: str, province: str) -> None:
    assert [p for p, prov in by_name.items() if alias in prov["aliases"]] == [province]
