"""`tongxing db backup` / `restore`: a consistent copy (SQLite online backup API, or pg_dump), encrypted."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import make_url

from bot.crypto import Keyring
from bot.db import is_sqlite, sqlite_file, sync_url

MAGIC = b"TONGXING-BACKUP-1\n"
CHUNK = 1 << 20  # Fernet tokens of 1 MiB each: large databases never sit whole in memory


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


def encrypt_file(src: BinaryIO, dst: BinaryIO, keys: Keyring) -> None:
    fernet = keys.fernet
    dst.write(MAGIC)
    while chunk := src.read(CHUNK):
        token = fernet.encrypt(chunk)
        dst.write(len(token).to_bytes(4, "big") + token)


def decrypt_file(src: BinaryIO, dst: BinaryIO, keys: Keyring) -> None:
    if src.read(len(MAGIC)) != MAGIC:
        raise BackupError("not a Tongxing backup (wrong header)")
    fernet = keys.fernet
    while size := src.read(4):
        dst.write(fernet.decrypt(src.read(int.from_bytes(size, "big"))))


@contextmanager
def _scratch(folder: Path) -> Iterator[Path]:
    """A private temporary file beside the target (same disk), removed afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".tongxing-", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def backup(url: str, out_dir: Path, keys: Keyring, now: datetime | None = None) -> Path:
    """Write an encrypted, 0600 backup of the database into `out_dir`; returns its path."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    kind = "sqlite" if is_sqlite(url) else "pgsql"
    target = out_dir / f"tongxing-{stamp}.{kind}.enc"
    with _scratch(out_dir) as plain:
        _sqlite_copy(url, plain) if kind == "sqlite" else _pg_dump(url, plain)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(plain, "rb") as src, os.fdopen(fd, "wb") as dst:
            encrypt_file(src, dst, keys)
    return target


def restore(url: str, path: Path, keys: Keyring) -> None:
    """Bring a backup back into the database at `url` (the whole database is replaced)."""
    if is_sqlite(url) != path.name.endswith(".sqlite.enc"):
        raise BackupError(f"{path.name} is a backup of another kind of database than DATABASE_URL")
    folder = sqlite_file(url).parent if is_sqlite(url) and sqlite_file(url) else Path(tempfile.gettempdir())
    with _scratch(folder) as plain:
        with open(path, "rb") as src, open(plain, "wb") as dst:
            decrypt_file(src, dst, keys)
        _sqlite_restore(url, plain) if is_sqlite(url) else _psql(url, plain)


def _sqlite_copy(url: str, target: Path) -> None:
    """SQLite's online backup API: a consistent copy while the bot keeps writing."""
    path = sqlite_file(url)
    if path is None or not path.exists():
        raise BackupError(f"no SQLite database file at {path}")
    source, copy = sqlite3.connect(path), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _sqlite_restore(url: str, plain: Path) -> None:
    path = sqlite_file(url)
    if path is None:
        raise BackupError("restoring needs a SQLite file database")
    source, target = sqlite3.connect(plain), sqlite3.connect(path, timeout=30)
    try:
        source.backup(target)  # page by page under the target's lock: readers never see half a database
    finally:
        target.close()
        source.close()


def _libpq(url: str) -> tuple[str, list[str]]:
    """A libpq URL for pg_dump/psql, and --schema when the URL pins a search_path (each test has its own)."""
    parsed = make_url(sync_url(url)).set(drivername="postgresql")
    options = parsed.query.get("options")
    schemas = []
    if isinstance(options, str) and "search_path=" in options:
        schemas = [f"--schema={options.split('search_path=', 1)[1].split()[0]}"]
    return parsed.render_as_string(hide_password=False), schemas


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not on PATH: install the PostgreSQL client tools (same major version)")
    return found


def _pg_dump(url: str, target: Path) -> None:
    conn, schemas = _libpq(url)
    args = [_tool("pg_dump"), "--clean", "--if-exists", "--no-owner", "--no-privileges", *schemas, "-f", str(target)]
    done = subprocess.run([*args, "-d", conn], capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip().splitlines()[-1] if done.stderr else done.returncode}")


def _psql(url: str, plain: Path) -> None:
    conn, _schemas = _libpq(url)
    args = [_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", str(plain), "-d", conn]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"psql failed: {done.stderr.strip().splitlines()[-1] if done.stderr else done.returncode}")
