"""An in-process Bot API: answers the methods the bot calls and keeps each chat's messages (console and tests)."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from bot.render import to_plain

# Tags Telegram accepts with parse_mode=HTML (https://core.telegram.org/bots/api#html-style).
_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "tg-spoiler", "span"}
_TAGS |= {"blockquote", "tg-emoji"}
_BARE_AMP = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


class ApiError(Exception):
    """A Bot API error answer: HTTP status, description and, for 429, retry_after."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass
class ApiCall:
    """One recorded call: method name as the bot spelled it, its parameters, and what it got back."""

    method: str
    params: dict[str, Any]
    result: Any = None
    error: ApiError | None = None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None and str(value).lstrip("-").isdigit() else None

    def is_(self, method: str) -> bool:
        return self.method.lower() == method.lower()


class _HtmlCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.error = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS:
            self.error = self.error or f'unsupported start tag "{tag}"'
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.error = self.error or f'unexpected end tag "{tag}"'


def check_html(text: str) -> None:
    """Reject what Telegram rejects with parse_mode=HTML, so a template bug fails a test, not a chat."""
    parser = _HtmlCheck()
    parser.feed(text)
    parser.close()
    error = parser.error or (f'unclosed tag "{parser.open[-1]}"' if parser.open else "")
    if not error and _BARE_AMP.search(text):
        error = 'unescaped "&"'
    if not error and re.search(r"<(?![a-zA-Z/])", text):
        error = 'unescaped "<"'
    if error:
        raise ApiError(400, f"Bad Request: can't parse entities: {error}")


@dataclass
class _Failure:
    method: str
    chat_id: int | None
    count: int
    error: ApiError


@dataclass
class LocalBotAPI:
    """The state behind a fake Bot API: chats, their messages, recorded calls and injected failures."""

    bot_user: dict[str, Any] = field(
        default_factory=lambda: {"id": 42, "is_bot": True, "first_name": "Tongxing", "username": "tongxing_bot"}
    )
    calls: list[ApiCall] = field(default_factory=list)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    messages: dict[int, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    listeners: list[Callable[[ApiCall], None]] = field(default_factory=list)
    _last_id: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    _failures: list[_Failure] = field(default_factory=list)

    def chat(self, chat_id: int) -> dict[str, Any]:
        return self.chats.setdefault(chat_id, {"id": chat_id, "type": "private" if chat_id > 0 else "group"})

    def add_message(self, chat_id: int, sender: dict[str, Any], **fields: Any) -> dict[str, Any]:
        """Store a message (the bot's or a user's) with the chat's next message_id."""
        self._last_id[chat_id] += 1
        message = {"message_id": self._last_id[chat_id], "date": int(time.time()), "chat": self.chat(chat_id)}
        message["from"] = sender
        message.update({k: v for k, v in fields.items() if v is not None})
        self.messages[chat_id].append(message)
        return message

    def find(self, chat_id: int, message_id: int) -> dict[str, Any]:
        for message in self.messages.get(chat_id, []):
            if message["message_id"] == message_id:
                return message
        raise ApiError(400, "Bad Request: message to edit not found")

    def fail_next(self, method: str, error: ApiError, count: int = 1, chat_id: int | None = None) -> None:
        """Make the next `count` calls of `method` (to `chat_id`, or any chat) answer with `error`."""
        self._failures.append(_Failure(method.lower(), chat_id, count, error))

    def call(self, method: str, params: dict[str, Any]) -> Any:
        """Answer one call like Telegram would; record it; raise ApiError for an error answer."""
        record = ApiCall(method, params)
        self.calls.append(record)
        try:
            self._inject(record)
            record.result = self._answer(method.lower(), params)
            return record.result
        except ApiError as err:
            record.error = err
            raise
        finally:
            for listener in list(self.listeners):
                listener(record)

    def _inject(self, call: ApiCall) -> None:
        for failure in self._failures:
            if failure.count > 0 and failure.method == call.method.lower():
                if failure.chat_id is None or failure.chat_id == call.chat_id:
                    failure.count -= 1
                    raise failure.error

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getme":
            return self.bot_user
        if method == "getupdates":
            return []
        if method == "editmessagetext":
            return self._edit(params, text=True)
        if method == "editmessagereplymarkup":
            return self._edit(params, text=False)
        if method == "deletemessage":
            messages = self.messages[int(params["chat_id"])]
            messages[:] = [m for m in messages if m["message_id"] != int(params["message_id"])]
            return True
        if method.startswith("send"):
            return self._send(method, params)
        return True  # answerCallbackQuery, setMyCommands, sendChatAction, …: "record + ok"

    def _markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup if markup and "inline_keyboard" in markup else None

    def _text(self, params: dict[str, Any]) -> str:
        text = str(params.get("text", ""))
        if params.get("parse_mode") == "HTML":
            check_html(text)
            text = to_plain(text)
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    def _send(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        fields: dict[str, Any] = {"reply_markup": self._markup(params)}
        if method == "sendmessage":
            fields["text"] = self._text(params)
        reply_to = (params.get("reply_parameters") or {}).get("message_id") or params.get("reply_to_message_id")
        if reply_to:
            original = dict(self.find(chat_id, int(reply_to)))
            original.pop("reply_to_message", None)
            fields["reply_to_message"] = original
        return self.add_message(chat_id, self.bot_user, **fields)

    def _edit(self, params: dict[str, Any], text: bool) -> dict[str, Any] | bool:
        if "inline_message_id" in params:
            return True
        message = self.find(int(params["chat_id"]), int(params["message_id"]))
        new_text = self._text(params) if text else message.get("text")
        markup = self._markup(params)
        if new_text == message.get("text") and markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message["text"], message["edit_date"] = new_text, int(time.time())
        # Telegram drops the inline keyboard when an edit does not repeat it.
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message
