"""Idempotent message handling: remember which channel messages were already processed.

WhatsApp (and Telegram) re-deliver webhooks when an answer is slow or fails. Call
``mark_processed(channel, message_id)`` before handling a message: True means first
delivery (handle it), False means it was seen before (skip it). Race-safe via the
primary key (INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL).
Only a keyed hash of (channel, message_id) is stored (HMAC with the pseudonym secret, prefixed
``k1``): a WhatsApp message id encodes the sender's phone number. Rows from before the keyed hash
(plain SHA-256) are deleted by :func:`purge_legacy` (part of ``python -m bot.store.cli purge``).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete, exc, insert

from bot.store.db import store_session
from bot.store.models import ProcessedMessage, utcnow


def _key(channel: str, message_id: str) -> str:
    from bot.privacy.pseudonym import keyed_hash

    return keyed_hash("dedup", f"{channel}\x00{message_id}")


def mark_processed(channel: str, message_id: str, url: str | None = None) -> bool:
    """True when this (channel, message_id) is seen for the first time."""
    if not channel or not message_id:
        raise ValueError("channel and message_id are required")
    values = {"key": _key(channel, message_id), "channel": channel[:32], "processed_at": utcnow()}
    with store_session(url) as session:
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        elif dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:  # other databases: plain insert, duplicate -> IntegrityError handled below
            dialect_insert = None
        if dialect_insert is not None:
            stmt = dialect_insert(ProcessedMessage).values(**values).on_conflict_do_nothing()
            return session.execute(stmt).rowcount == 1
    try:
        with store_session(url) as session:
            session.execute(insert(ProcessedMessage).values(**values))
        return True
    except exc.IntegrityError:
        return False


def purge_processed(older_than: datetime, url: str | None = None) -> int:
    """Forget message ids processed before ``older_than``; returns how many were removed."""
    if older_than.tzinfo is None:
        older_than = older_than.replace(tzinfo=timezone.utc)
    with store_session(url) as session:
        result = session.execute(
            delete(ProcessedMessage).where(ProcessedMessage.processed_at < older_than)
        )
        return result.rowcount or 0


def purge_legacy(url: str | None = None) -> int:
    """Delete rows keyed with the old, unkeyed SHA-256 (before the ``k1`` keyed hash)."""
    from bot.privacy.pseudonym import HASH_PREFIX

    with store_session(url) as session:
        result = session.execute(
            delete(ProcessedMessage).where(~ProcessedMessage.key.startswith(HASH_PREFIX)),
            execution_options={"synchronize_session": False},
        )
        return result.rowcount or 0


def forget(channel: str, message_id: str, url: str | None = None) -> None:
    """Undo :func:`mark_processed` (e.g. when handling failed and a retry must go through)."""
    with store_session(url) as session:
        session.execute(delete(ProcessedMessage).where(ProcessedMessage.key == _key(channel, message_id)))
