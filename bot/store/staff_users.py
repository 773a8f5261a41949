"""Staff accounts for the staff web app: argon2 password hashes, lockout after failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import exc, select

from bot.store import audit
from bot.store.db import store_session
from bot.store.models import ROLES, StaffUser, utcnow

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
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
    locked_until: datetime | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class AuthResult:
    ok: bool
    account: StaffAccount | None = None
    locked: bool = False  # True when the account is (now) locked


def _account(user: StaffUser) -> StaffAccount:
    return StaffAccount(user.id, user.username, user.role, user.active, user.locked_until)


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")


def create_staff(username: str, password: str, admin: bool = False, url: str | None = None,
                 actor: str = "cli") -> StaffAccount:
    """Create an account; ``ValueError`` when the username exists or the password is too short."""
    username = (username or "").strip()
    if not username or len(username) > 64:
        raise ValueError("username must have 1-64 characters")
    validate_password(password)
    role = "admin" if admin else "staff"
    assert role in ROLES
    try:
        with store_session(url) as session:
            user = StaffUser(username=username, password_hash=_hasher.hash(password), role=role, active=True,
                             failed_attempts=0, created_at=utcnow())
            session.add(user)
            session.flush()
            audit.add(session, actor, "staff account created", None, f"{username} ({role})")
            return _account(user)
    except exc.IntegrityError as err:
        raise ValueError(f"username {username!r} already exists") from err


def set_password(username: str, password: str, url: str | None = None, actor: str = "cli") -> None:
    validate_password(password)
    with store_session(url) as session:
        user = session.execute(select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
        if user is None:
            raise ValueError(f"no staff account {username!r}")
        user.password_hash = _hasher.hash(password)
        user.failed_attempts = 0
        user.locked_until = None
        audit.add(session, actor, "password set", None, username)


def get_account(user_id: int, url: str | None = None) -> StaffAccount | None:
    with store_session(url) as session:
        user = session.get(StaffUser, user_id)
        return _account(user) if user is not None else None


def authenticate(username: str, password: str, now: datetime | None = None, url: str | None = None) -> AuthResult:
    """Check a login. After ``MAX_FAILED_ATTEMPTS`` failures the account is locked for ``LOCKOUT``;
    while locked even the right password is refused. Every attempt is audited."""
    now = now or utcnow()
    username = (username or "").strip()[:64]
    with store_session(url) as session:
        user = session.execute(select(StaffUser).where(StaffUser.username == username)).scalar_one_or_none()
        if user is None or not user.active:
            try:
                _hasher.verify(_DUMMY_HASH, password or "")
            except VerificationError:
                pass
            audit.add(session, "?", "login failed", None, "unknown or inactive account")
            return AuthResult(ok=False)
        if user.locked_until is not None and user.locked_until > now:
            audit.add(session, user.username, "login refused", None, "account locked")
            return AuthResult(ok=False, locked=True)
        try:
            _hasher.verify(user.password_hash, password or "")
            verified = True
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            verified = False
        if not verified:
            user.failed_attempts = (user.failed_attempts or 0) + 1
            locked = user.failed_attempts >= MAX_FAILED_ATTEMPTS
            if locked:
                user.locked_until = now + LOCKOUT
                user.failed_attempts = 0
                audit.add(session, user.username, "account locked", None,
                          f"{MAX_FAILED_ATTEMPTS} failed logins")
            else:
                audit.add(session, user.username, "login failed", None, f"attempt {user.failed_attempts}")
            return AuthResult(ok=False, locked=locked)
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.failed_attempts = 0
        user.locked_until = None
        user.last_login_at = now
        audit.add(session, user.username, "login")
        return AuthResult(ok=True, account=_account(user))


def list_accounts(url: str | None = None) -> list[StaffAccount]:
    with store_session(url) as session:
        return [_account(u) for u in session.execute(select(StaffUser).order_by(StaffUser.username)).scalars()]
