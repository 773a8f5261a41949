"""Text that was being typed when a staff session expired (a note), kept encrypted until the same
person logs in again and opens the case; forgotten after :data:`KEEP`."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bot.store.db import store_session
from bot.store.models import NoteDraft, utcnow

KEEP = timedelta(hours=24)
MAX_LENGTH = 20_000


def save(user_id: int, reference: str, field: str, text: str, url: str | None = None) -> None:
    text = (text or "")[:MAX_LENGTH]
    if not text.strip():
        return
    with store_session(url) as session:
        session.execute(delete(NoteDraft).where(NoteDraft.user_id == user_id, NoteDraft.reference == reference,
                                                NoteDraft.field == field))
        session.add(NoteDraft(user_id=user_id, reference=reference[:16], field=field[:16], text=text,
                              created_at=utcnow()))


def take(user_id: int, reference: str, now: datetime | None = None, url: str | None = None) -> dict[str, str]:
    """The kept drafts for this person and case (field -> text); they are deleted by reading them."""
    now = now or utcnow()
    with store_session(url) as session:
        rows = session.execute(select(NoteDraft).where(NoteDraft.user_id == user_id,
                                                       NoteDraft.reference == reference)).scalars().all()
        drafts = {row.field: row.text for row in rows if row.created_at > now - KEEP}
        for row in rows:
            session.delete(row)
        return drafts


def purge(now: datetime | None = None, url: str | None = None) -> int:
    now = now or utcnow()
    with store_session(url) as session:
        return session.execute(delete(NoteDraft).where(NoteDraft.created_at < now - KEEP)).rowcount or 0
