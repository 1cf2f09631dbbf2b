"""The console chat: the same Dispatcher, routers and templates as on Telegram, typed in a terminal or a pipe."""

from __future__ import annotations

import asyncio
import itertools
import queue
import sys
import threading
import time
from typing import Any, TextIO

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.types import Update

from bot.local_api import ApiCall, LocalBotAPI
from bot.local_session import LocalSession

SHOWN = ("sendmessage", "editmessagetext", "editmessagereplymarkup")
PARENT = {"id": 1, "is_bot": False, "first_name": "Parent", "language_code": "zh-hans"}


class Console:
    """Plays one parent in a private chat: lines in, the bot's messages out as plain text, buttons numbered."""

    def __init__(self, dp: Dispatcher, out: TextIO = sys.stdout) -> None:
        self.dp, self.out = dp, out
        self.api = LocalBotAPI()
        self.api.listeners.append(self._show)
        self.bot = Bot(
            "42:console", session=LocalSession(self.api), default=DefaultBotProperties(parse_mode=ParseMode.HTML)
        )
        self.buttons: list[dict[str, Any]] = []
        self.button_message: dict[str, Any] | None = None
        # Unique across runs: the seen-update ids live in the database, and a second run numbered from 1 was
        # silently dropped as repeats of the first.
        self._update_ids = itertools.count(time.time_ns() // 1000)

    def _show(self, call: ApiCall) -> None:
        if call.method.lower() == "answercallbackquery" and call.params.get("text"):
            print(f"  ! {call.params['text']}", file=self.out, flush=True)
        if call.method.lower() not in SHOWN or not isinstance(call.result, dict):
            return
        if call.result.get("chat", {}).get("id") != PARENT["id"]:
            return  # notifications to child directors' chats are not the parent's to read
        message = call.result
        # Only the keyboard changed (e.g. the rating buttons went): the text is on screen already.
        lines = [] if call.method.lower() == "editmessagereplymarkup" else [message.get("text", "")]
        buttons = [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
        lines += [f"  [{n}] {b['text']}" for n, b in enumerate(buttons, 1)]
        if buttons:  # numbers press the buttons of the latest message that has any
            self.buttons, self.button_message = buttons, message
        elif self.button_message and self.button_message["message_id"] == message["message_id"]:
            self.buttons, self.button_message = [], None
        if lines:
            print("\n".join(lines) + "\n", file=self.out, flush=True)

    def _update(self, line: str) -> dict[str, Any]:
        if line.isdigit() and self.button_message and 1 <= int(line) <= len(self.buttons):
            button = self.buttons[int(line) - 1]
            if "callback_data" in button:
                query = {"id": str(next(self._update_ids)), "from": PARENT, "chat_instance": "console"}
                return {"callback_query": {**query, "message": self.button_message, "data": button["callback_data"]}}
        entities = [{"type": "bot_command", "offset": 0, "length": len(line.split()[0])}] if line[0] == "/" else None
        return {"message": self.api.add_message(PARENT["id"], PARENT, text=line, entities=entities)}

    async def say(self, line: str) -> None:
        """One line from the parent: a number presses a button, anything else is a message."""
        update = Update.model_validate(
            {"update_id": next(self._update_ids), **self._update(line)}, context={"bot": self.bot}
        )
        await self.dp.feed_update(self.bot, update)

    async def run(self, inp: TextIO, banner: str) -> None:
        data = {"dispatcher": self.dp, "bots": [self.bot], **self.dp.workflow_data}
        await self.dp.emit_startup(bot=self.bot, **data)
        try:
            print(banner + "\n", file=self.out, flush=True)
            await self.say("/start")
            reader = LineReader(inp)
            while (line := await reader.next()) is not None:
                if not inp.isatty():  # a script's lines are echoed, so the output reads as a transcript
                    print(f"> {line.strip()}", file=self.out, flush=True)
                if line.strip() in ("/quit", "/exit"):
                    break
                if line.strip():
                    await self.say(line.strip())
        finally:
            await self.dp.emit_shutdown(bot=self.bot, **data)
            await self.bot.session.close()


async def _chat(console: Console, inp: TextIO) -> None:
    await console.run(inp, console.dp["renderer"].text("console_banner"))


async def _chat_on_database(settings: Any, inp: TextIO, out: TextIO) -> None:
    from bot.app import database_services
    from bot.db import database_url
    from bot.dispatcher import create_dispatcher
    from bot.migrate import current_revision, upgrade

    url = database_url(settings)
    if not settings.database_url and current_revision(url) is None:
        await asyncio.to_thread(upgrade, url)  # the try-it path: nothing to install, nothing to run first
    async with database_services(settings) as db:
        await _chat(Console(create_dispatcher(settings, throttle=False, **db), out), inp)


class LineReader:
    """Reads one line when asked, in a daemon thread: Ctrl-C never waits for a blocked input() to return."""

    def __init__(self, inp: TextIO) -> None:
        self.inp = inp
        self.asks: queue.Queue[tuple[asyncio.AbstractEventLoop, asyncio.Future[str | None]]] = queue.Queue()
        threading.Thread(target=self._work, daemon=True).start()

    def _work(self) -> None:
        while True:
            loop, future = self.asks.get()
            line = read_line(self.inp)
            loop.call_soon_threadsafe(lambda f=future, v=line: f.done() or f.set_result(v))
            if line is None:
                return

    async def next(self) -> str | None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[str | None] = loop.create_future()
        self.asks.put((loop, future))
        return await future


def read_line(inp: TextIO) -> str | None:
    """The next line, or None at end of input (Ctrl-D, or the end of a pipe); a TTY gets a prompt."""
    if inp.isatty():
        # The prompt goes to stdout ourselves: input() without readline would write it to stderr.
        print("> ", end="", flush=True)
        try:
            return input()
        except EOFError:
            return None
    line = inp.readline()
    return line if line else None


def run_console(settings: Any, dp: Dispatcher | None = None, inp: TextIO = sys.stdin, out: TextIO = sys.stdout) -> None:
    """`tongxing` without BOT_TOKEN: a chat in the terminal; throttling is off (one person, maybe a script).

    Without a given Dispatcher it runs on the database (help requests need the ledger): a fresh default SQLite
    file is migrated on the spot, any other out-of-date schema raises SchemaError naming `tongxing db upgrade`.
    """
    try:
        asyncio.run(_chat(Console(dp, out), inp) if dp else _chat_on_database(settings, inp, out))
    except KeyboardInterrupt:
        print(file=out)
