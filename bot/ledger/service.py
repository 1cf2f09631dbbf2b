"""LedgerService: the one service the bot and a future web page call; every rule of the ledger lives behind it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ledger.admin import AdminMixin
from bot.ledger.core import Buttons
from bot.ledger.family import Eraser, FamilyMixin
from bot.ledger.jobs import JobsMixin
from bot.ledger.labels import Labels
from bot.ledger.reports import ReportsMixin
from bot.models import Clock, utcnow
from bot.render import Renderer

if TYPE_CHECKING:
    from bot.settings import Settings
    from checklist.content import Catalog


class LedgerService(FamilyMixin, AdminMixin, JobsMixin, ReportsMixin):
    """Families file and forget; directors act on their area's entries; operators manage areas and staff.

    Every public method is one database transaction that commits the change together with its audit rows and
    its outbox notifications, or nothing. Staff methods take the actor's Telegram id and re-check on the server
    that the entry lies in one of the actor's areas (callback data can be forged); refusals are audited and
    raise NotAllowed.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        settings: Settings,
        *,
        renderer: Renderer | None = None,
        catalog: Catalog | None = None,
        labels: Labels | None = None,
        clock: Clock = utcnow,
        buttons: Buttons | None = None,
        on_outbox: Callable[[], None] | None = None,
        erasers: list[Eraser] | None = None,
    ) -> None:
        super().__init__(
            engine,
            settings,
            renderer=renderer,
            catalog=catalog,
            labels=labels,
            clock=clock,
            buttons=buttons,
            on_outbox=on_outbox,
        )
        self.erasers = list(erasers or [])
