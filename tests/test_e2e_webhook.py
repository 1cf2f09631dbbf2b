"""Webhook mode: the secret is required and checked, and an update is acknowledged only once it was handled."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest
from aiohttp import ClientSession

from bot.dispatcher import create_dispatcher
from bot.run import WebhookServer, make_bot
from tests.conftest import make_settings
from tests.fakebot import WebhookTelegram
from tests.standins import StandInMatcher

SECRET = "s3cret_Token-1"


@pytest.fixture
async def hook() -> AsyncIterator[WebhookTelegram]:
    """Fake Telegram in webhook mode, and the bot's webhook server on a random local port."""
    tg = await WebhookTelegram().start()
    settings = make_settings(
        bot_token="123456:TEST",
        telegram_api_base=tg.url,
        webhook_url="https://bot.example.org/tg/updates",
        webhook_secret=SECRET,
        webhook_host="127.0.0.1",
        webhook_port=0,
    )
    dp = create_dispatcher(settings, matcher=StandInMatcher())
    server = WebhookServer(settings, dp, make_bot(settings))
    tg.webhook, tg.secret = await server.start() + "/tg/updates", SECRET
    tg.server = server  # type: ignore[attr-defined]
    yield tg
    if server.runner.server is not None:  # not stopped by the test itself
        await server.stop()
    await tg.stop()


async def test_startup_sets_the_webhook_with_the_secret(hook: WebhookTelegram) -> None:
    call = hook.calls_of("setWebhook")[0]
    assert call.params["url"] == "https://bot.example.org/tg/updates" and call.params["secret_token"] == SECRET
    assert "callback_query" in call.params["allowed_updates"] and hook.calls_of("setMyCommands")


async def test_right_secret_is_handled_missing_or_wrong_secret_gets_401(hook: WebhookTelegram) -> None:
    mei = hook.user()
    await mei.send("/help")
    assert hook.statuses == [200] and "/start" in mei.chat.last_message.text
    for secret in (None, "wrong", ""):
        hook.secret = secret
        await mei.send("/list")
    assert hook.statuses == [200, 401, 401, 401]
    assert len(hook.calls_of("sendMessage")) == 1


async def test_the_update_is_acknowledged_only_after_it_was_handled(hook: WebhookTelegram) -> None:
    mei = hook.user()
    held = hook.hold("sendMessage", chat_id=mei.id)
    posting = asyncio.create_task(mei.send("/help"))
    await asyncio.wait_for(held.arrived.wait(), 10)
    assert not posting.done() and hook.statuses == []  # the reply is still on its way: no 200 yet
    held.release()
    await asyncio.wait_for(posting, 10)
    assert hook.statuses == [200]


async def test_a_failed_update_is_not_acknowledged_and_its_redelivery_is_handled(hook: WebhookTelegram) -> None:
    mei = hook.user()
    hook.fail_next("sendMessage", 500, chat_id=mei.id)
    update = await mei.send("/help")
    await hook.deliver(update)  # Telegram tries again
    assert hook.statuses == [500, 200]
    assert [c.error is None for c in hook.calls_of("sendMessage")] == [False, True]


async def test_after_stop_no_update_is_acknowledged() -> None:
    tg = await WebhookTelegram().start()
    settings = make_settings(
        bot_token="123456:TEST", telegram_api_base=tg.url, webhook_url="https://x.example/h",
        webhook_secret=SECRET, webhook_host="127.0.0.1", webhook_port=0,
    )  # fmt: skip
    server = WebhookServer(settings, create_dispatcher(settings, matcher=StandInMatcher()), make_bot(settings))
    url = await server.start() + "/h"
    await server.stop()
    with pytest.raises(OSError):
        async with ClientSession() as session:
            await session.post(url, json={"update_id": 1}, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    await tg.stop()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"WEBHOOK_URL": "https://x.example/h"}, "WEBHOOK_SECRET is not set"),
        ({"WEBHOOK_URL": "https://x.example/h", "WEBHOOK_SECRET": "has spaces!"}, "WEBHOOK_SECRET may use only"),
        ({"WEBHOOK_SECRET": SECRET}, "WEBHOOK_URL is not set"),
    ],
)
def test_webhook_mode_refuses_to_start_without_a_usable_secret(tmp_path, env: dict[str, str], message: str) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "BOT_TOKEN", "TELEGRAM_"))}
    clean.update(env, BOT_TOKEN="123456:TEST", TELEGRAM_API_BASE="http://127.0.0.1:9")
    cmd = [sys.executable, "-m", "bot.cli", "serve", "--webhook"]
    proc = subprocess.run(cmd, env=clean, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith("tongxing: ") and message in proc.stderr and "Traceback" not in proc.stderr


async def test_stopping_the_webhook_server_finishes_the_update_in_flight(hook: WebhookTelegram) -> None:
    """What SIGTERM does in webhook mode: stop listening, let the handler finish, answer 200, then clean up."""
    server: WebhookServer = hook.server  # type: ignore[attr-defined]
    mei = hook.user()
    held = hook.hold("sendMessage", chat_id=mei.id)
    posting = asyncio.create_task(mei.send("/help"))
    await asyncio.wait_for(held.arrived.wait(), 10)
    stopping = asyncio.create_task(server.stop())
    inflight = server.dp["inflight"]
    while not inflight.refuse_new:  # until it stopped listening and is draining
        await asyncio.sleep(0)
    assert not stopping.done() and not posting.done() and inflight.count == 1
    held.release()
    await asyncio.wait_for(asyncio.gather(posting, stopping), 30)
    assert hook.statuses == [200] and hook.calls_of("sendMessage")[0].error is None
