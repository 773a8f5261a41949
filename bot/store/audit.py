"""Audit log: every staff view and change, and the client's own actions.

``detail`` must never contain personal data (names, phone numbers, note texts...):
only statuses, counts, filter values, usernames of staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.db import store_session
from bot.store.models import AuditEntry, utcnow


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    actor: str
    action: str
    reference: str | None
    detail: str | None


def add(session: Session, actor: str, action: str, reference: str | None = None, detail: str | None = None) -> None:
    """Add an entry in the caller's transaction (so it commits or rolls back with the change)."""
    session.add(
        AuditEntry(at=utcnow(), actor=actor[:64], action=action[:64], reference=reference,
                   detail=(detail or None) and detail[:255])
    )


def record(actor: str, action: str, reference: str | None = None, detail: str | None = None,
           url: str | None = None) -> None:
    """Write one entry in its own transaction."""
    with store_session(url) as session:
        add(session, actor, action, reference, detail)


def entries(limit: int = 500, reference: str | None = None, actor: str | None = None,
            url: str | None = None) -> list[AuditRecord]:
    """Newest first."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if reference:
        stmt = stmt.where(AuditEntry.reference == reference)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    with store_session(url) as session:
        return [
            AuditRecord(e.at, e.actor, e.action, e.reference, e.detail) for e in session.execute(stmt).scalars()
        ]
