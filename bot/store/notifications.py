"""Messages for one staff member inside the staff app ("her client withdrew through the chat").

Only a kind and a reference are stored (no personal data); the staff app renders the text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.store.db import store_session
from bot.store.models import StaffNotification, utcnow

KINDS = ("client_withdrew", "taken_over", "client_message")


@dataclass(frozen=True)
class Notification:
    id: int
    kind: str
    reference: str | None
    created_at: datetime
    read_at: datetime | None


def add(session: Session, username: str, kind: str, reference: str | None) -> None:
    """Add a notification in the caller's transaction."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    session.add(StaffNotification(username=username[:64], kind=kind, reference=reference, created_at=utcnow()))


def unread_count(username: str, url: str | None = None) -> int:
    with store_session(url) as session:
        return session.execute(
            select(func.count()).select_from(StaffNotification)
            .where(StaffNotification.username == username, StaffNotification.read_at.is_(None))
        ).scalar_one()


def for_user(username: str, limit: int = 50, url: str | None = None) -> list[Notification]:
    """Newest first."""
    with store_session(url) as session:
        rows = session.execute(
            select(StaffNotification).where(StaffNotification.username == username)
            .order_by(StaffNotification.id.desc()).limit(limit)
        ).scalars()
        return [Notification(n.id, n.kind, n.reference, n.created_at, n.read_at) for n in rows]


def mark_read(username: str, url: str | None = None) -> int:
    with store_session(url) as session:
        result = session.execute(
            update(StaffNotification)
            .where(StaffNotification.username == username, StaffNotification.read_at.is_(None))
            .values(read_at=utcnow())
        )
        return result.rowcount or 0
