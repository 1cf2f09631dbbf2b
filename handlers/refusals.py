"""What the ledger refused, answered plainly where it happened: a forged button, a used invite, a step done twice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject

from handlers.deps import Refusal, Renderer

FORGETS_STATE = ("consent_required", "not_allowed")  # after these the form or draft cannot go on


async def refuse(event: TelegramObject, refusal: Refusal, renderer: Renderer, state: FSMContext | None) -> None:
    if state is not None and refusal.code in FORGETS_STATE:
        await state.clear()
    said = {"code": refusal.code, "reason": refusal.reason}
    if isinstance(event, CallbackQuery):  # an alert on the pressed button (Telegram allows 200 characters)
        await event.answer(renderer.text("help_refused", **said), show_alert=True)
    elif isinstance(event, Message):
        await event.answer(renderer.html("help_refused", **said))


class Refusals(BaseMiddleware):
    """Turns a handler's Refusal into the answer, inside the update's own handling.

    A router middleware rather than an error handler: the bot's in-flight count (and so a graceful shutdown)
    covers the answer, and nothing the ledger refused is logged as a failure or handled again.
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        except Refusal as refusal:
            await refuse(event, refusal, data["renderer"], data.get("state"))
            return None


def install(router: Router) -> Router:
    router.message.middleware(Refusals())
    router.callback_query.middleware(Refusals())
    return router
