"""Bodies of the operators' commands: areas, directors, ledger export and audit, keys, purge, backups."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.cli import fail, load_settings

if TYPE_CHECKING:
    from bot.ledger.service import LedgerService
    from bot.settings import Settings

T = TypeVar("T")


@contextmanager
def _errors() -> Iterator[None]:
    """One clear line on stderr for what an operator can fix, never a traceback."""
    from sqlalchemy.exc import OperationalError

    from bot.backup import BackupError
    from bot.crypto import KeysError
    from bot.ledger.types import LedgerError
    from bot.migrate import SchemaError

    try:
        yield
    except (LedgerError, SchemaError, BackupError, KeysError) as err:
        fail(str(err))
    except OperationalError as err:
        fail(f"cannot use the database: {str(err.orig or err).strip().splitlines()[0]}")


def settings_with_keys() -> Settings:
    from bot.ledger_wiring import configure_keys

    settings = load_settings()
    with _errors():
        configure_keys(settings)
    return settings


def with_ledger(work: Callable[[LedgerService], Awaitable[T]]) -> T:
    """Run `work` with a LedgerService on DATABASE_URL (schema checked first)."""
    from bot.db import database_url, make_engine
    from bot.ledger.service import LedgerService
    from bot.migrate import ensure_schema

    settings = settings_with_keys()

    async def run() -> T:
        engine = make_engine(database_url(settings))
        try:
            await ensure_schema(engine)
            return await work(LedgerService(engine, settings))
        finally:
            await engine.dispose()

    with _errors():
        return asyncio.run(run())
    raise AssertionError("unreachable")


def area_add(names: list[str]) -> None:
    path = with_ledger(lambda ledger: ledger.add_area(names))
    for area in path:
        print(f"{area.id:>6}  {area.level.value:<9} {area.full_name}")


def area_list() -> None:
    async def tree(ledger: LedgerService) -> list[str]:
        lines: list[str] = []

        async def walk(parent: int | None, depth: int) -> None:
            for area in await ledger.areas(parent):
                lines.append(f"{area.id:>6}  {'  ' * depth}{area.name}")
                await walk(area.id, depth + 1)

        await walk(None, 0)
        return lines

    print("\n".join(with_ledger(tree)) or "no areas yet: tongxing area add DISTRICT [TOWNSHIP [VILLAGE]]")


def director_invite(area: str, role: str) -> None:
    from bot.ledger.types import Role

    async def invite(ledger: LedgerService) -> tuple[str, str]:
        found = await ledger.area_named(area)
        return await ledger.create_invite(found.id, Role(role)), found.full_name

    code, name = with_ledger(invite)
    print(f"one-time invite for a {role} of {name}: {code}")
    print(f"the {role} sends the bot: /join {code}   (or opens the link t.me/<bot>?start={code})")


def director_revoke(telegram_id: int) -> None:
    count = with_ledger(lambda ledger: ledger.revoke_staff(telegram_id))
    print(f"revoked {count} active role(s) of Telegram user {telegram_id}: their buttons and commands stop now")


def invites_revoke(area: str | None) -> None:
    async def revoke(ledger: LedgerService) -> int:
        return await ledger.revoke_invites((await ledger.area_named(area)).id if area else None)

    print(f"voided {with_ledger(revoke)} unused invite(s)")


def director_list() -> None:
    for s in with_ledger(lambda ledger: ledger.staff_list()):
        state = "active" if s.active else "revoked"
        print(f"{s.telegram_id:>14}  {s.role.value:<10} {state:<8} {s.area.full_name if s.area else '-'}")


def ledger_export(area: str, out: Path | None, plain: bool) -> None:
    from datetime import UTC, datetime

    from bot.ledger.export import export_csv, write_export

    async def export(ledger: LedgerService) -> tuple[str, str]:
        found = await ledger.area_named(area)
        return export_csv(await ledger.export_rows(found.id), ledger.labels, ledger.catalog), found.full_name

    text, name = with_ledger(export)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = out or Path(f"ledger-{name.replace('/', '-')}-{stamp}.csv")
    with _errors():
        try:
            written = write_export(text, target, encrypt=not plain)
        except FileExistsError:
            fail(f"{target} exists: choose another --out")
    rows = text.count("\n") - 2
    what = "plain CSV, marked sensitive" if plain else "encrypted; read it with tongxing ledger open"
    print(f"wrote {rows} entries to {written} (mode 0600, {what})")


def ledger_open(path: Path) -> None:
    from bot.ledger.export import read_export

    settings_with_keys()
    with _errors():
        try:
            sys.stdout.write(read_export(path))
        except (OSError, ValueError) as err:
            fail(f"cannot read {path}: {type(err).__name__}")


def ledger_audit(reference: str) -> None:
    rows = with_ledger(lambda ledger: ledger.audit_trail(reference))
    for r in rows:
        when, area = r.at.strftime("%Y-%m-%d %H:%M:%S"), r.area_id or "-"
        print(f"{when}Z  {r.actor:<24} {r.role:<10} area {area:<5} {r.action:<16} {r.outcome:<8} {r.detail or ''}")


def keys_rotate() -> None:
    from bot.db import database_url, make_engine
    from bot.ledger.keys import rotate_all

    settings = settings_with_keys()

    async def rotate() -> dict[str, int]:
        engine = make_engine(database_url(settings))
        try:
            return await rotate_all(engine, progress=lambda name, n: print(f"  {name}: {n}", file=sys.stderr))
        finally:
            await engine.dispose()

    with _errors():
        counts = asyncio.run(rotate())
    print(f"re-encrypted {sum(counts.values())} value(s) under the newest key; old keys may now be removed")


def purge() -> None:
    report = with_ledger(lambda ledger: ledger.purge())
    print(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in report.__dict__.items()))


def db_backup(out_dir: Path | None) -> None:
    from bot.backup import backup
    from bot.crypto import keyring
    from bot.db import database_url

    settings = settings_with_keys()
    with _errors():
        path = backup(database_url(settings), out_dir or settings.data_dir / "backups", keyring())
    print(f"backup written to {path} (encrypted with the current keys, mode 0600)")


def db_restore(path: Path, yes: bool) -> None:
    from bot.backup import restore
    from bot.crypto import keyring
    from bot.db import database_url

    if not yes:
        fail("restore replaces the whole database: add --yes to confirm")
    settings = settings_with_keys()
    with _errors():
        restore(database_url(settings), path, keyring())
    print(f"restored {path.name}; run `tongxing db upgrade` if this backup is from an older version")
