"""`tongxing keys rotate`: every encrypted column re-encrypted under the newest key, batch by batch, live."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.crypto import EncryptedJSON, EncryptedText, Keyring, encrypt_json, keyring
from bot.db import load_models

log = logging.getLogger(__name__)


def encrypted_columns() -> list[tuple[sa.Table, sa.Column[str]]]:
    """Every (table, column) stored as a Fernet token, found from the models (a new one is rotated too)."""
    out = []
    for table in load_models().sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EncryptedText | EncryptedJSON):
                out.append((table, column))
    return out


def _renewed(raw: str, keys: Keyring, newest: Fernet, is_json: bool) -> str | None:
    """The value under the newest key, or None when it already is (so an interrupted rotation resumes cheaply)."""
    if is_json and raw[:1] in "{[":
        return encrypt_json(json.loads(raw))  # a draft written before encryption was on
    try:
        newest.decrypt(raw.encode("ascii"))
        return None
    except InvalidToken:
        return keys.rotate(raw)


async def rotate_all(
    engine: AsyncEngine, batch: int = 500, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Re-encrypt every value not yet under the newest key; returns how many values changed per column.

    Each batch is its own short transaction and each write is a compare-and-swap on the old token, so the bot
    keeps running: a value it changed meanwhile (already under the newest key) is left as it is. Old keys must
    stay in ENCRYPTION_KEYS until this has finished.
    """
    keys = keyring()
    newest = Fernet(keys.keys[0].encode())
    counts: dict[str, int] = {}
    for table, column in encrypted_columns():
        name = f"{table.name}.{column.name}"
        counts[name] = 0
        (pk,) = table.primary_key.columns
        raw = sa.type_coerce(column, sa.Text())
        last = None
        while True:
            stmt = sa.select(pk, raw).where(column.isnot(None)).order_by(pk).limit(batch)
            if last is not None:
                stmt = stmt.where(pk > last)
            async with engine.begin() as conn:
                found = (await conn.execute(stmt)).all()
                for key, token in found:
                    new = _renewed(token, keys, newest, isinstance(column.type, EncryptedJSON))
                    if new is not None:
                        swap = (
                            sa.update(table)
                            .where(pk == key, raw == token)
                            .values({column.name: sa.literal(new, sa.Text())})
                        )
                        counts[name] += (await conn.execute(swap)).rowcount
            if not found:
                break
            last = found[-1][0]
            if progress:
                progress(name, counts[name])
    log.info("keys rotated: %s", counts)
    return counts
