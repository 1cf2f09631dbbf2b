"""Encryption at rest: values are unreadable without the keys, and old keys keep working during rotation."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.crypto import Keyring, KeysError, load_keyring


def ring(*keys: str) -> Keyring:
    return Keyring(tuple(keys), b"pseudonym-secret")


def test_encrypted_value_hides_the_plaintext_and_decrypts_back() -> None:
    keys = ring(Fernet.generate_key().decode())
    token = keys.encrypt("小明 13800001111")
    assert "小明" not in token and "13800001111" not in token
    assert keys.decrypt(token) == "小明 13800001111"


def test_rotation_reads_old_tokens_and_writes_under_the_new_key() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = ring(old).encrypt("住址")
    both = ring(new, old)
    assert both.decrypt(token) == "住址"
    rotated = both.rotate(token)
    assert ring(new).decrypt(rotated) == "住址"
    with pytest.raises(KeysError):
        ring(new).decrypt(token)


def test_pseudonyms_are_stable_and_keyed() -> None:
    key = Fernet.generate_key().decode()
    assert ring(key).pseudonym("user", 42) == ring(key).pseudonym("user", 42)
    assert Keyring((key,), b"other").pseudonym("user", 42) != ring(key).pseudonym("user", 42)


def test_a_developer_machine_gets_a_private_key_file(tmp_path: Path) -> None:
    first = load_keyring(None, None, tmp_path)
    again = load_keyring(None, None, tmp_path)
    assert first == again
    mode = stat.S_IMODE((tmp_path / "keys.json").stat().st_mode)
    assert mode == 0o600


def test_production_keys_need_a_pseudonym_key_too(tmp_path: Path) -> None:
    with pytest.raises(KeysError):
        load_keyring(Fernet.generate_key().decode(), None, tmp_path)
    keys = load_keyring(f"{Fernet.generate_key().decode()}, {Fernet.generate_key().decode()}", "p", tmp_path)
    assert len(keys.keys) == 2
