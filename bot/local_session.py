"""An aiogram session that talks to an in-process LocalBotAPI instead of Telegram: the console chat's transport."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any, cast

from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

from bot.local_api import ApiError, LocalBotAPI

if TYPE_CHECKING:
    from aiogram import Bot


class LocalSession(BaseSession):
    """Answers every Bot API method locally; results go through aiogram's own response checks and models."""

    def __init__(self, api: LocalBotAPI | None = None) -> None:
        super().__init__()
        self.api_state = api or LocalBotAPI()
        self.closed = False

    def params(self, bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any]:
        """The method's fields as Telegram would parse them (defaults such as parse_mode resolved)."""
        files: dict[str, Any] = {}
        prepared = {
            key: self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            for key, value in method.model_dump(warnings=False).items()
        }
        return {key: value for key, value in prepared.items() if value is not None}

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        try:
            status, body = (
                200,
                {"ok": True, "result": self.api_state.call(method.__api_method__, self.params(bot, method))},
            )
        except ApiError as err:
            status, body = err.status, err.payload()
        response = self.check_response(bot=bot, method=method, status_code=status, content=self.json_dumps(body))
        return cast(TelegramType, response.result)

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:  # pragma: no cover - the bot downloads no files
        yield b""

    async def close(self) -> None:
        self.closed = True
