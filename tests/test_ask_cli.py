"""`tongxing ask`: the reply a parent gets, the JSON-lines contract, and a start-up that skips the bot's stack."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from bot.ask import render
from bot.render import Renderer
from checklist.matcher import Matcher

ROOT = Path(__file__).resolve().parents[1]


def tongxing(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin.encode("utf-8") if stdin is not None else None,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_json_lines_in_order_for_a_batch_from_stdin() -> None:
    questions = ["孩子没户口能在这边上学吗", "", "今天天气怎么样", "他爸喝了酒就拿皮带抽娃", "補貼"]
    done = tongxing("ask", "--json", stdin="\n".join(questions) + "\n")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert [r["question"] for r in rows] == questions
    for row in rows:
        assert set(row) == {"question", "urgent", "answer", "candidates"}
        assert len(row["candidates"]) <= 5
        assert all(set(c) == {"id", "score"} and isinstance(c["id"], int) for c in row["candidates"])
    assert rows[0]["answer"] == 3 and rows[0]["urgent"] is False
    assert rows[2]["answer"] is None and rows[2]["candidates"] == []
    assert rows[3]["urgent"] is True
    assert rows[4]["answer"] is None  # one vague word: choices, not an answer
    assert done.stderr == b""  # jieba's start-up log never reaches the user


def test_a_single_question_prints_the_reply() -> None:
    done = tongxing("ask", "我不想活了")
    text = done.stdout.decode("utf-8")
    assert done.returncode == 0
    assert "110" in text and "12355" in text and "/qiuzhu" in text


def test_ask_never_imports_the_bot_stack() -> None:
    probe = (
        "import sys\n"
        "sys.argv = ['tongxing', 'ask', '孩子没户口能上学吗']\n"
        "from bot.cli import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('aiogram', 'sqlalchemy', 'sqlmodel') "
        "or m == 'bot.db')\n"
        "print('LOADED', bad, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, cwd=ROOT, timeout=60, check=False)
    assert b"LOADED []" in done.stderr, done.stderr


def test_pypinyin_is_only_imported_to_build_the_cache() -> None:
    probe = (
        "import sys\n"
        "sys.argv = ['tongxing', 'ask', '低报怎么申请']\n"
        "from bot.cli import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print('PINYIN', 'pypinyin' in sys.modules, file=sys.stderr)\n"
    )
    for _ in range(2):  # the first run may build the cache of readings; the second must not need pypinyin
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, cwd=ROOT, timeout=60, check=False)
    assert b"PINYIN False" in done.stderr, done.stderr


def test_a_1000_line_batch_builds_everything_once(monkeypatch) -> None:
    import json as _json

    from typer.testing import CliRunner

    import checklist.segment
    from bot.cli import app

    built = []
    real = checklist.segment.tokenizer
    monkeypatch.setattr(checklist.segment, "tokenizer", lambda words: built.append(1) or real(words))
    lines = ["低保怎么申请", "娃娃坐公交要买票不", "我不想活了", "今天天气怎么样"] * 250
    done = CliRunner().invoke(app, ["ask", "--json"], input="\n".join(lines) + "\n")
    assert done.exit_code == 0, done.output
    rows = [_json.loads(line) for line in done.stdout.splitlines()]
    assert [r["question"] for r in rows] == lines
    assert built == [1]


def stand_in_entry() -> SimpleNamespace:
    return SimpleNamespace(
        id=17,
        title="坐公交",
        summary="身高1.3米以下免费",
        prepare=["学生证"],
        office="区县交通部门",
        departments=["市交通运输委"],
        policy_refs=["附件清单第17项"],
    )


def test_answer_template_shows_title_summary_prepare_office_and_clause(matcher: Matcher) -> None:
    text = render(matcher.ask("娃娃坐公交要买票不"), Renderer(), {17: stand_in_entry()})
    for part in ("坐公交", "身高1.3米以下免费", "学生证", "区县交通部门", "市交通运输委", "附件清单第17项"):
        assert part in text


def test_clarify_lists_the_choices_by_title(matcher: Matcher) -> None:
    result = matcher.ask("补贴")
    entries = {i: SimpleNamespace(title=f"T{i}") for i in range(1, 22)}
    text = render(result, Renderer(), entries)
    assert all(f"T{i}" in text for i in result.choices())


def test_templates_are_telegram_html() -> None:
    renderer = Renderer()
    html = renderer.html("urgent", injured=True, self_harm=True) + renderer.html("urgent")
    assert "<b>" in html and "120" in html and "12355" in html and "二（三）1" in html
    for name in ("ask_unknown", "ask_out_of_scope"):
        assert "/qiuzhu" in renderer.html(name)
