"""Run the bot on Telegram: long polling or a webhook on aiohttp; on SIGTERM both finish the updates in flight."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any
from urllib.parse import urlparse

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.middlewares import InFlight, ShuttingDown
from bot.settings import Settings, webhook_problem

log = logging.getLogger(__name__)


class RetryAfter(BaseRequestMiddleware):
    """Telegram's 429 says when to try again: wait that long (within a limit) and retry, so no reply is lost."""

    def __init__(self, tries: int = 3, max_wait: float = 30.0) -> None:
        self.tries, self.max_wait = tries, max_wait

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        for attempt in range(1, self.tries + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as err:
                if attempt == self.tries or err.retry_after > self.max_wait:
                    raise
                log.warning("%s: Telegram asks to wait %ss (try %d)", method.__api_method__, err.retry_after, attempt)
                await asyncio.sleep(err.retry_after)
        raise AssertionError("unreachable")


def make_bot(settings: Settings) -> Bot:
    """A Bot on aiohttp; TELEGRAM_API_BASE points it at another Bot API server (a local one, or a test fake)."""
    assert settings.bot_token is not None
    api = TelegramAPIServer.from_base(settings.telegram_api_base) if settings.telegram_api_base else PRODUCTION
    session = AiohttpSession(api=api)
    session.middleware(RetryAfter())
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),  # Bot(parse_mode=…) raises since aiogram 3.7
    )


async def until_signal() -> None:
    """Return at the first SIGTERM or SIGINT."""
    loop, stop = asyncio.get_running_loop(), asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
        log.info("signal received: no new updates will be taken")
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


async def run_polling(settings: Settings, dp: Dispatcher, bot: Bot, handle_signals: bool = True) -> None:
    """Long polling until SIGTERM/SIGINT (or dp.stop_polling()); then the in-flight updates finish first."""
    inflight: InFlight = dp["inflight"]
    await bot.delete_webhook(drop_pending_updates=False)  # getUpdates is refused while a webhook is set
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, close_bot_session=False))
    waiters = {polling}
    if handle_signals:
        waiters.add(asyncio.create_task(until_signal()))
    await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    if not polling.done():
        await dp.stop_polling()  # cancels getUpdates; the shutdown hooks drain the in-flight updates first
    for task in waiters - {polling}:
        task.cancel()
    try:
        await polling
        await confirm_taken(bot, inflight.last_update_id)
    finally:
        await bot.session.close()


async def confirm_taken(bot: Bot, last_update_id: int | None) -> None:
    """Tell Telegram the last batch was taken, so a restarted bot is not handed it again."""
    if last_update_id is None:
        return
    with contextlib.suppress(Exception):  # best effort: the seen-ids store also drops repeats
        await bot.get_updates(offset=last_update_id + 1, limit=1, timeout=0)


class AckAfterHandling(SimpleRequestHandler):
    """Answers Telegram only once the update is handled; a failure answers 500 so Telegram delivers it again.

    aiogram's SimpleRequestHandler answers at once by default (handle_in_background=True), and even with
    handle_in_background=False it answers after 55 s while the handler goes on in the background.
    """

    def __init__(self, dispatcher: Dispatcher, bot: Bot, secret_token: str, **data: Any) -> None:
        super().__init__(dispatcher, bot, handle_in_background=False, secret_token=secret_token, **data)

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        update = await request.json(loads=bot.session.json_loads)
        try:
            result = await self.dispatcher.feed_raw_update(bot=bot, update=update, **self.data)
        except ShuttingDown:
            return web.Response(status=503, text="shutting down")
        except Exception:  # logged by aiogram; not acknowledged, so Telegram re-delivers
            return web.Response(status=500, text="update failed")
        method = result if isinstance(result, TelegramMethod) else None
        return web.Response(body=self._build_response_writer(bot=bot, result=method))


class WebhookServer:
    """The aiohttp app that receives updates; stop() stops listening, drains in-flight updates, then cleans up."""

    def __init__(self, settings: Settings, dp: Dispatcher, bot: Bot) -> None:
        problem = webhook_problem(settings)
        if problem:
            raise ValueError(problem)
        assert settings.webhook_url and settings.webhook_secret
        self.settings, self.dp, self.bot = settings, dp, bot
        self.path = urlparse(settings.webhook_url).path or "/"
        self.app = web.Application()
        AckAfterHandling(dp, bot, settings.webhook_secret.get_secret_value()).register(self.app, path=self.path)
        setup_application(self.app, dp, bot=bot)
        self.app.on_startup.append(self._set_webhook)
        self.runner = web.AppRunner(self.app, handle_signals=False, access_log=None)
        self.site: web.TCPSite | None = None

    async def _set_webhook(self, _app: web.Application) -> None:
        assert self.settings.webhook_url and self.settings.webhook_secret
        await self.bot.set_webhook(
            self.settings.webhook_url,
            secret_token=self.settings.webhook_secret.get_secret_value(),
            allowed_updates=self.dp.resolve_used_update_types(),
        )

    async def start(self) -> str:
        """Listen; return the local base URL (useful when the port was 0)."""
        await self.runner.setup()
        self.site = web.TCPSite(self.runner, self.settings.webhook_host, self.settings.webhook_port)
        await self.site.start()
        host, port = self.runner.addresses[0][:2]
        log.info("webhook listening on %s:%s%s", host, port, self.path)
        return f"http://{host}:{port}"

    async def stop(self) -> None:
        inflight: InFlight = self.dp["inflight"]
        if self.site:
            await self.site.stop()
        inflight.refuse_new = True  # a request that still slips in gets 503 and comes again later
        await inflight.drain(self.settings.shutdown_grace)
        await self.runner.cleanup()  # aiogram's hooks: dispatcher shutdown, bot session closed


async def run_webhook(settings: Settings, dp: Dispatcher, bot: Bot) -> None:
    server = WebhookServer(settings, dp, bot)
    await server.start()
    try:
        await until_signal()
    finally:
        await server.stop()


async def serve_telegram(settings: Settings, webhook: bool) -> None:
    """`tongxing serve`: the database-backed Dispatcher on Telegram, by webhook or long polling."""
    from bot.app import database_services
    from bot.dispatcher import create_dispatcher

    async with database_services(settings) as db:
        dp, bot = create_dispatcher(settings, **db), make_bot(settings)
        await (run_webhook(settings, dp, bot) if webhook else run_polling(settings, dp, bot))
