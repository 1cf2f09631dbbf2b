"""Alembic environment: the URL comes from bot.migrate (config.attributes), never from an alembic.ini."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlmodel import SQLModel

from bot.db import is_sqlite, load_models, make_sync_engine, sync_url
from bot.models import UtcDateTime

config = context.config


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write the shared column types as plain SQLAlchemy types, so migrations never import models."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    load_models()
    url = sync_url(config.attributes["url"])
    sqlite = is_sqlite(url)
    # SQLite: foreign keys off while batch mode rebuilds tables, checked again before commit (sqlite.org's
    # ALTER TABLE procedure); the IMMEDIATE begin hook makes the whole upgrade one transaction.
    engine = make_sync_engine(url, foreign_keys=not sqlite)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=SQLModel.metadata,
                render_as_batch=sqlite,
                compare_type=True,
                render_item=render_item,
                transaction_per_migration=False,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise RuntimeError(f"migration broke foreign keys: {problems[:5]}")
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run `tongxing db upgrade`")
run_migrations_online()
