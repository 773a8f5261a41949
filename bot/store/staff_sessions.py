"""Server-side staff sessions (issue 10, finding 7).

The session cookie carries a random token; the database keeps only its SHA-256 with the
account, creation time, last activity, absolute end and revocation time. Every request is
checked here, so a copied cookie stops working after logout, a password or role change,
deactivation, the idle timeout or the absolute lifetime.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.orm import Session

from bot.store.db import store_session
from bot.store.models import StaffSession, StaffUser, utcnow
from bot.store.staff_users import StaffAccount

OK, EXPIRED, INVALID = "ok", "expired", "invalid"


@dataclass(frozen=True)
class SessionCheck:
    status: str  # OK, EXPIRED (idle or absolute end: the user may get her draft back), INVALID
    account: StaffAccount | None = None
    expires_at: datetime | None = None  # absolute end
    idle_ends_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status == OK


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(user_id: int, lifetime: timedelta, now: datetime | None = None, url: str | None = None) -> str:
    """A new session for ``user_id`` that ends at the latest after ``lifetime``; returns the cookie token."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    with store_session(url) as session:
        session.add(StaffSession(token_hash=_hash(token), user_id=user_id, created_at=now, last_seen_at=now,
                                 expires_at=now + lifetime))
    return token


def check(token: str | None, idle: timedelta, now: datetime | None = None, touch: bool = True,
          url: str | None = None) -> SessionCheck:
    """Validate a session token; with ``touch`` a valid session's last activity becomes ``now``."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return SessionCheck(INVALID)
    now = now or utcnow()
    with store_session(url) as session:
        row = session.get(StaffSession, _hash(token))
        if row is None or row.revoked_at is not None:
            return SessionCheck(INVALID)
        user = session.get(StaffUser, row.user_id)
        if user is None or not user.active:
            return SessionCheck(INVALID)
        account = StaffAccount(user.id, user.username, user.role, user.active)
        if now >= row.expires_at or now - row.last_seen_at > idle:
            row.revoked_at = now
            return SessionCheck(EXPIRED, account)
        if touch:
            row.last_seen_at = now
        return SessionCheck(OK, account, row.expires_at, min(row.expires_at, row.last_seen_at + idle))


def revoke(token: str | None, now: datetime | None = None, url: str | None = None) -> None:
    if not token:
        return
    with store_session(url) as session:
        session.execute(update(StaffSession).where(StaffSession.token_hash == _hash(token),
                                                   StaffSession.revoked_at.is_(None))
                        .values(revoked_at=now or utcnow()))


def revoke_all_in(session: Session, user_id: int, now: datetime | None = None) -> int:
    """Revoke every open session of ``user_id`` in the caller's transaction; returns how many."""
    result = session.execute(update(StaffSession).where(StaffSession.user_id == user_id,
                                                        StaffSession.revoked_at.is_(None))
                             .values(revoked_at=now or utcnow()))
    return result.rowcount or 0


def revoke_all(user_id: int, url: str | None = None) -> int:
    with store_session(url) as session:
        return revoke_all_in(session, user_id)


def purge(older_than: datetime, url: str | None = None) -> int:
    """Delete session rows that ended (revoked or past their absolute end) before ``older_than``."""
    with store_session(url) as session:
        result = session.execute(delete(StaffSession).where(
            or_(StaffSession.revoked_at < older_than, StaffSession.expires_at < older_than)))
        return result.rowcount or 0
