"""SIGTERM: stop taking updates, finish the ones in flight (within SHUTDOWN_GRACE), confirm them, exit 0."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.migrate import upgrade
from tests.conftest import StartBot
from tests.fakebot import FakeTelegram


def bot_env(**extra: str) -> dict[str, str]:
    skip = ("BOT_TOKEN", "TELEGRAM_", "WEBHOOK_", "DATABASE_URL", "REDIS_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env.update(extra)
    return env


def migrated(folder: Path) -> Path:
    """`tongxing db upgrade` in `folder`: the SQLite file data/tongxing.db the bot opens there."""
    (folder / "data").mkdir()
    upgrade(f"sqlite:///{folder / 'data' / 'tongxing.db'}")
    return folder


async def read_until(stream: asyncio.StreamReader, needle: str, seen: list[str]) -> None:
    while line := (await stream.readline()).decode():
        seen.append(line)
        if needle in line:
            return
    raise AssertionError(f"{needle!r} never logged; stderr was:\n{''.join(seen)}")


async def test_sigterm_finishes_the_update_in_flight_then_exits_cleanly(fake: FakeTelegram, tmp_path: Path) -> None:
    env = bot_env(BOT_TOKEN="123456:TEST", TELEGRAM_API_BASE=fake.url, LOG_LEVEL="INFO", SHUTDOWN_GRACE="60")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", env=env, cwd=migrated(tmp_path),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stderr is not None
    log: list[str] = []
    try:
        await fake.wait_for(lambda c: c.is_("getUpdates"), timeout=90, after=0)
        mei = fake.user()
        held = fake.hold("sendMessage", chat_id=mei.id)
        update = await mei.send("/help")
        await asyncio.wait_for(held.arrived.wait(), 30)
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(read_until(proc.stderr, "waiting up to", log), 30)
        assert proc.returncode is None  # still there: the reply to /help is on its way
        later = await fake.user(2, "Late").send("/help")  # arrives after SIGTERM: left for the next process
        held.release()
        assert await asyncio.wait_for(proc.wait(), 30) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    rest = (await proc.stderr.read()).decode()
    assert "all updates handled" in rest and "Traceback" not in "".join(log) + rest
    assert fake.calls_of("sendMessage", mei.id)[0].error is None
    assert fake.calls_of("getUpdates")[-1].params["offset"] == update["update_id"] + 1  # taken = confirmed
    assert fake.pending == [later] and not fake.calls_of("sendMessage", 2)


async def test_shutdown_gives_up_on_a_stuck_update_after_the_grace_period(
    fake: FakeTelegram, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    running = await start_bot(shutdown_grace=0.2)
    mei = fake.user()
    held = fake.hold("sendMessage", chat_id=mei.id)  # never released: a handler that hangs
    await mei.send("/help")
    await asyncio.wait_for(held.arrived.wait(), 10)
    with caplog.at_level(logging.INFO, logger="bot.middlewares"):
        await asyncio.wait_for(running.stop(), 30)
    assert "1 update(s) still in flight" in caplog.text


async def test_a_rejected_token_is_one_clear_line_and_exit_2(fake: FakeTelegram, tmp_path: Path) -> None:
    env = bot_env(BOT_TOKEN="123456:REJECTED", TELEGRAM_API_BASE=fake.url)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", env=env, cwd=migrated(tmp_path),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 2 and "Telegram rejected BOT_TOKEN" in err.decode() and "Traceback" not in err.decode()


async def test_a_database_without_the_schema_is_refused_naming_the_command(fake: FakeTelegram, tmp_path: Path) -> None:
    env = bot_env(BOT_TOKEN="123456:TEST", TELEGRAM_API_BASE=fake.url)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 2 and "tongxing db upgrade" in err.decode() and "Traceback" not in err.decode()
    assert not fake.calls_of("getUpdates")
