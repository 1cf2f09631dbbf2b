"""The `tongxing` command line: one entry point, subcommands that import only what they need."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.settings import settings_help

if TYPE_CHECKING:
    from bot.settings import Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=False,
    help="童行 Tongxing: migrant children's services in Chongqing, and help requests to child directors.",
    epilog="Settings (environment variables or .env):\n\n" + settings_help().replace("\n", "\n\n"),
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
content_app = typer.Typer(help="Check the content files.", add_completion=False)
app.add_typer(content_app, name="content")
db_app = typer.Typer(help="The database: apply migrations, show the schema revision.", add_completion=False)
app.add_typer(db_app, name="db")
report_app = typer.Typer(help="Reports for the content editors.", add_completion=False)
app.add_typer(report_app, name="report")
area_app = typer.Typer(help="The areas help requests are routed to (区县 → 乡镇/街道 → 村/社区).", add_completion=False)
app.add_typer(area_app, name="area")
director_app = typer.Typer(help="Child directors and supervisors: invite, list, revoke.", add_completion=False)
app.add_typer(director_app, name="director")
ledger_app = typer.Typer(
    help="The key-care ledger: export for 全国儿童福利信息系统, audit trail.", add_completion=False
)
app.add_typer(ledger_app, name="ledger")
keys_app = typer.Typer(help="Encryption keys of the data at rest.", add_completion=False)
app.add_typer(keys_app, name="keys")


def fail(message: str) -> None:
    """Bad input: one clear line on stderr and exit code 2, never a traceback."""
    print(f"tongxing: {message}", file=sys.stderr)
    raise typer.Exit(2)


def load_settings() -> Settings:
    """Settings from the environment and .env; a bad value is one clear line, not a traceback."""
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        return Settings()
    except ValidationError as err:
        first = err.errors()[0]
        fail(f"setting {'.'.join(str(p) for p in first['loc']).upper()}: {first['msg']}")
        raise  # unreachable: fail() exits


def setup_logging(level: str) -> None:
    from bot.logsafe import install, quiet_libraries

    logging.basicConfig(
        level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    quiet_libraries()  # SQLAlchemy's DEBUG echo would print decrypted rows
    install()  # a safety net: phone numbers, ids and Chinese text are redacted from every log line


@app.callback(invoke_without_command=True)
def root(ctx: typer.Context) -> None:
    """Without a subcommand: run the bot (a console chat when BOT_TOKEN is not set)."""
    if ctx.invoked_subcommand is not None:
        return
    from bot.migrate import SchemaError
    from checklist.content import ContentError

    settings = load_settings()
    try:
        if settings.bot_token is None:
            from bot.console import run_console
            from bot.ledger_wiring import configure_keys

            setup_logging("WARNING")  # the terminal is the chat: only problems go to stderr
            configure_keys(settings)
            run_console(settings)
        else:
            serve(webhook=False)
    except (ContentError, SchemaError) as err:  # a typo in content/, an old schema: one line naming the fix
        fail(str(err))


@app.command("serve")
def serve(
    webhook: Annotated[
        bool, typer.Option("--webhook", help="receive updates on WEBHOOK_URL instead of polling")
    ] = False,
) -> None:
    """Run the bot on Telegram: long polling, or a webhook server (WEBHOOK_URL, WEBHOOK_SECRET, port)."""
    import asyncio

    from bot.settings import webhook_problem

    settings = load_settings()
    if settings.bot_token is None:
        fail("BOT_TOKEN is not set (without it, run `tongxing` for the console chat)")
    if webhook and (problem := webhook_problem(settings)):
        fail(problem)  # checked before importing aiogram, which takes seconds
    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

    from bot.ledger_wiring import configure_keys
    from bot.migrate import SchemaError
    from bot.run import serve_telegram

    setup_logging(settings.log_level)
    configure_keys(settings)
    try:
        asyncio.run(serve_telegram(settings, webhook))
    except SchemaError as err:
        fail(str(err))
    except TelegramUnauthorizedError:
        fail("Telegram rejected BOT_TOKEN (Unauthorized): check the token from @BotFather")
    except TelegramNetworkError as err:
        fail(f"cannot reach the Bot API ({settings.telegram_api_base or 'api.telegram.org'}): {err}")


@content_app.command("check")
def content_check() -> None:
    """Load and validate every content file; name the file, entry and field of any error."""
    from checklist.content import ContentError, load_catalog

    try:
        catalog = load_catalog()
    except ContentError as err:
        fail(str(err))
    print(f"content ok: {len(catalog.entries)} entries, {len(catalog.regions.districts)} districts")


@app.command("entries")
def entries(
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object on stdout")] = False,
) -> None:
    """The 21 entries of the checklist, by group."""
    from bot.reports import entries_as_json, entries_text

    print(entries_as_json() if as_json else entries_text())


@app.command("assess")
def assess(
    profile: Annotated[Path, typer.Argument(help="family profile, a JSON file ('-' reads stdin)")],
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object on stdout")] = False,
) -> None:
    """Self-assessment: which of the 21 services each child can claim, and why."""
    from bot.reports import assess_file
    from checklist.content import ContentError
    from checklist.profile import ProfileError

    try:
        print(assess_file(profile, as_json=as_json))
    except (ProfileError, ContentError) as err:
        fail(str(err))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (creates the SQLite file and its folder when needed)."""
    from bot.dbcli import upgrade_command

    upgrade_command()


@db_app.command("current")
def db_current() -> None:
    """Show the database's schema revision and the one this version of Tongxing needs."""
    from bot.dbcli import current_command

    current_command()


@report_app.command("unanswered")
def report_unanswered(
    limit: Annotated[int, typer.Option(min=1, help="at most this many rows")] = 50,
) -> None:
    """Questions the bot could not answer or that families marked not useful, most frequent first."""
    from bot.dbcli import unanswered_command

    unanswered_command(limit)


@app.command("ask")
def ask(
    question: Annotated[str | None, typer.Argument(help="the question; without it, one per stdin line")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per question on stdout")] = False,
) -> None:
    """Answer a parent's question: the reply they would get, or JSON for tools and benchmarks."""
    from bot.ask import json_lines, load_entries, load_matcher, render
    from bot.render import Renderer
    from checklist.content import ContentError, load_catalog
    from checklist.lexicon import LexiconError

    try:
        matcher = load_matcher(load_catalog())
        entries = load_entries()
    except (LexiconError, ContentError) as err:
        fail(str(err))
    import gc

    gc.freeze()  # what was built at start-up lives as long as the process: keep the collector off it
    # Bytes in and out: questions are UTF-8 whatever the locale says, and a broken byte must not stop a batch.
    out = sys.stdout.buffer
    questions = [question] if question is not None else (raw.decode("utf-8", "replace") for raw in sys.stdin.buffer)
    if as_json:
        for line in json_lines(matcher, questions):
            out.write((line + "\n").encode("utf-8"))
        out.flush()
        return
    renderer = Renderer()
    for i, text in enumerate(questions):
        reply = render(matcher.ask(text.rstrip("\r\n")), renderer, entries)
        out.write((("\n" if i else "") + reply + "\n").encode("utf-8"))
    out.flush()


@area_app.command("add")
def area_add(names: Annotated[list[str], typer.Argument(help="区县 [乡镇/街道 [村/社区]]")]) -> None:
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
    area: Annotated[str, typer.Option(help="the area's full name, e.g. 渝北区/龙溪街道, or its id")],
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
    """The area's ledger for entry into 全国儿童福利信息系统; encrypted unless --plain, always mode 0600."""
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


@app.command("purge")
def purge() -> None:
    """Apply the retention periods now (the bot also runs this every JOBS_INTERVAL_MINUTES)."""
    from bot.ledgercli import purge as run

    run()


@db_app.command("backup")
def db_backup(
    out: Annotated[Path | None, typer.Option(help="folder for the backup (default: DATA_DIR/backups)")] = None,
) -> None:
    """A consistent, encrypted copy of the database (SQLite online backup; pg_dump for PostgreSQL)."""
    from bot.ledgercli import db_backup as run

    run(out)


@db_app.command("restore")
def db_restore(
    path: Annotated[Path, typer.Argument(help="a file written by tongxing db backup")],
    yes: Annotated[bool, typer.Option("--yes", help="confirm: the whole database is replaced")] = False,
) -> None:
    """Bring a backup back (needs the keys it was written with)."""
    from bot.ledgercli import db_restore as run

    run(path, yes)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
