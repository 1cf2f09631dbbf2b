"""The operators' commands of the key-care ledger, registered on the `tongxing` app (bodies in bot.ledgercli)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

area_app = typer.Typer(
    help="The areas help requests are routed to: district, township (street), village (community).",
    add_completion=False,
)
director_app = typer.Typer(help="Child directors and supervisors: invite, list, revoke.", add_completion=False)
ledger_app = typer.Typer(
    help="The key-care ledger: export for the national child welfare system, audit trail.", add_completion=False
)
keys_app = typer.Typer(help="Encryption keys of the data at rest.", add_completion=False)


def fail(message: str) -> None:
    from bot.cli import fail as cli_fail

    cli_fail(message)


def register(app: typer.Typer, db_app: typer.Typer) -> None:
    """Add the ledger's command groups, `purge`, and `db backup` / `db restore`."""
    app.add_typer(area_app, name="area")
    app.add_typer(director_app, name="director")
    app.add_typer(ledger_app, name="ledger")
    app.add_typer(keys_app, name="keys")
    app.command("purge")(purge)
    db_app.command("backup")(db_backup)
    db_app.command("restore")(db_restore)


@area_app.command("add")
def area_add(
    names: Annotated[list[str], typer.Argument(help="DISTRICT [TOWNSHIP [VILLAGE]], as officially named")],
) -> None:
    """Create an area path (what exists is reused) and print the ids."""
    from bot.ledgercli import area_add as run

    run(names)


@area_app.command("list")
def area_list() -> None:
    """Every area, as a tree with ids."""
    from bot.ledgercli import area_list as run

    run()


@director_app.command("invite")
def director_invite(
    area: Annotated[
        str, typer.Option(help="the area's full name DISTRICT/TOWNSHIP[/VILLAGE] or its id (tongxing area list)")
    ],
    role: Annotated[str, typer.Option(help="director or supervisor")] = "director",
) -> None:
    """A one-time invite code binding a director (or supervisor) to an area when redeemed in the bot."""
    from bot.ledgercli import director_invite as run

    if role not in ("director", "supervisor"):
        fail("--role must be director or supervisor")
    run(area, role)


@director_app.command("revoke")
def director_revoke(telegram_id: Annotated[int, typer.Argument(help="the person's Telegram user id")]) -> None:
    """Deactivate every role of a director or supervisor at once (incident response)."""
    from bot.ledgercli import director_revoke as run

    run(telegram_id)


@director_app.command("revoke-invites")
def director_revoke_invites(
    area: Annotated[str | None, typer.Option(help="only this area's invites (default: all)")] = None,
) -> None:
    """Void unused invite codes."""
    from bot.ledgercli import invites_revoke as run

    run(area)


@director_app.command("list")
def director_list() -> None:
    """Directors and supervisors with their areas and whether they are active."""
    from bot.ledgercli import director_list as run

    run()


@ledger_app.command("export")
def ledger_export(
    area: Annotated[str, typer.Option(help="the area's full name or id; entries below it are included")],
    format: Annotated[str, typer.Option(help="csv")] = "csv",
    out: Annotated[Path | None, typer.Option(help="file to write (default: ledger-AREA-TIME.csv[.enc])")] = None,
    plain: Annotated[bool, typer.Option(help="write plain CSV (marked as sensitive) instead of encrypted")] = False,
) -> None:
    """The area's ledger for the national child welfare system; encrypted unless --plain, always mode 0600."""
    from bot.ledgercli import ledger_export as run

    if format != "csv":
        fail("only --format csv is supported")
    run(area, out, plain)


@ledger_app.command("open")
def ledger_open(path: Annotated[Path, typer.Argument(help="an encrypted export (.csv.enc)")]) -> None:
    """Print the CSV behind an encrypted export."""
    from bot.ledgercli import ledger_open as run

    run(path)


@ledger_app.command("audit")
def ledger_audit(reference: Annotated[str, typer.Argument(help="the entry, e.g. CQ-2026-000123")]) -> None:
    """Who saw and did what to an entry, oldest first (this view is audited too)."""
    from bot.ledgercli import ledger_audit as run

    run(reference)


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every encrypted value under the newest key of ENCRYPTION_KEYS, batch by batch, live."""
    from bot.ledgercli import keys_rotate as run

    run()


def purge() -> None:
    """Apply the retention periods now (the bot also runs this every JOBS_INTERVAL_MINUTES)."""
    from bot.ledgercli import purge as run

    run()


def db_backup(
    out: Annotated[Path | None, typer.Option(help="folder for the backup (default: DATA_DIR/backups)")] = None,
) -> None:
    """A consistent, encrypted copy of the database (SQLite online backup; pg_dump for PostgreSQL)."""
    from bot.ledgercli import db_backup as run

    run(out)


def db_restore(
    path: Annotated[Path, typer.Argument(help="a file written by tongxing db backup")],
    yes: Annotated[bool, typer.Option("--yes", help="confirm: the whole database is replaced")] = False,
) -> None:
    """Bring a backup back (needs the keys it was written with)."""
    from bot.ledgercli import db_restore as run

    run(path, yes)
