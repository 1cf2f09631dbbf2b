"""Encryption at rest for sensitive columns (Fernet, rotatable keys) and keyed pseudonyms for logs and look-ups."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)


class KeysError(RuntimeError):
    """The keys are missing or wrong; the message says which setting to fix."""


@dataclass(frozen=True)
class Keyring:
    """Fernet keys, newest first: the newest encrypts, all decrypt (so rotation needs no downtime)."""

    keys: tuple[str, ...]
    pseudonym_key: bytes

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeysError("ENCRYPTION_KEYS is empty")

    @property
    def fernet(self) -> MultiFernet:
        return MultiFernet([Fernet(k.encode()) for k in self.keys])

    def encrypt(self, text: str) -> str:
        return self.fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self.fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise KeysError("a value cannot be decrypted with ENCRYPTION_KEYS (a key is missing?)") from None

    def rotate(self, token: str) -> str:
        """The same value under the newest key."""
        return self.fernet.rotate(token.encode("ascii")).decode("ascii")

    def pseudonym(self, *parts: Any) -> str:
        """A stable keyed hash: logs and look-ups can match a person without holding who they are."""
        message = "\x1f".join(str(p) for p in parts).encode("utf-8")
        return hmac.new(self.pseudonym_key, message, hashlib.sha256).hexdigest()[:24]


_current: Keyring | None = None
_loader: Callable[[], Keyring] | None = None


def configure(keyring: Keyring) -> None:
    global _current
    _current = keyring


def configure_lazily(loader: Callable[[], Keyring]) -> None:
    """Load the keys only when something first needs them (a migration with nothing to encrypt needs none)."""
    global _loader
    _loader = loader


def keyring() -> Keyring:
    global _current
    if _current is None and _loader is not None:
        _current = _loader()
    if _current is None:
        raise KeysError("encryption keys are not configured (call bot.crypto.configure at start-up)")
    return _current


def load_keyring(encryption_keys: str | None, pseudonym_key: str | None, data_dir: Path) -> Keyring:
    """Keys from the settings; without them (a developer's machine) from a 0600 key file made on first use."""
    if encryption_keys:
        keys = tuple(k.strip() for k in encryption_keys.split(",") if k.strip())
        if not pseudonym_key:
            raise KeysError("PSEUDONYM_KEY must be set together with ENCRYPTION_KEYS")
        return Keyring(keys, pseudonym_key.encode())
    path = data_dir / "keys.json"
    if not path.exists():
        log.warning("ENCRYPTION_KEYS not set: using a generated key file %s (set it in production)", path)
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"encryption_keys": [Fernet.generate_key().decode()], "pseudonym_key": os.urandom(32).hex()}, f)
    stored = json.loads(path.read_text())
    return Keyring(tuple(stored["encryption_keys"]), stored["pseudonym_key"].encode())


class EncryptedText(TypeDecorator[str]):
    """A text column stored as a Fernet token: a grep of the database file or a dump finds no plaintext."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else keyring().encrypt(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else keyring().decrypt(value)


def encrypt_json(value: Any) -> str:
    return keyring().encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def decrypt_json(token: str) -> Any:
    """The value behind encrypt_json; a plain JSON value (written before encryption was on) is read as it is."""
    if token[:1] in "{[":
        return json.loads(token)
    return json.loads(keyring().decrypt(token))


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON value stored as a Fernet token (FSM drafts: a family's answers before they file)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else encrypt_json(value)

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        return None if value is None else decrypt_json(value)
