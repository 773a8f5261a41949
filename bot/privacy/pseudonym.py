"""Pseudonymous sender keys: HMAC-SHA256 of a sender id with a secret.

The key is stable for a sender (so a withdrawal from the same chat finds her registration)
but does not reveal the id (a WhatsApp sender id is a phone number). The secret comes from
``PSEUDONYM_SECRET`` or is generated once in ``<VAR_DIR>/pseudonym.key``.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from bot.privacy.keys import load_or_create_secret, var_dir

ENV_VAR = "PSEUDONYM_SECRET"
KEY_FILE = "pseudonym.key"


@lru_cache(maxsize=8)
def _secret(_location: str) -> bytes:
    return load_or_create_secret(ENV_VAR, KEY_FILE).encode("utf-8")


def secret() -> bytes:
    """The current secret (cached per environment value / VAR_DIR, so tests can switch)."""
    import os

    location = os.environ.get(ENV_VAR) or str(var_dir())
    return _secret(location)


def sender_key(sender_id: str) -> str:
    """64 hex characters; the same sender id and secret always give the same key."""
    if not isinstance(sender_id, str) or not sender_id:
        raise ValueError("sender_id must be a non-empty string")
    return hmac.new(secret(), sender_id.encode("utf-8"), hashlib.sha256).hexdigest()
