"""Pseudonymous keys: HMAC-SHA256 of an identifier with a secret.

``sender_key`` is stable for a sender (so a withdrawal from the same chat finds her registration)
but does not reveal the id (a WhatsApp sender id is a phone number). ``keyed_hash`` does the same
for other identifiers that must never be stored as they are (channel message ids, button ids).

The secret comes from ``PSEUDONYM_SECRET`` or is generated once in ``<VAR_DIR>/pseudonym.key``
(never in production). Rotation: ``PSEUDONYM_SECRET=new,old``. The first secret makes every new
pseudonym; the channels also compute the old pseudonyms of a sender and pass them to Rasa as
signed aliases (:func:`signed_aliases`), so that withdrawal still finds a registration made under
the old secret (:func:`lookup_keys`). See docs/production.md, "Rotating the pseudonym secret".
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from bot.privacy.keys import secret_values, var_dir

ENV_VAR = "PSEUDONYM_SECRET"
KEY_FILE = "pseudonym.key"
HASH_PREFIX = "k1"  # marks a keyed hash (legacy rows without it are plain SHA-256 or raw ids)
ALIASES_KEY = "sender_aliases"  # UserMessage metadata: old pseudonyms of this sender, signed


@lru_cache(maxsize=8)
def _secrets(_location: str) -> tuple[bytes, ...]:
    return tuple(value.encode("utf-8") for value in secret_values(ENV_VAR, KEY_FILE))


def all_secrets() -> tuple[bytes, ...]:
    """Every configured secret, current first (cached per environment value / VAR_DIR)."""
    location = os.environ.get(ENV_VAR) or str(var_dir())
    return _secrets(location)


def secret() -> bytes:
    """The current secret."""
    return all_secrets()[0]


def _hmac(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def sender_key(sender_id: str) -> str:
    """64 hex characters; the same sender id and secret always give the same key."""
    if not isinstance(sender_id, str) or not sender_id:
        raise ValueError("sender_id must be a non-empty string")
    return _hmac(secret(), sender_id)


def sender_keys(sender_id: str) -> list[str]:
    """``sender_key`` under every configured secret (current first), for lookups across a rotation."""
    if not isinstance(sender_id, str) or not sender_id:
        raise ValueError("sender_id must be a non-empty string")
    return [_hmac(key, sender_id) for key in all_secrets()]


def _purpose_key(key: bytes, purpose: str) -> bytes:
    return hmac.new(key, f"purpose:{purpose}".encode(), hashlib.sha256).digest()


def keyed_hash(purpose: str, value: str) -> str:
    """``k1`` + 62 hex characters: a keyed hash of ``value`` for ``purpose`` (64 characters in all).

    Separate purposes give unrelated hashes; without the secret the value cannot be guessed back
    (a WhatsApp message id contains the sender's phone number).
    """
    return HASH_PREFIX + _hmac(_purpose_key(secret(), purpose), value)[:62]


def is_keyed_hash(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and value.startswith(HASH_PREFIX)


# --------------------------------------------------------------------------- rotation aliases
def legacy_pseudonyms(raw: str) -> list[str]:
    """What :func:`sender_key` gave for ``raw`` under the older secrets (empty without rotation)."""
    return [_hmac(key, raw) for key in all_secrets()[1:]]


def _alias_signature(sender_id: str, aliases: list[str]) -> str:
    return _hmac(_purpose_key(secret(), "aliases"), sender_id + "\x00" + "\x00".join(aliases))


def signed_aliases(sender_id: str, aliases: list[str]) -> dict[str, Any]:
    """Metadata for a UserMessage: the sender's old pseudonyms, signed so nobody can forge them."""
    if not aliases:
        return {}
    return {ALIASES_KEY: {"ids": list(aliases), "sig": _alias_signature(sender_id, list(aliases))}}


def verified_aliases(sender_id: str, metadata: Mapping[str, Any] | None) -> list[str]:
    """The aliases in a message's metadata when their signature holds, else none."""
    entry = (metadata or {}).get(ALIASES_KEY) if isinstance(metadata, Mapping) else None
    if not isinstance(entry, Mapping):
        return []
    ids, sig = entry.get("ids"), entry.get("sig")
    if not isinstance(ids, list) or not all(isinstance(i, str) and i for i in ids) or not isinstance(sig, str):
        return []
    if not hmac.compare_digest(sig.encode(), _alias_signature(sender_id, ids).encode()):
        return []
    return ids


def lookup_keys(sender_id: str, metadata: Mapping[str, Any] | None = None) -> list[str]:
    """Every sender key her registrations can be stored under, current first, without duplicates.

    Covers a rotation of ``PSEUDONYM_SECRET``: her own id under every secret, and the signed old
    pseudonyms the channel passed along (WhatsApp/Telegram ids change with the secret).
    """
    keys: list[str] = []
    for ident in [sender_id, *verified_aliases(sender_id, metadata)]:
        for key in sender_keys(ident):
            if key not in keys:
                keys.append(key)
    return keys
