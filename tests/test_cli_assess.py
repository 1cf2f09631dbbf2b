"""`tongxing assess`, `tongxing entries` and `tongxing content check` as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "family.json"


def tongxing(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_assess_json_gives_every_child_all_21_entries() -> None:
    run = tongxing("assess", str(EXAMPLE), "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert [c["name"] for c in data["children"]] == ["小明", "妞妞"]
    for child in data["children"]:
        assert child["migrant"]["status"] in {"yes", "no", "unknown"}
        assert child["migrant"]["reasons"]
        assert [e["id"] for e in child["entries"]] == list(range(1, 22))
        for entry in child["entries"]:
            assert entry["verdict"] in {"eligible", "maybe", "not_applicable"}
            assert entry["why"] and isinstance(entry["missing"], list) and isinstance(entry["next_steps"], list)


def test_assess_report_is_readable_chinese_and_says_what_to_do_first() -> None:
    run = tongxing("assess", str(EXAMPLE))
    assert run.returncode == 0, run.stderr
    assert "小明" in run.stdout and "先做这些" in run.stdout and "居住证" in run.stdout
    assert "<b>" not in run.stdout


def test_a_child_who_came_alone_is_told_who_can_help() -> None:
    """Not a migrant child by the definition, but a child with no adult here is what 二（一）3 calls 监护缺失."""
    alone = {"residence": "渝北区", "hukou": "四川省南充市", "months_here": 8, "moved_with": "alone",
             "children": [{"age": 15, "stage": "none"}]}  # fmt: skip
    run = tongxing("assess", "-", stdin=json.dumps(alone, ensure_ascii=False))
    assert run.returncode == 0, run.stderr
    assert "不属于流动儿童" in run.stdout and "儿童主任" in run.stdout and "110" in run.stdout
    with_parents = tongxing("assess", "-", stdin=json.dumps({**alone, "moved_with": "parents"}, ensure_ascii=False))
    assert "儿童主任帮忙" not in with_parents.stdout


def test_assess_reads_a_profile_from_stdin() -> None:
    run = tongxing("assess", "-", "--json", stdin=EXAMPLE.read_text(encoding="utf-8"))
    assert run.returncode == 0 and json.loads(run.stdout)["children"]


BAD = [
    ({"children": [{"age": "seven"}]}, "children[0].age"),
    ({"children": [{"age": -1}]}, "children[0].age"),
    ({"children": [{"age": 7.5}]}, "children[0].age"),
    ({"children": [{"age": 7, "colour": "red"}]}, "colour"),
    ({"children": []}, "children"),
    ({}, "children"),
    ({"children": [{"age": 7}], "residence": "火星"}, "residence"),
    ({"children": [{"age": 7}], "hukou": "abcdef"}, "hukou"),
    ({"children": [{"age": 7}], "residence": "四川成都"}, "residence"),
    ({"children": [{"age": 7}], "residence_permit": "yes"}, "residence_permit"),
    ({"children": [{"age": 7}], "moved_with": "uncle"}, "moved_with"),
    ({"children": [{"age": 7}], "months_here": -3}, "months_here"),
    ({"children": [{"age": 7}], "household": {"rich": True}}, "household"),
    ({"children": [{"age": 7}], "household": {"dibao": 1}}, "household.dibao"),
    ({"children": [{"stage": "university"}]}, "children[0].stage"),
    ({"children": [{"height_cm": 1.2}]}, "children[0].height_cm"),
    ({"children": [{"birth_date": "2019-02-30"}]}, "children[0].birth_date"),
    ({"children": [{"birth_date": "2099-01-01"}]}, "children[0].birth_date"),
    ({"children": [{"age": 3, "birth_date": "2015-01-01"}], "as_of": "2026-01-01"}, "children[0].age"),
    ({"children": ["小明"]}, "children[0]"),
    ({"children": [{"age": 7}], "unknown_key": 1}, "unknown_key"),
    ([1, 2], "profile"),
]


@pytest.mark.parametrize(("profile", "field"), BAD, ids=[f for _, f in BAD])
def test_bad_profiles_exit_2_with_one_line_naming_the_field(tmp_path: Path, profile: object, field: str) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    run = tongxing("assess", str(path), "--json")
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0] and "Traceback" not in run.stderr


def test_unknown_place_suggests_the_nearest_names(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"children": [{"age": 7}], "residence": "瑜北"}, ensure_ascii=False), "utf-8")
    run = tongxing("assess", str(path))
    assert run.returncode == 2 and "渝北区" in run.stderr


@pytest.mark.parametrize("text", ["not json", "", '{"children": [', "\ufeff{}"])
def test_broken_json_and_missing_files_exit_2(tmp_path: Path, text: str) -> None:
    path = tmp_path / "p.json"
    path.write_text(text, encoding="utf-8")
    run = tongxing("assess", str(path))
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1
    missing = tongxing("assess", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "nope.json" in missing.stderr


def test_entries_lists_21_entries_by_group() -> None:
    run = tongxing("entries", "--json")
    groups = json.loads(run.stdout)["groups"]
    assert [g["name"] for g in groups] == ["幼有所育", "学有所教", "病有所医", "住有所居", "弱有所扶", "发展保障"]
    assert sorted(e["id"] for g in groups for e in g["entries"]) == list(range(1, 22))
    text = tongxing("entries").stdout
    assert "幼有所育" in text and "21." in text


def test_content_check_passes_on_shipped_content() -> None:
    run = tongxing("content", "check")
    assert run.returncode == 0 and "21 entries" in run.stdout


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("entries/03.yaml", "service_item:", "service_itme:", ["entries/03.yaml", "entry 3", "service_itme"]),
        ("entries/05.yaml", "fact: school_registered", "fact: school_registred", ["entry 5", "school_registred"]),
        ("entries/07.yaml", "id: 7", "id: 77", ["entries"]),
        ("entries/10.yaml", "group: 住有所居", "group: 住有所住", ["entry 10", "group"]),
        ("entries/12.yaml", "between: [0, 6]", "between: [0, 6]", ["ok"]),
        ("entries/14.yaml", "  decided_by: 最终由民政部门审核决定\n", "", ["entry 14", "office_decides"]),
        ("facts.yaml", "key: age,", "key: age, typo: 1,", ["facts.yaml", "typo"]),
        ("regions/chongqing.yaml", "central: true}", "central: maybe}", ["chongqing.yaml", "central"]),
    ],
)
def test_a_typo_in_content_stops_startup_naming_file_entry_and_field(
    tmp_path: Path, file: str, old: str, new: str, expected: list[str]
) -> None:
    pack = tmp_path / "content"
    shutil.copytree(ROOT / "content", pack)
    target = pack / file
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    run = tongxing("content", "check", env={"TONGXING_CONTENT": str(pack)})
    if expected == ["ok"]:
        assert run.returncode == 0
        return
    assert run.returncode == 2, run.stdout
    for word in expected:
        assert word in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
