"""The fake Bot API itself: it reads JSON and form bodies, long-polls honestly and rejects what Telegram rejects."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp import ClientSession, FormData

from bot.local_api import ApiError, LocalBotAPI, check_html
from tests.fakebot import FakeTelegram


async def post(tg: FakeTelegram, method: str, **kw: object) -> tuple[int, dict]:
    async with ClientSession() as s, s.post(f"{tg.url}/bot1:T/{method}", **kw) as resp:  # type: ignore[arg-type]
        return resp.status, await resp.json()


async def test_reads_json_and_multipart_bodies_alike(fake: FakeTelegram) -> None:
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "x:1"}]]}
    status, body = await post(fake, "sendMessage", json={"chat_id": 5, "text": "hi", "reply_markup": markup})
    assert status == 200 and body["result"]["message_id"] == 1 and body["result"]["reply_markup"] == markup
    form = FormData(quote_fields=False)
    for key, value in {
        "chat_id": "5",
        "text": "<b>two</b>",
        "parse_mode": "HTML",
        "reply_markup": json.dumps(markup),
    }.items():
        form.add_field(key, value)
    status, body = await post(fake, "sendMessage", data=form)
    assert status == 200 and body["result"]["message_id"] == 2 and body["result"]["text"] == "two"
    assert fake.calls[-1].params["chat_id"] == 5 and fake.calls[-1].params["reply_markup"] == markup


async def test_get_updates_waits_honours_offset_and_limit(fake: FakeTelegram) -> None:
    _, body = await post(fake, "getUpdates", json={"timeout": 0})
    assert body["result"] == []
    waiting = asyncio.create_task(post(fake, "getUpdates", json={"timeout": 30}))
    await fake.wait_for(lambda c: c.is_("getUpdates") and c.result == "waiting", after=1)
    first = await fake.user().send("one")
    assert (await waiting)[1]["result"][0]["update_id"] == first["update_id"]  # woken by the update, not the timeout
    second = await fake.user().send("two")
    _, body = await post(fake, "getUpdates", json={"offset": first["update_id"] + 1, "limit": 5})
    assert [u["update_id"] for u in body["result"]] == [second["update_id"]]


async def test_failure_injection_answers_like_telegram(fake: FakeTelegram) -> None:
    fake.fail_next("sendMessage", 429, chat_id=5, retry_after=3)
    fake.fail_next("sendMessage", 403, chat_id=6)
    assert await post(fake, "sendMessage", json={"chat_id": 6, "text": "x"}) == (
        403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    )  # fmt: skip
    status, body = await post(fake, "sendMessage", json={"chat_id": 5, "text": "x"})
    assert status == 429 and body["parameters"] == {"retry_after": 3}
    assert (await post(fake, "sendMessage", json={"chat_id": 5, "text": "x"}))[0] == 200  # only the next one


def test_message_ids_count_per_chat_and_edits_follow_telegram_rules() -> None:
    api = LocalBotAPI()
    assert [api.call("sendMessage", {"chat_id": c, "text": "t"})["message_id"] for c in (1, 1, 2)] == [1, 2, 1]
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    api.call("editMessageReplyMarkup", {"chat_id": 1, "message_id": 1, "reply_markup": markup})
    with pytest.raises(ApiError, match="not modified"):
        api.call("editMessageText", {"chat_id": 1, "message_id": 1, "text": "t", "reply_markup": markup})
    edited = api.call("editMessageText", {"chat_id": 1, "message_id": 1, "text": "new"})
    assert "reply_markup" not in edited  # an edit that does not repeat the keyboard drops it
    with pytest.raises(ApiError, match="BUTTON_DATA_INVALID"):
        api.call(
            "sendMessage",
            {
                "chat_id": 1,
                "text": "t",
                "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "x" * 65}]]},
            },
        )
    with pytest.raises(ApiError, match="message text is empty"):
        api.call("sendMessage", {"chat_id": 1, "text": "<b></b>", "parse_mode": "HTML"})


@pytest.mark.parametrize("bad", ["<b>open", "<div>x</div>", "a & b", "1 < 2", "<b><i>x</b></i>"])
def test_html_telegram_would_reject_is_rejected(bad: str) -> None:
    with pytest.raises(ApiError, match="can't parse entities"):
        check_html(bad)


def test_html_telegram_accepts_passes() -> None:
    check_html('<b>a</b> &amp; <i>b</i> &lt;3 <a href="https://x.example">x</a> <blockquote>q</blockquote>')
