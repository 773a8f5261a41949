"""Audit log: every staff view and change, and the client's own actions.

``detail`` must never contain personal data (names, phone numbers, note texts...):
only statuses, counts, filter values, usernames of staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
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


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    reference: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def page(flt: AuditFilter, page_no: int = 1, per_page: int = 50,
         url: str | None = None) -> tuple[list[AuditRecord], int]:
    """One page of entries (newest first) and the total number of matching entries."""
    conditions = []
    if flt.actor:
        conditions.append(AuditEntry.actor == flt.actor)
    if flt.action:
        conditions.append(AuditEntry.action == flt.action)
    if flt.reference:
        conditions.append(AuditEntry.reference == flt.reference)
    if flt.since:
        conditions.append(AuditEntry.at >= flt.since)
    if flt.until:
        conditions.append(AuditEntry.at < flt.until)
    per_page = max(1, min(per_page, 500))
    with store_session(url) as session:
        total = session.execute(select(func.count()).select_from(AuditEntry).where(*conditions)).scalar_one()
        rows = session.execute(
            select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc())
            .limit(per_page).offset((max(1, page_no) - 1) * per_page)
        ).scalars()
        return [AuditRecord(e.at, e.actor, e.action, e.reference, e.detail) for e in rows], total


def distinct_values(url: str | None = None) -> tuple[list[str], list[str]]:
    """(actors, actions) that occur in the log, for the filter lists."""
    with store_session(url) as session:
        actors = [a for (a,) in session.execute(select(AuditEntry.actor).distinct().order_by(AuditEntry.actor))]
        actions = [a for (a,) in session.execute(select(AuditEntry.action).distinct().order_by(AuditEntry.action))]
    return actors, actions


def history(reference: str, url: str | None = None, include_views: bool = False) -> list[AuditRecord]:
    """What happened to one case, oldest first (views left out unless asked for)."""
    stmt = select(AuditEntry).where(AuditEntry.reference == reference).order_by(AuditEntry.id)
    if not include_views:
        stmt = stmt.where(AuditEntry.action != "viewed")
    with store_session(url) as session:
        return [AuditRecord(e.at, e.actor, e.action, e.reference, e.detail) for e in session.execute(stmt).scalars()]
