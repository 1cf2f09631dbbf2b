"""The key-care ledger: one service holding every rule of help requests, for the bot and a future web page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.ledger.types import *  # noqa: F403  (the vocabulary is the package's public surface)
from bot.ledger.values import *  # noqa: F403

if TYPE_CHECKING:
    from bot.ledger.service import LedgerService as LedgerService


def __getattr__(name: str) -> Any:
    # Lazy: Alembic imports the models through this package and must not load the service's dependencies.
    if name == "LedgerService":
        from bot.ledger.service import LedgerService as LedgerService

        return LedgerService
    raise AttributeError(name)
