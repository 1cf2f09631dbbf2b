"""Inline keyboards on notifications: the bot provides them; the ledger only stores them as data."""

from __future__ import annotations

from typing import Any, Protocol


class Buttons(Protocol):
    """Inline keyboards for notifications, as InlineKeyboardMarkup dicts; the bot's handlers provide them.

    Kept as data so the ledger never imports aiogram or handlers: the outbox stores the dict and the sender
    passes it to sendMessage as it is.
    """

    def staff_case(self, case_id: int, reference: str) -> dict[str, Any] | None: ...
    def referral_question(self, referral_id: int, reference: str) -> dict[str, Any] | None: ...


class NoButtons:
    """Notifications without buttons (the default until the bot registers its keyboards)."""

    def staff_case(self, case_id: int, reference: str) -> dict[str, Any] | None:
        return None

    def referral_question(self, referral_id: int, reference: str) -> dict[str, Any] | None:
        return None
