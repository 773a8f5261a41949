"""Staff accounts for the staff web app: roles, argon2 password hashes, login throttling.

Login throttling (issue 10, finding 9) counts failed logins per (IP address, account)
and per IP address, never per account alone: five wrong passwords from one address lock
that account *from that address* for 15 minutes, so nobody can lock a colleague out from
elsewhere; twenty failures from one address (any accounts) lock the address. Every login
attempt costs exactly one argon2 verification (against the account's hash, or a dummy
hash for unknown accounts) also when the attempt is refused for a lock, so a locked, an
unknown and a wrong-password attempt take the same time and give the same answer.
Distributed guessing against one account is limited by the argon2 cost, the password
length and the reverse proxy's rate limit (docs/production.md).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, exc, select, update
from sqlalchemy.orm import Session

from bot.store import audit
from bot.store.db import insert_ignore, store_session
from bot.store.models import ROLES, LoginThrottle, StaffUser, utcnow

MAX_FAILED_ATTEMPTS = 5  # per (IP, account)
MAX_IP_FAILURES = 20  # per IP, any accounts
LOCKOUT = timedelta(minutes=15)
WINDOW = timedelta(minutes=15)  # failures older than this are forgotten
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
# Verified against when the username does not exist, so that timing does not reveal it.
_DUMMY_HASH = _hasher.hash("not-a-real-password-only-for-timing")


@dataclass(frozen=True)
class StaffAccount:
    id: int
    username: str
    role: str
    active: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_coordinator(self) -> bool:
        """May erase personal data and reopen withdrawn cases (coordinators and admins)."""
        return self.role in ("coordinator", "admin")


@dataclass(frozen=True)
class AuthResult:
    ok: bool
    account: StaffAccount | None = None
    locked: bool = False  # True when this address is (now) locked for the account or as a whole


def _account(user: StaffUser) -> StaffAccount:
    return StaffAccount(user.id, user.username, user.role, user.active)


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    return role


def create_staff(username: str, password: str, admin: bool = False, url: str | None = None,
                 actor: str = "cli", role: str | None = None) -> StaffAccount:
    """Create an account; ``ValueError`` when the username exists or the password is too short."""
    username = (username or "").strip()
    if not username or len(username) > 64:
        raise ValueError("username must have 1-64 characters")
    validate_password(password)
    role = _check_role(role or ("admin" if admin else "staff"))
    try:
        with store_session(url) as session:
            user = StaffUser(username=username, password_hash=_hasher.hash(password), role=role, active=True,
                             created_at=utcnow())
            session.add(user)
            session.flush()
            audit.add(session, actor, "staff account created", None, f"{username} ({role})")
            return _account(user)
    except exc.IntegrityError as err:
        raise ValueError(f"username {username!r} already exists") from err


def _user(session: Session, username: str) -> StaffUser:
    user = session.execute(select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
    if user is None:
        raise ValueError(f"no staff account {username!r}")
    return user


def set_password(username: str, password: str, url: str | None = None, actor: str = "cli") -> None:
    """New password: every session of the account is revoked and its login locks are lifted."""
    from bot.store import staff_sessions

    validate_password(password)
    with store_session(url) as session:
        user = _user(session, username)
        user.password_hash = _hasher.hash(password)
        session.execute(delete(LoginThrottle).where(LoginThrottle.account_id == user.id))
        revoked = staff_sessions.revoke_all_in(session, user.id)
        audit.add(session, actor, "password set", None, f"{username}; {revoked} session(s) ended")


def set_role(username: str, role: str, url: str | None = None, actor: str = "cli") -> None:
    """Change the role; the account's sessions end (the next login has the new rights)."""
    from bot.store import staff_sessions

    role = _check_role(role)
    with store_session(url) as session:
        user = _user(session, username)
        old, user.role = user.role, role
        staff_sessions.revoke_all_in(session, user.id)
        audit.add(session, actor, "role changed", None, f"{username}: {old} -> {role}")


def set_active(username: str, active: bool, url: str | None = None, actor: str = "cli") -> None:
    """Deactivate (sessions end at once) or reactivate an account."""
    from bot.store import staff_sessions

    with store_session(url) as session:
        user = _user(session, username)
        user.active = active
        if not active:
            staff_sessions.revoke_all_in(session, user.id)
        audit.add(session, actor, "account activated" if active else "account deactivated", None, username)


def get_account(user_id: int, url: str | None = None) -> StaffAccount | None:
    with store_session(url) as session:
        user = session.get(StaffUser, user_id)
        return _account(user) if user is not None else None


def list_accounts(url: str | None = None) -> list[StaffAccount]:
    with store_session(url) as session:
        return [_account(u) for u in session.execute(select(StaffUser).order_by(StaffUser.username)).scalars()]


# ------------------------------------------------------------------ throttling
def _throttle_key(purpose: str, *parts: str) -> str:
    from bot.store.search import index_key

    message = "\x00".join((purpose, *parts)).encode("utf-8")
    return hmac.new(index_key(), message, hashlib.sha256).hexdigest()


def _keys(ip: str, username: str) -> tuple[str, str]:
    return (_throttle_key("login-ip-account", ip, username.casefold()), _throttle_key("login-ip", ip))


def _locked(session: Session, key: str, now: datetime) -> bool:
    row = session.get(LoginThrottle, key)
    return row is not None and row.locked_until is not None and row.locked_until > now


def _count_failure(session: Session, key: str, limit: int, now: datetime, account_id: int | None) -> bool:
    """Count one failure for ``key``; True when this failure reaches ``limit`` (the key is locked)."""
    insert_ignore(session, LoginThrottle, {"key": key, "account_id": account_id, "failures": 0, "window_start": now})
    row = session.get(LoginThrottle, key)
    session.refresh(row)
    if row.window_start < now - WINDOW and not (row.locked_until and row.locked_until > now):
        session.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(failures=0, window_start=now))
    session.execute(update(LoginThrottle).where(LoginThrottle.key == key)
                    .values(failures=LoginThrottle.failures + 1, account_id=account_id))
    session.refresh(row)
    if row.failures >= limit:
        row.locked_until = now + LOCKOUT
        row.failures = 0
        row.window_start = now
        return True
    return False


def authenticate(username: str, password: str, now: datetime | None = None, url: str | None = None,
                 ip: str | None = None) -> AuthResult:
    """Check a login from address ``ip``. Every attempt is audited (usernames of unknown
    accounts are not: a mistyped password can end up in the username field)."""
    now = now or utcnow()
    username = (username or "").strip()[:64]
    ip = (ip or "unknown")[:64]
    pair_key, ip_key = _keys(ip, username)
    with store_session(url) as session:
        user = session.execute(select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
        known = user is not None and user.active
        locked = _locked(session, pair_key, now) or _locked(session, ip_key, now)
        # Exactly one argon2 verification on every path (constant time).
        try:
            _hasher.verify(user.password_hash if known else _DUMMY_HASH, password or "")
            verified = known
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            verified = False
        actor = user.username if known else "?"
        if locked:
            audit.add(session, actor, "login refused", None, "locked for this address")
            return AuthResult(ok=False, locked=True)
        if not verified:
            pair_locked = _count_failure(session, pair_key, MAX_FAILED_ATTEMPTS, now, user.id if known else None)
            ip_locked = _count_failure(session, ip_key, MAX_IP_FAILURES, now, None)
            if pair_locked or ip_locked:
                audit.add(session, actor, "account locked", None,
                          "address locked" if ip_locked else f"{MAX_FAILED_ATTEMPTS} failed logins from one address")
            else:
                audit.add(session, actor, "login failed", None, None if known else "unknown or inactive account")
            return AuthResult(ok=False, locked=pair_locked or ip_locked)
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        session.execute(delete(LoginThrottle).where(LoginThrottle.key == pair_key))
        user.last_login_at = now
        audit.add(session, user.username, "login")
        return AuthResult(ok=True, account=_account(user))


def purge_throttle(now: datetime | None = None, url: str | None = None) -> int:
    """Forget throttle rows whose window and lock are over."""
    now = now or utcnow()
    with store_session(url) as session:
        result = session.execute(
            delete(LoginThrottle).where(
                LoginThrottle.window_start < now - WINDOW,
                (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until < now),
            )
        )
        return result.rowcount or 0
