"""The ledger export for 全国儿童福利信息系统: a CSV, encrypted by default, always 0600 and clearly marked."""

from __future__ import annotations

import csv
import io
import os
from dataclasses import fields
from datetime import datetime
from pathlib import Path

from bot.crypto import keyring
from bot.ledger.labels import Labels
from bot.ledger.reports import ExportRow
from bot.ledger.rules import local_time
from bot.ledger.types import Basis, Priority, RefStatus, Status
from checklist.content import Catalog

ENCRYPTED_SUFFIX = ".enc"


def export_csv(rows: list[ExportRow], labels: Labels, catalog: Catalog) -> str:
    """The CSV text: the marker line, the column names, one line per entry (Chongqing time, Chinese words)."""
    names = {c.key: c.name for c in catalog.risk.criteria}
    p = labels.export_punctuation
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([labels.export_marker])
    writer.writerow([labels.export_columns[f.name] for f in fields(ExportRow)])
    for row in rows:
        writer.writerow(
            [
                row.reference,
                row.district,
                row.township,
                row.village,
                row.child_alias or "",
                "" if row.child_age is None else row.child_age,
                p["list"].join(names.get(f, f) for f in row.risk_flags),
                p["list"].join(f"{i}.{catalog.entry(i).title}" for i in row.entry_ids),
                labels.priority[Priority(row.priority)],
                labels.status[Status(row.status)],
                labels.basis[Basis(row.basis)],
                _time(row.filed_at),
                _time(row.first_visit_due),
                row.visits,
                _time(row.last_visit),
                _time(row.next_visit_due),
                p["items"].join(f"{d}{p['pair']}{labels.ref_status[RefStatus(s)]}" for d, s in row.referrals),
                _time(row.closed_at),
            ]
        )
    return out.getvalue()


def _time(value: datetime | None) -> str:
    return local_time(value) if value is not None else ""


def write_private(path: Path, data: bytes) -> Path:
    """Create `path` readable by its owner only (0600), refusing to overwrite an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


def write_export(text: str, path: Path, encrypt: bool = True) -> Path:
    """UTF-8 with a BOM (spreadsheets open it right); encrypted with the keyring unless asked not to."""
    data = text.encode("utf-8-sig")
    if encrypt:
        data = keyring().fernet.encrypt(data)
        if not path.name.endswith(ENCRYPTED_SUFFIX):
            path = path.with_name(path.name + ENCRYPTED_SUFFIX)
    return write_private(path, data)


def read_export(path: Path) -> str:
    """The CSV behind an encrypted export (`tongxing ledger open`)."""
    return keyring().fernet.decrypt(path.read_bytes()).decode("utf-8-sig")
