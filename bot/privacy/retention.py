"""Retention of the conversation history (Rasa tracker store), run by ``python -m bot.store.cli purge``.

- Events older than ``TRACKER_RETENTION_DAYS`` (default 90) are deleted.
- Forms abandoned mid-way: a conversation silent for longer than the session expiry
  (``session_expiration_time`` in domain.yml, 120 minutes) loses its encrypted personal slot values
  (they are only needed while a form runs).
- Message ids stored before they were hashed (older versions) are replaced by keyed hashes, and
  client metadata stored by older versions is dropped.

The tracker database is the one Rasa uses: ``TRACKER_DB_DIALECT``/``HOST``/``NAME``/``USER``/
``PASSWORD`` (defaults as in scripts/run.sh: SQLite ``var/tracker.db``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from bot.paths import ROOT

if TYPE_CHECKING:
    from bot.privacy.tracker_store import RedactingSQLTrackerStore

DEFAULT_RETENTION_DAYS = 90
DEFAULT_IDLE_MINUTES = 120


def retention_days(value: int | None = None) -> int:
    """``value``, else ``TRACKER_RETENTION_DAYS``, else 90 (at least 1)."""
    if value is None:
        raw = os.environ.get("TRACKER_RETENTION_DAYS", "").strip()
        value = int(raw) if raw else DEFAULT_RETENTION_DAYS
    if value < 1:
        raise ValueError("TRACKER_RETENTION_DAYS must be at least 1")
    return value


def session_idle_minutes(domain_file: Path = ROOT / "domain.yml") -> float:
    """The session expiry of domain.yml: after it a form is abandoned (its values are not needed)."""
    try:
        config = (yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}).get("session_config") or {}
        minutes = float(config.get("session_expiration_time") or DEFAULT_IDLE_MINUTES)
    except (OSError, ValueError, TypeError, yaml.YAMLError):
        minutes = DEFAULT_IDLE_MINUTES
    return minutes if minutes > 0 else DEFAULT_IDLE_MINUTES


def tracker_store_from_env() -> RedactingSQLTrackerStore | None:
    """The redacting tracker store as configured for Rasa; None when its SQLite file does not exist."""
    from bot.privacy.tracker_store import RedactingSQLTrackerStore

    dialect = os.environ.get("TRACKER_DB_DIALECT", "").strip() or "sqlite"
    db = os.environ.get("TRACKER_DB_NAME", "").strip() or "var/tracker.db"
    if dialect == "sqlite":
        path = Path(db) if Path(db).is_absolute() else ROOT / db
        if not path.exists():
            return None
        db = str(path)
    return RedactingSQLTrackerStore(
        domain=None,
        dialect=dialect,
        host=os.environ.get("TRACKER_DB_HOST", "").strip() or None,
        db=db,
        username=os.environ.get("TRACKER_DB_USER", "").strip() or None,
        password=os.environ.get("TRACKER_DB_PASSWORD", "").strip() or None,
    )


@dataclass(frozen=True)
class TrackerPurge:
    deleted_events: int = 0
    compacted_values: int = 0
    hashed_message_ids: int = 0
    store_found: bool = True


def purge_tracker(
    days: int | None = None,
    now: float | None = None,
    store: RedactingSQLTrackerStore | None = None,
    idle_minutes: float | None = None,
) -> TrackerPurge:
    """Apply the retention rules above to the tracker store."""
    days = retention_days(days)
    store = store or tracker_store_from_env()
    if store is None:
        return TrackerPurge(store_found=False)
    now = time.time() if now is None else now
    idle = session_idle_minutes() if idle_minutes is None else idle_minutes
    deleted = store.purge_older_than(now - days * 86400)
    compacted = store.compact_idle(now - idle * 60)
    hashed = store.scrub_message_ids()
    return TrackerPurge(deleted, compacted, hashed)
