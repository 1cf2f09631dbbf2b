"""The outbox sender: delivers notifications the ledger committed, with retries and limits; never drops one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy import exists, or_
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from bot.db import claim_stmt
from bot.ledger.logmodels import Outbox
from bot.outbox_escalate import Failure, record_failure, record_sent, release

if TYPE_CHECKING:
    from bot.ledger.service import LedgerService

log = logging.getLogger(__name__)
PERMANENT = (TelegramForbiddenError, TelegramBadRequest, TelegramNotFound, TelegramMigrateToChat)
LEASE = timedelta(seconds=120)  # a claimed row another sender may take over if this one died


class RateLimiter:
    """About `rate` sends a second overall and one per `chat_interval` per chat (Telegram's limits).

    Slots are reserved under a lock and waited for outside it, so different chats are sent concurrently.
    In-process only: with several senders, give each a share of the rate (OUTBOX_RATE).
    """

    def __init__(
        self,
        rate: float,
        chat_interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.gap, self.chat_interval, self.clock, self.sleep = 1.0 / rate, chat_interval, clock, sleep
        self._next = 0.0
        self._next_chat: dict[int, float] = defaultdict(float)
        self._lock = asyncio.Lock()

    async def wait(self, chat_id: int) -> None:
        async with self._lock:
            now = self.clock()
            overall = max(now, self._next)  # the global slot is taken now, even if this chat must wait longer,
            slot = max(overall, self._next_chat[chat_id])  # so one slow chat never holds up the others
            self._next, self._next_chat[chat_id] = overall + self.gap, slot + self.chat_interval
            if len(self._next_chat) > 10_000:  # forget chats whose slot has passed
                self._next_chat = defaultdict(float, {k: v for k, v in self._next_chat.items() if v > now})
        if slot > now:
            await self.sleep(slot - now)

    def pause_chat(self, chat_id: int, seconds: float) -> None:
        """Telegram said retry_after for this chat: nothing more to it until then."""
        self._next_chat[chat_id] = max(self._next_chat[chat_id], self.clock() + seconds)


@dataclass(frozen=True)
class Claimed:
    id: int
    chat_id: int | None
    text: str
    markup: dict[str, Any] | None
    attempts: int


class OutboxSender:
    """Claims due rows (FOR UPDATE SKIP LOCKED on PostgreSQL, IMMEDIATE on SQLite), sends, records the outcome.

    A row is marked sent only after Telegram accepted it. retry_after is honoured; other transient failures back
    off exponentially; a blocked chat (403), a refused message (400) or OUTBOX_MAX_ATTEMPTS failures escalate to
    a person (the area's director or supervisor, else OPERATORS_CHAT_ID) and are never dropped.
    """

    def __init__(self, ledger: LedgerService, bot: Bot, *, limiter: RateLimiter | None = None) -> None:
        self.ledger, self.bot = ledger, bot
        settings = ledger.settings
        self.limiter = limiter or RateLimiter(settings.outbox_rate, settings.outbox_chat_interval)
        self.worker = f"{socket.gethostname()[:20]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.poll_seconds = 2.0
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """A transaction queued notifications: look now instead of at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Send until stop(); database or network trouble is logged and retried, never fatal."""
        while not self._stopping:
            self._wake.clear()
            try:
                sent = await self.send_due()
            except Exception:
                log.exception("outbox: a sending pass failed; trying again shortly")
                sent = 0
            if sent == 0 and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def send_due(self, limit: int = 50) -> int:
        """One pass: claim up to `limit` due rows, send them (chats in parallel, each chat in order)."""
        rows = await self._claim(limit)
        by_chat: dict[int | None, list[Claimed]] = defaultdict(list)
        for row in rows:
            by_chat[row.chat_id].append(row)
        await asyncio.gather(*(self._send_chat(chat_rows) for chat_rows in by_chat.values()))
        return len(rows)

    async def _claim(self, limit: int) -> list[Claimed]:
        async with self.ledger.tx() as tx:
            now = tx.now
            earlier = aliased(Outbox)
            blocked = exists().where(  # per-chat order: not past an earlier row of the same chat still pending
                earlier.chat_id == Outbox.chat_id, earlier.status == "pending", earlier.id < Outbox.id
            )
            stmt = select(Outbox).where(
                Outbox.status == "pending",
                col(Outbox.next_attempt_at) <= now,
                or_(col(Outbox.lease_until).is_(None), col(Outbox.lease_until) < now),
                ~blocked,
            )
            rows = (
                await tx.session.exec(claim_stmt(stmt.order_by(col(Outbox.urgent).desc(), col(Outbox.id)), limit))
            ).all()
            for row in rows:
                row.lease_until, row.leased_by = now + LEASE, self.worker
            return [Claimed(r.id, r.chat_id, r.text, r.markup, r.attempts) for r in rows if r.id is not None]

    async def _send_chat(self, rows: list[Claimed]) -> None:
        for index, row in enumerate(rows):
            failure = await self._send(row)
            if failure is not None and failure.kind == "retry_after":
                await release(self.ledger, [r.id for r in rows[index + 1 :]])  # keep the chat's order
                await record_failure(self.ledger, row, failure)
                return
            if failure is not None:
                await record_failure(self.ledger, row, failure)

    async def _send(self, row: Claimed) -> Failure | None:
        chat_id = row.chat_id if row.chat_id is not None else self.ledger.settings.operators_chat_id
        if chat_id is None:
            log.error("outbox %s: OPERATORS_CHAT_ID is not set, the notice waits for it", row.id)
            return Failure("no_chat", "OPERATORS_CHAT_ID is not set", transient=True)
        await self.limiter.wait(chat_id)
        markup = InlineKeyboardMarkup.model_validate(row.markup) if row.markup else None
        try:
            message = await self.bot.send_message(chat_id, row.text, reply_markup=markup)
        except TelegramRetryAfter as err:
            self.limiter.pause_chat(chat_id, err.retry_after)
            log.warning("outbox %s: Telegram asks to wait %ss", row.id, err.retry_after)
            return Failure("retry_after", "retry_after", transient=True, wait=float(err.retry_after))
        except PERMANENT as err:
            log.warning("outbox %s: refused by Telegram (%s), escalating", row.id, type(err).__name__)
            blocked = isinstance(err, TelegramForbiddenError)
            return Failure("blocked" if blocked else "refused", _short(err), transient=False)
        except Exception as err:  # 5xx, network, anything else: try again later
            log.warning("outbox %s: send failed (%s), will retry", row.id, type(err).__name__)
            return Failure("failed", _short(err), transient=True)
        await record_sent(self.ledger, row.id, message.message_id)
        log.debug("outbox %s delivered as message %s", row.id, message.message_id)
        return None


def _short(err: Exception) -> str:
    """The error's kind and Telegram's description, without the message text (it may hold personal data)."""
    return f"{type(err).__name__}: {getattr(err, 'message', '')}"[:200]
