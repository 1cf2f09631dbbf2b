"""Operators' tools: export (encrypted, 0600, marked), key rotation, backup and restore, the CLI itself."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiogram.fsm.storage.base import StorageKey
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import crypto
from bot.backup import backup, restore
from bot.crypto import Keyring
from bot.db import is_sqlite
from bot.ledger import ContactKind
from bot.ledger.export import export_csv, read_export, write_export
from bot.ledger.keys import encrypted_columns, rotate_all
from bot.ledger.service import LedgerService
from bot.storage import SQLStorage
from tests.ledger_support import VILLAGE, Clock, World, standard_world

CHILD, PHONE, ADDRESS = "欧阳小雨", "13912345678", "松牌路88号3单元"


@pytest.fixture
async def world(ledger: LedgerService) -> World:
    w = await standard_world(ledger)
    draft = w.draft(
        VILLAGE,
        child_alias=CHILD,
        child_age=7,
        contact_kind=ContactKind.PHONE,
        contact_value=PHONE,
        address_detail=ADDRESS,
        risk_flags=("hardship",),
        entry_ids=(3,),
    )
    result = await ledger.file_request(draft, w.consent())
    await ledger.accept(w.staff["director_a"], result.case_id)
    return w


async def count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(sa.text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_export_is_encrypted_private_and_complete(world: World, tmp_path: Path) -> None:
    area = await world.ledger.area_named("渝北区")
    text = export_csv(await world.ledger.export_rows(area.id), world.ledger.labels, world.ledger.catalog)
    path = write_export(text, tmp_path / "ledger.csv")
    assert path.name == "ledger.csv.enc" and stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes()
    assert all(v.encode() not in raw for v in (CHILD, PHONE, ADDRESS))
    lines = read_export(path).splitlines()
    assert lines[0].startswith("敏感个人信息") and lines[1].startswith("求助编号,区县")
    assert lines[2].startswith("CQ-2026-000001,渝北区,龙溪街道,松牌路社区," + CHILD + ",7,家庭生活困难")
    assert PHONE not in lines[2] and ADDRESS not in lines[2]  # not needed by the national system
    with pytest.raises(FileExistsError):
        write_export(text, tmp_path / "ledger.csv")
    other = await world.ledger.area_named("江北区")
    assert await world.ledger.export_rows(other.id) == []


async def test_keys_rotate_re_encrypts_every_column_live(
    world: World, engine: AsyncEngine, clock: Clock, monkeypatch: pytest.MonkeyPatch, test_keys: Keyring
) -> None:
    await SQLStorage(engine, clock=clock).set_data(StorageKey(42, 5001, 5001), {"alias": CHILD})
    new = Fernet.generate_key().decode()
    monkeypatch.setattr(crypto, "_current", Keyring((new, *test_keys.keys), test_keys.pseudonym_key))
    counts = await rotate_all(engine, batch=2)
    assert counts["ledger_case.child_alias"] == 1 and counts["fsm_state.data"] == 1 and counts["outbox.text"] >= 2
    assert await rotate_all(engine) == dict.fromkeys(counts, 0)  # nothing left: resumable, idempotent
    monkeypatch.setattr(crypto, "_current", Keyring((new,), test_keys.pseudonym_key))  # the old key removed
    detail = await world.ledger.open_case(world.staff["director_a"], 1)
    assert (detail.child_alias, detail.contact_value, detail.address_detail) == (CHILD, PHONE, ADDRESS)
    assert await SQLStorage(engine, clock=clock).get_data(StorageKey(42, 5001, 5001)) == {"alias": CHILD}
    names = {f"{t.name}.{c.name}" for t, c in encrypted_columns()}
    assert {"staff.display_name", "visit.notes", "referral.reason", "case_filing.need_text"} <= names


async def test_backup_restores_every_entry(world: World, engine: AsyncEngine, db_url: str, tmp_path: Path) -> None:
    keys = crypto.keyring()
    path = backup(db_url, tmp_path / "backups", keys)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.name.endswith(".sqlite.enc" if is_sqlite(db_url) else ".pgsql.enc")
    raw = path.read_bytes()
    assert all(v.encode() not in raw for v in (CHILD, PHONE, ADDRESS))
    before = {t: await count(engine, t) for t in ("ledger_case", "audit_log", "outbox", "staff", "area")}
    await world.ledger.file_request(world.draft(VILLAGE, child_alias="后来的"), world.consent())
    await engine.dispose()  # restore replaces the database: no pooled connection should hold it
    restore(db_url, path, keys)
    assert {t: await count(engine, t) for t in before} == before
    detail = await world.ledger.open_case(world.staff["director_a"], 1)
    assert detail.child_alias == CHILD and detail.reference == "CQ-2026-000001"
    with pytest.raises(Exception, match="audit_log is insert-only"):
        async with engine.begin() as conn:  # the restored audit log is still guarded
            await conn.execute(sa.text("UPDATE audit_log SET outcome = 'ok'"))


def tongxing(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "BOT_TOKEN")}
    command = [sys.executable, "-c", "from bot.cli import main; main()", *args]
    return subprocess.run(command, cwd=cwd, env={**clean, **env}, capture_output=True, text=True, timeout=120)


def cli_env(db_url: str, keys: Keyring) -> dict[str, str]:
    return {
        "DATABASE_URL": db_url,
        "ENCRYPTION_KEYS": ",".join(keys.keys),
        "PSEUDONYM_KEY": keys.pseudonym_key.decode(),
    }


async def test_operators_drive_it_from_the_command_line(
    world: World, db_url: str, tmp_path: Path, test_keys: Keyring
) -> None:
    env = cli_env(db_url, test_keys)
    run: Any = lambda *a: tongxing(*a, env=env, cwd=tmp_path)  # noqa: E731
    added = run("area", "add", "巫山县", "龙门街道")
    assert added.returncode == 0, added.stderr
    assert "巫山县/龙门街道" in added.stdout
    invite = run("director", "invite", "--area", "巫山县/龙门街道")
    code = invite.stdout.split(": ")[1].split()[0]
    assert invite.returncode == 0 and len(code) == 10
    staff = await world.ledger.redeem_invite(code, 8801, 8801)
    assert staff.area is not None and staff.area.full_name == "巫山县/龙门街道"
    assert "8801" in run("director", "list").stdout
    revoked = run("director", "revoke", "8801")
    assert revoked.returncode == 0 and "revoked 1" in revoked.stdout
    assert await world.ledger.staff_roles(8801) == []
    exported = run("ledger", "export", "--area", "渝北区", "--format", "csv", "--out", str(tmp_path / "x.csv"))
    assert exported.returncode == 0, exported.stderr
    assert "wrote 1 entries" in exported.stdout and (tmp_path / "x.csv.enc").exists()
    opened = run("ledger", "open", str(tmp_path / "x.csv.enc"))
    assert CHILD in opened.stdout
    audit = run("ledger", "audit", "CQ-2026-000001")
    assert [line.split()[6] for line in audit.stdout.splitlines()] == ["file", "accept", "export"]
    assert "director" in audit.stdout and CHILD not in audit.stdout
    unknown = run("ledger", "audit", "CQ-2026-999999")
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1
    bad_area = run("director", "invite", "--area", "火星区")
    assert bad_area.returncode == 2 and "no area" in bad_area.stderr and "Traceback" not in bad_area.stderr
    purged = run("purge")
    assert purged.returncode == 0 and "anonymised: 0" in purged.stdout
