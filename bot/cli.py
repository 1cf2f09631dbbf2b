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
    help="Tongxing: migrant children's services in Chongqing, and help requests to child directors.",
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
    from checklist.followup import load_followups

    try:
        catalog = load_catalog()
        load_followups()
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


def _register_ledger_commands() -> None:
    from bot.cli_ledger import register

    register(app, db_app)


_register_ledger_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
