"""The console chat: the same bot in a terminal, driven through stdin/stdout; numbers press buttons."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.console import Console
from bot.dispatcher import create_dispatcher
from tests.conftest import make_settings
from tests.standins import StandInMatcher


def tongxing() -> list[str]:
    script = Path(sys.executable).parent / "tongxing"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def run(stdin: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    return subprocess.run(tongxing(), input=stdin, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)


def test_console_chat_through_a_pipe_welcome_browse_back_and_quit(tmp_path: Path) -> None:
    proc = run("/list\n2\n1\n4\n你好\n/quit\nnot read\n", tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "你好，我是童行" in out and "[1] 问问题" in out and "[4] 求助" in out  # /start at launch, numbered
    assert "[2] 学有所教 (4)" in out and "学有所教（4项）" in out
    assert "附件清单第3项" in out and "[1] 👍 有用" in out and "[4] ⬅ 返回服务分类" in out
    assert out.count("选一类看看") == 2  # back to the groups
    assert "<b>" not in out and "&amp;" not in out  # plain text, not Telegram HTML
    assert "Traceback" not in proc.stderr


def test_a_second_console_run_on_the_same_database_is_answered_too(tmp_path: Path) -> None:
    for _ in range(2):  # each run starts anew; the database (and its seen-update ids) stays
        proc = run("公租房怎么申请\n/quit\n", tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert "附件清单第10项" in proc.stdout


def test_console_ends_cleanly_at_end_of_input(tmp_path: Path) -> None:
    proc = run("/help\n", tmp_path)
    assert proc.returncode == 0 and "/forget" in proc.stdout and "Traceback" not in proc.stderr


async def test_console_asks_answers_and_numbers_press_the_rating_buttons() -> None:
    dp = create_dispatcher(make_settings(), matcher=StandInMatcher(), throttle=False)
    out = io.StringIO()
    console = Console(dp, out)
    await console.say("孩子能在这边上小学吗")
    assert "附件清单第3项" in out.getvalue() and "[1] 👍 有用" in out.getvalue()
    await console.say("2")
    assert "! 谢谢告诉我们" in out.getvalue()
    assert console.buttons == []  # the rating buttons are gone once used
    await console.say("3")  # no buttons left: a number is just text again
    assert out.getvalue().count("答不上来") == 1


def test_console_in_a_terminal_prompts_and_presses_buttons(tmp_path: Path) -> None:
    """The same chat on a TTY (a pseudo-terminal here): a prompt, numbers press buttons, Ctrl-D leaves."""
    import pty
    import select

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    proc = subprocess.Popen(tongxing(), stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    os.close(slave)
    seen = b""

    def read_until(marker: str) -> None:
        nonlocal seen
        while marker.encode() not in seen:
            ready, _, _ = select.select([master], [], [], 120)
            assert ready, f"no {marker!r} on the terminal; it shows:\n{seen.decode(errors='replace')}"
            seen += os.read(master, 65536)

    try:
        read_until("> ")
        os.write(master, b"3\n")
        read_until("选一类看看")
        os.write(master, b"\x04")  # Ctrl-D at an empty prompt: end of input
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(master)
    assert "Traceback" not in proc.stderr.read().decode()  # type: ignore[union-attr]


async def test_console_does_not_repeat_a_message_when_only_its_buttons_go() -> None:
    dp = create_dispatcher(make_settings(), matcher=StandInMatcher(), throttle=False)
    out = io.StringIO()
    console = Console(dp, out)
    await console.say("孩子能在这边上小学吗")
    await console.say("1")
    assert out.getvalue().count("附件清单第3项") == 1 and "! 谢谢反馈" in out.getvalue()
