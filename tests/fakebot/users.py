"""People on the fake Telegram: users who send text, stickers and button presses, and the chats they see."""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiogram.types import Message

if TYPE_CHECKING:
    from tests.fakebot.base import TelegramWorld

_callback_ids = itertools.count(1)


@dataclass
class FakeChat:
    tg: TelegramWorld
    id: int
    type: str = "private"
    title: str | None = None

    def as_json(self) -> dict[str, Any]:
        return self.tg.api.chat(self.id)

    @property
    def messages(self) -> list[Message]:
        """The bot's messages in this chat, as they are now (edits applied), oldest first."""
        bot_id = self.tg.api.bot_user["id"]
        raw = [m for m in self.tg.api.messages.get(self.id, []) if m["from"]["id"] == bot_id]
        return [Message.model_validate(m) for m in raw]

    @property
    def last_message(self) -> Message:
        assert self.messages, f"the bot sent nothing to chat {self.id}"
        return self.messages[-1]


@dataclass
class FakeUser:
    tg: TelegramWorld
    id: int
    first_name: str
    language_code: str = "zh-hans"

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": self.first_name, "language_code": self.language_code}

    @property
    def chat(self) -> FakeChat:
        self.tg.api.chats.setdefault(self.id, {"id": self.id, "type": "private", "first_name": self.first_name})
        return FakeChat(self.tg, self.id)

    async def _message(self, chat: FakeChat | None, **fields: Any) -> dict[str, Any]:
        chat = chat or self.chat
        message = self.tg.api.add_message(chat.id, self.as_json(), **fields)
        return await self.tg.send_update({"message": message})

    async def send(self, text: str, chat: FakeChat | None = None) -> dict[str, Any]:
        """Type a message; a leading /command gets its bot_command entity as in Telegram."""
        entities = None
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return await self._message(chat, text=text, entities=entities)

    async def send_burst(self, *texts: str, chat: FakeChat | None = None) -> list[dict[str, Any]]:
        """Several messages typed in a row: all reach Telegram (and get their ids) before the bot answers the first."""
        chat = chat or self.chat
        sent = [self.tg.api.add_message(chat.id, self.as_json(), text=text) for text in texts]
        return [await self.tg.send_update({"message": message}) for message in sent]

    async def send_sticker(self, chat: FakeChat | None = None) -> dict[str, Any]:
        sticker = {"file_id": "stk", "file_unique_id": "stk1", "type": "regular", "width": 512, "height": 512}
        return await self._message(chat, sticker={**sticker, "is_animated": False, "is_video": False, "emoji": "👍"})

    async def send_photo(self, chat: FakeChat | None = None, caption: str | None = None) -> dict[str, Any]:
        photo = [{"file_id": "ph", "file_unique_id": "ph1", "width": 90, "height": 90}]
        return await self._message(chat, photo=photo, caption=caption)

    async def send_voice(self, chat: FakeChat | None = None) -> dict[str, Any]:
        return await self._message(chat, voice={"file_id": "vo", "file_unique_id": "vo1", "duration": 3})

    async def send_location(self, chat: FakeChat | None = None) -> dict[str, Any]:
        return await self._message(chat, location={"latitude": 29.56, "longitude": 106.55})

    async def send_contact(self, phone: str, user_id: int | None = None) -> dict[str, Any]:
        """Share a contact card (📎 → Contact); by default the user's own, as the phone sends it."""
        owner = self.id if user_id is None else user_id
        card = {"phone_number": phone, "first_name": self.first_name, "user_id": owner}
        return await self._message(None, contact=card)

    async def edit(self, sent: dict[str, Any], text: str) -> dict[str, Any]:
        """Edit a message sent before (an update of `send`): Telegram delivers it as an edited_message."""
        message = {**sent["message"], "text": text, "edit_date": sent["message"]["date"] + 5}
        return await self.tg.send_update({"edited_message": message})

    async def send_document(self, chat: FakeChat | None = None) -> dict[str, Any]:
        return await self._message(chat, document={"file_id": "doc", "file_unique_id": "doc1", "file_name": "a.pdf"})

    async def click(self, label: str, chat: FakeChat | None = None) -> dict[str, Any]:
        """Press the inline button with this label on the newest bot message in the chat that has one."""
        message, data = self.button(label, chat or self.chat)
        return await self.click_data(data, message)

    async def double_click(self, label: str, chat: FakeChat | None = None) -> list[dict[str, Any]]:
        """A fast double tap: two presses, both carrying the message as the phone showed it before the first."""
        message, data = self.button(label, chat or self.chat)
        seen = copy.deepcopy(self._raw(message))
        return [await self._press(seen, data) for _ in range(2)]

    def button(self, label: str, chat: FakeChat) -> tuple[Message, str]:
        """The newest bot message in the chat with an inline button of this label, and the button's data."""
        for message in reversed(chat.messages):
            for row in message.reply_markup.inline_keyboard if message.reply_markup else []:
                for button in row:
                    if button.text == label and button.callback_data is not None:
                        return message, button.callback_data
        labels = [
            b.text for m in chat.messages[-3:] if m.reply_markup for r in m.reply_markup.inline_keyboard for b in r
        ]
        raise AssertionError(f"no button {label!r} in chat {chat.id}; recent buttons: {labels}")

    async def click_data(self, data: str, message: Message | None = None) -> dict[str, Any]:
        """Send a callback query with any data, e.g. forged data no button carries."""
        return await self._press(self._raw(message or self.chat.last_message), data)

    def _raw(self, message: Message) -> dict[str, Any]:
        return next(m for m in self.tg.api.messages[message.chat.id] if m["message_id"] == message.message_id)

    async def _press(self, raw: dict[str, Any], data: str) -> dict[str, Any]:
        query = {"id": str(next(_callback_ids)), "from": self.as_json(), "chat_instance": f"ci{raw['chat']['id']}"}
        return await self.tg.send_update({"callback_query": {**query, "message": raw, "data": data}})

    async def next_message(self, chat: FakeChat | None = None, timeout: float = 10.0) -> Message:
        """The bot's next new or edited message in the chat after this user's latest action."""
        chat_id = (chat or self.chat).id
        methods = ("sendMessage", "editMessageText", "editMessageReplyMarkup")
        call = await self.tg.wait_for(
            lambda c: any(c.is_(m) for m in methods) and c.chat_id == chat_id and isinstance(c.result, dict),
            timeout,
        )
        return Message.model_validate(call.result)
