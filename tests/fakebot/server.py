"""A fake Telegram Bot API server on 127.0.0.1: real HTTP, real long polling, every call recorded."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

from bot.local_api import ApiCall, ApiError
from tests.fakebot.base import TelegramWorld

_INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "reply_to_message_id", "user_id", "cache_time"}


def normalize(params: dict[str, Any]) -> dict[str, Any]:
    """Form fields arrive as strings (aiogram posts multipart form data): decode JSON fields and known ints."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str) and value[:1] in "{[":
            value = json.loads(value)
        elif isinstance(value, str) and key in _INT_FIELDS and value.lstrip("-").isdigit():
            value = int(value)
        elif value in ("true", "false"):
            value = value == "true"
        out[key] = value
    return out


@dataclass
class Hold:
    """Keeps one call waiting until the test releases it (no timings: the test decides when)."""

    method: str
    chat_id: int | None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        self.released.set()


@dataclass
class _Queued:
    update: dict[str, Any]
    delivered: bool = False  # returned by a getUpdates once: the next offset past it confirms it


class FakeTelegram(TelegramWorld):
    """The HTTP server: updates wait in a queue until the bot's getUpdates long poll takes them."""

    def __init__(self) -> None:
        super().__init__()
        self.url = ""
        self._queue: list[_Queued] = []
        self._holds: list[Hold] = []  # not yet arrived
        self._every_hold: list[Hold] = []  # all of them, released at stop() so no request hangs on
        self._runner: web.AppRunner | None = None
        self.closing = False

    async def start(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def stop(self) -> None:
        self.closing = True
        self.notify()
        for hold in self._every_hold:
            hold.release()
        if self._runner:
            await self._runner.cleanup()

    # -- what tests call --------------------------------------------------------------------------------------
    async def deliver(self, update: dict[str, Any]) -> None:
        self.push_raw(update)

    @property
    def pending(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot (through getUpdates' offset)."""
        return [q.update for q in self._queue]

    def push_raw(self, update: dict[str, Any]) -> None:
        """Queue an update as given, e.g. the same update_id a second time (Telegram re-delivering)."""
        self._queue.append(_Queued(dict(update)))
        self.notify()

    def hold(self, method: str, chat_id: int | None = None) -> Hold:
        hold = Hold(method.lower(), chat_id)
        self._holds.append(hold)
        self._every_hold.append(hold)
        return hold

    async def wait_polled(self, timeout: float = 10.0) -> None:
        """Until the bot has confirmed every queued update and is waiting in a new long poll."""
        await self.wait_for(lambda c: c.is_("getUpdates") and not self.pending and c.result == "waiting", timeout, 0)

    # -- the HTTP side ----------------------------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            form = await request.post()
            params.update({k: v if isinstance(v, str) else v.file.read() for k, v in form.items()})
        return normalize(params)

    async def _handle(self, request: web.Request) -> web.Response:
        method, params = request.match_info["method"], await self._params(request)
        token = request.match_info["token"]
        if token.split(":")[0].isdigit():  # the bot's id is the token's first part, as aiogram's Bot.id assumes
            self.api.bot_user["id"] = int(token.split(":")[0])
        if token.endswith(":REJECTED"):
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        if method.lower() == "getupdates":
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        for hold in [h for h in self._holds if h.method == method.lower()]:
            if hold.chat_id in (None, params.get("chat_id")):
                self._holds.remove(hold)
                hold.arrived.set()
                await hold.released.wait()
        try:
            return web.json_response({"ok": True, "result": self.api.call(method, params)})
        except ApiError as err:
            return web.json_response(err.payload(), status=err.status)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = params.get("offset")
        if offset is not None:  # confirms what was delivered before with a lower id
            self._queue = [q for q in self._queue if not (q.delivered and q.update["update_id"] < offset)]
        call = ApiCall("getUpdates", params, result="waiting")
        self.calls.append(call)
        self.notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(params.get("timeout", 0))
        while not self._queue and not self.closing and loop.time() < deadline:
            try:
                await self.changed(deadline - loop.time())
            except TimeoutError:
                break
        batch = self._queue[: int(params.get("limit", 100))]
        for queued in batch:
            queued.delivered = True
        call.result = [q.update for q in batch]
        return call.result


class WebhookTelegram(FakeTelegram):
    """Telegram in webhook mode: each update is POSTed to the bot's webhook with the secret token header."""

    def __init__(self) -> None:
        super().__init__()
        self.webhook = ""  # the bot's local address, set by the test once the webhook server listens
        self.secret: str | None = None
        self.statuses: list[int] = []

    async def deliver(self, update: dict[str, Any]) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.secret} if self.secret is not None else {}
        async with ClientSession() as session, session.post(self.webhook, json=update, headers=headers) as resp:
            await resp.read()
            self.statuses.append(resp.status)
