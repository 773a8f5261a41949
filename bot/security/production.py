"""Production mode: ``APP_ENV=production`` refuses to start a process whose secrets are not set.

Outside production the processes generate missing secrets under ``var/`` (fine for one machine);
in production every instance must share the same keys, so a missing or malformed one stops the
process at start-up with a clear message instead of failing open.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

from cryptography.fernet import Fernet

from bot.privacy.keys import is_production, split_values

log = logging.getLogger(__name__)

# Each entry: alternatives, one of which must be set.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "rasa": (
        ("PSEUDONYM_SECRET",),
        ("TRACKER_ENCRYPTION_KEYS", "TRACKER_ENCRYPTION_KEY"),
        ("RASA_AUTH_TOKEN", "RASA_AUTH_TOKEN_FILE"),
        ("ACTION_SERVER_TOKEN",),
        ("DATABASE_URL",),
    ),
    "actions": (
        ("PSEUDONYM_SECRET",),
        ("APP_ENCRYPTION_KEYS",),
        ("SEARCH_INDEX_KEY",),
        ("ACTION_SERVER_TOKEN",),
        ("DATABASE_URL",),
    ),
    "staff": (("APP_ENCRYPTION_KEYS",), ("SEARCH_INDEX_KEY",), ("STAFF_SECRET_KEY",), ("DATABASE_URL",)),
    "telegram": (("PSEUDONYM_SECRET",), ("RASA_REST_TOKEN",), ("DATABASE_URL",)),
}
FERNET_VARS = ("APP_ENCRYPTION_KEYS", "TRACKER_ENCRYPTION_KEYS", "TRACKER_ENCRYPTION_KEY")
MIN_SECRET_LENGTH = 16


def problems(role: str, environ: Mapping[str, str] | None = None) -> list[str]:
    """What is missing or malformed for ``role`` (names only, never values)."""
    env = os.environ if environ is None else environ
    found = []
    for alternatives in REQUIRED[role]:
        if not any(env.get(name, "").strip() for name in alternatives):
            found.append(f"{' or '.join(alternatives)} is not set")
    for name in FERNET_VARS:
        for key in split_values(env.get(name, "")):
            try:
                Fernet(key.encode())
            except (ValueError, TypeError):
                found.append(f"{name} contains a value that is not a Fernet key")
                break
    for name in ("PSEUDONYM_SECRET", "ACTION_SERVER_TOKEN", "RASA_AUTH_TOKEN", "RASA_REST_TOKEN", "STAFF_SECRET_KEY",
                 "SEARCH_INDEX_KEY"):
        if any(len(value) < MIN_SECRET_LENGTH for value in split_values(env.get(name, ""))):
            found.append(f"{name} is shorter than {MIN_SECRET_LENGTH} characters")
    return found


def require(role: str) -> None:
    """In production: exit (status 2) when ``role`` lacks a secret. Elsewhere: nothing."""
    if not is_production():
        return
    found = problems(role)
    if found:
        for problem in found:
            log.error("APP_ENV=production: %s (see docs/production.md)", problem)
        print(f"refusing to start the {role} process in production: " + "; ".join(found), file=sys.stderr)
        raise SystemExit(2)


def is_loopback(host: str) -> bool:
    host = (host or "").strip().strip("[]").lower()
    return host in {"localhost", "::1"} or host.startswith("127.")
