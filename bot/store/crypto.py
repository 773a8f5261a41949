"""Encryption at rest for personal fields (Fernet / MultiFernet from ``cryptography``).

Keys: ``APP_ENCRYPTION_KEYS`` = comma-separated Fernet keys, the first one encrypts,
all of them decrypt (rotation: put the new key first, run
``python -m bot.store.cli rotate-keys``, then drop the old key). When unset, a key is
generated once into ``<VAR_DIR>/encryption.key`` (mode 0600) with a warning: fine for
the embedded default; with ``APP_ENV=production`` a missing key is an error instead (set it, and
back it up: without it the data is lost).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.types import Text, TypeDecorator

from bot.store.errors import DecryptionError

log = logging.getLogger(__name__)

_lock = threading.Lock()
_cache: dict[str, MultiFernet] = {}


def _key_file() -> Path:
    from bot.store.db import var_dir

    return var_dir() / "encryption.key"


def _load_or_create_key_file(path: Path) -> str:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    key = Fernet.generate_key().decode()
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    log.warning(
        "APP_ENCRYPTION_KEYS is not set: generated an encryption key in %s. "
        "Set APP_ENCRYPTION_KEYS in production and keep a backup of the key.",
        path,
    )
    return key


def configured_keys() -> list[str]:
    """The Fernet keys in use, current key first."""
    raw = os.environ.get("APP_ENCRYPTION_KEYS", "").strip()
    if raw:
        return [k.strip() for k in raw.split(",") if k.strip()]
    from bot.privacy.keys import MissingSecret, is_production

    if is_production():  # never a key that only lives in one container's var/
        raise MissingSecret("APP_ENCRYPTION_KEYS must be set when APP_ENV=production (see docs/production.md)")
    path = _key_file()
    key = _load_or_create_key_file(path)
    if not key:  # a concurrent writer created the file but has not written yet
        import time

        time.sleep(0.2)
        key = path.read_text().strip()
    return [key]


def fernet() -> MultiFernet:
    keys = configured_keys()
    cache_key = ",".join(keys)
    with _lock:
        mf = _cache.get(cache_key)
        if mf is None:
            try:
                mf = MultiFernet([Fernet(k.encode()) for k in keys])
            except (ValueError, TypeError) as err:
                raise ValueError("APP_ENCRYPTION_KEYS contains an invalid Fernet key") from err
            _cache.clear()
            _cache[cache_key] = mf
        return mf


def encrypt(value: str | None) -> str | None:
    if value is None:
        return None
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str | None) -> str | None:
    if token is None:
        return None
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as err:
        raise DecryptionError("cannot decrypt a stored value: wrong APP_ENCRYPTION_KEYS?") from err


def rotate(token: str | None) -> str | None:
    """Re-encrypt ``token`` with the current (first) key."""
    if token is None:
        return None
    return fernet().rotate(token.encode("ascii")).decode("ascii")


class EncryptedText(TypeDecorator):
    """A text column stored as a Fernet token; Python side sees the clear text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and not isinstance(value, str):
            raise TypeError("EncryptedText takes str values")
        return encrypt(value)

    def process_result_value(self, value, dialect):
        return decrypt(value)
