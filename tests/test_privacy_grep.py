"""No plaintext anywhere: the whole request flow at DEBUG logs none of the test values, and a grep of the raw
SQLite file, a PostgreSQL dump and an export finds none of them either (issue 6, points 1 and 4)."""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.backup import _libpq
from bot.db import make_engine, sqlite_file
from bot.ledger import Agreement, ContactKind, RefStatus
from bot.ledger.export import export_csv, write_export
from bot.logsafe import RedactingFilter, quiet_libraries, redact
from bot.storage import SQLStorage
from tests.fakebot import FakeTelegram
from tests.ledger_support import Clock, api_bot, drain, make_ledger, sender_for, standard_world

VILLAGE = "渝北区/龙溪街道/松牌路社区"
CHILD, PHONE, ADDRESS = "欧阳小雨", "13912345678", "松牌路88号3单元"
NEED, NOTE, SHARED, REASON = "孩子想读书但没有学籍", "家里只有奶奶在", "欧阳小雨需要学籍", "欧阳小雨不在本区"
SECRETS = (CHILD, PHONE, ADDRESS, NEED, NOTE, SHARED, REASON)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    tg = await FakeTelegram().start()
    yield tg
    await tg.stop()


async def whole_flow(engine: AsyncEngine, fake: FakeTelegram, tmp_path: Path) -> Path:
    """Filing, draft, accept, visit, referral returned, close, every notice sent; returns the export file."""
    clock = Clock()
    ledger = make_ledger(engine, clock)
    world = await standard_world(ledger)
    await SQLStorage(engine, clock=clock).set_data(StorageKey(42, 5001, 5001), {"alias": CHILD, "phone": PHONE})
    draft = world.draft(
        VILLAGE,
        child_alias=CHILD,
        child_age=7,
        need_text=NEED,
        contact_kind=ContactKind.PHONE,
        contact_value=PHONE,
        address_detail=ADDRESS,
        risk_detail=NOTE,
        entry_ids=(3,),
    )
    case_id = (await ledger.file_request(draft, world.consent())).case_id
    director = world.staff["director_a"]
    await ledger.accept(director, case_id)
    await ledger.record_visit(director, case_id, clock.now, NOTE)
    department = (await ledger.open_case(director, case_id)).departments[0]
    ref = await ledger.refer(director, case_id, department, Agreement.DIRECTOR_CONFIRMED, SHARED)
    await ledger.set_referral_status(director, ref.id, RefStatus.RETURNED, REASON)
    await ledger.close(director, case_id, NOTE)
    bot = api_bot(fake.url)
    try:
        await drain(sender_for(ledger, bot))
    finally:
        await bot.session.close()
    assert len(fake.calls_of("sendMessage")) >= 6
    area = await ledger.area_named("渝北区")
    text = export_csv(await ledger.export_rows(area.id), ledger.labels, ledger.catalog)
    assert CHILD in text  # the national system needs the child's name: hence the encrypted file
    return write_export(text, tmp_path / "export.csv")


def assert_clean(data: bytes, where: str) -> None:
    found = [v for v in SECRETS if v.encode("utf-8") in data]
    assert not found, f"{where} holds plaintext {found}"


async def test_the_whole_flow_at_debug_logs_no_personal_data(
    db_url: str, fake: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """As the bot configures logging at LOG_LEVEL=DEBUG (setup_logging), without the redacting safety net."""
    caplog.set_level(logging.DEBUG)
    quiet_libraries()
    engine = make_engine(db_url)
    try:
        await whole_flow(engine, fake, tmp_path)
    finally:
        await engine.dispose()
        logging.getLogger("sqlalchemy.engine").setLevel(logging.NOTSET)
    assert any(r.name.startswith("bot.") and r.levelno == logging.DEBUG for r in caplog.records)  # really DEBUG
    messages = "\n".join(r.getMessage() for r in caplog.records)
    assert_clean(messages.encode(), "the log output")


async def test_even_sqlalchemy_echo_of_decrypted_rows_is_redacted_by_the_filter(
    db_url: str, fake: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The safety net: someone turns SQLAlchemy's echo on (it prints decrypted rows); the filter still holds."""
    caplog.handler.addFilter(RedactingFilter())
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    engine = make_engine(db_url)
    try:
        await whole_flow(engine, fake, tmp_path)
    finally:
        await engine.dispose()
    assert any(r.name.startswith("sqlalchemy.engine") and "Row" in r.getMessage() for r in caplog.records)
    assert_clean(caplog.text.encode(), "the log output")


async def test_a_grep_of_the_database_a_dump_and_the_export_finds_nothing(
    db_url: str, fake: FakeTelegram, tmp_path: Path
) -> None:
    engine = make_engine(db_url)
    try:
        export = await whole_flow(engine, fake, tmp_path)
        if engine.dialect.name == "postgresql":
            dump = await postgres_dump(engine, db_url, tmp_path)
    finally:
        await engine.dispose()
    assert_clean(export.read_bytes(), "the export")
    if engine.dialect.name == "sqlite":
        path = sqlite_file(db_url)
        assert path is not None
        for file in (path, path.with_name(path.name + "-wal")):
            if file.exists():
                assert_clean(file.read_bytes(), file.name)
    else:
        assert len(dump) > 1000 and b"CREATE TABLE" in dump
        assert_clean(dump, "the PostgreSQL dump")


async def postgres_dump(engine: AsyncEngine, db_url: str, tmp_path: Path) -> bytes:
    """pg_dump of the test's schema, or (without pg_dump) every text column read back as stored."""
    if shutil.which("pg_dump"):
        conn, schemas = _libpq(db_url)
        out = tmp_path / "dump.sql"
        subprocess.run(["pg_dump", *schemas, "-f", str(out), "-d", conn], check=True, capture_output=True)
        return out.read_bytes()
    parts: list[str] = []
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
        for table in tables:
            rows = (await conn.execute(sa.text(f'SELECT * FROM "{table}"'))).all()
            parts.extend(str(v) for row in rows for v in row)
    return "\n".join(parts).encode()


def test_the_log_filter_redacts_what_slips_through() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "filed for %s, phone %s at %s", (CHILD, PHONE, ADDRESS), None
    )
    assert RedactingFilter().filter(record)
    message: Any = record.getMessage()
    assert all(v not in message for v in (CHILD, PHONE, ADDRESS))
    assert "CQ-2026-000001 at 2026-03-02 01:00" in redact("CQ-2026-000001 at 2026-03-02 01:00")
