"""SQLAlchemy models. Every personal field is an :class:`EncryptedText` column.

Changing a model needs a new Alembic revision in ``bot/store/migrations/versions``;
``tests/store/test_migrations.py`` fails when models and migrations drift apart.
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

from bot.store.crypto import EncryptedText

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
}
Base = declarative_base(metadata=sa.MetaData(naming_convention=NAMING))

STATUSES = ("new", "in_progress", "contacted", "closed", "unreachable", "withdrawn")
# staff: works cases; coordinator: also erases personal data and reopens withdrawn cases;
# admin: everything a coordinator may, plus the audit log.
ROLES = ("staff", "coordinator", "admin")
# A work item in the queue. Only "registration" exists now; a callback request (issue 13)
# joins the same queue and state machine as another kind.
KINDS = ("registration", "callback")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stored as naive UTC (portable across SQLite and PostgreSQL), returned timezone-aware."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware value")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class RegistrationRecord(Base):
    """An aanmelding (a case in the staff queue).

    Personal fields are NULL after withdrawal, erasure or retention purge. The queue
    columns (``gebied``, ``due_week``, ``help_codes``, ``flagged``) let the queue sort and
    filter in SQL; they are coarse or hashed, and wiped together with the personal data
    (trade-off documented in docs/staff-app.md). ``version`` is the optimistic lock: every
    change increments it, and a change made from a page that showed an older version is
    refused (``bot.store.errors.Conflict``).
    """

    __tablename__ = "registrations"

    id = sa.Column(sa.Integer, primary_key=True)
    reference = sa.Column(sa.String(16), nullable=False, unique=True)
    idempotency_key = sa.Column(sa.String(128), nullable=False, unique=True)
    # "registration" or "callback" (a callback request in the same queue; issue 13)
    kind = sa.Column(sa.String(16), nullable=False, default="registration", server_default="registration")
    status = sa.Column(sa.String(16), nullable=False, default="new", index=True)
    channel = sa.Column(sa.String(32), nullable=False)
    sender_key = sa.Column(sa.String(128), nullable=True, index=True)  # pseudonymised, opaque
    # personal data (encrypted at rest)
    name = sa.Column(EncryptedText, nullable=True)
    phone = sa.Column(EncryptedText, nullable=True)
    postcode = sa.Column(EncryptedText, nullable=True)
    due_date = sa.Column(EncryptedText, nullable=True)  # ISO date
    weeks_pregnant = sa.Column(EncryptedText, nullable=True)
    help_areas = sa.Column(EncryptedText, nullable=True)  # JSON list
    reachable = sa.Column(EncryptedText, nullable=True)
    language = sa.Column(EncryptedText, nullable=True)  # preferred language, her words or a choice
    interpreter = sa.Column(EncryptedText, nullable=True)  # "ja" / "nee" / NULL (not asked)
    own_words = sa.Column(EncryptedText, nullable=True)  # what she needs, in her own words
    # search: keyed blind index of the phone number (bot.store.search); name tokens in their own table
    phone_index = sa.Column(sa.String(32), nullable=True, index=True)
    # queue columns, wiped with the personal data: gebied and due week in clear (coarse;
    # sorting and filtering in SQL), help areas as keyed hashes, flag reasons encrypted
    gebied = sa.Column(sa.String(64), nullable=True, index=True)
    due_week = sa.Column(sa.Date, nullable=True, index=True)  # Monday of the week of the due date
    help_codes = sa.Column(sa.String(255), nullable=True)  # "|<hash>|<hash>|" (bot.store.search.tag)
    flagged = sa.Column(sa.Boolean, nullable=False, default=False, server_default=sa.false())
    flag_reasons = sa.Column(EncryptedText, nullable=True)  # "no_address,safety"
    # consent record (not personal by itself)
    consent_text_version = sa.Column(sa.String(64), nullable=False)
    # the language of the conversation and of the consent text she agreed to: "nl" / "en" (issue 11)
    chat_language = sa.Column(sa.String(8), nullable=True)
    consent_at = sa.Column(UTCDateTime, nullable=False)
    # bookkeeping
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    status_changed_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    claimed_by = sa.Column(sa.String(64), nullable=True, index=True)
    claimed_at = sa.Column(UTCDateTime, nullable=True)
    personal_data_deleted_at = sa.Column(UTCDateTime, nullable=True)
    # workflow
    version = sa.Column(sa.Integer, nullable=False, default=1, server_default="1")
    updated_by = sa.Column(sa.String(64), nullable=True)
    close_reason = sa.Column(sa.String(32), nullable=True)
    withdrawn_by = sa.Column(sa.String(16), nullable=True)  # "client" (chat) or "staff" (by phone)
    withdrawn_at = sa.Column(UTCDateTime, nullable=True)
    erasure_requested_by = sa.Column(sa.String(64), nullable=True)
    erasure_requested_at = sa.Column(UTCDateTime, nullable=True)
    # a callback request made by a parent who also has a registration: that registration
    related_reference = sa.Column(sa.String(16), nullable=True)

    notes = relationship(
        "NoteRecord", back_populates="registration", cascade="all, delete-orphan", order_by="NoteRecord.id"
    )
    search_tokens = relationship("SearchToken", cascade="all, delete-orphan")
    call_attempts = relationship(
        "CallAttempt", back_populates="registration", cascade="all, delete-orphan", order_by="CallAttempt.id"
    )

    __table_args__ = (
        sa.CheckConstraint(f"status IN {STATUSES!r}", name="ck_registrations_status"),
        sa.Index("ix_registrations_status_created_at", "status", "created_at"),
    )
    __mapper_args__ = {"version_id_col": version}


class SearchToken(Base):
    """Keyed hashes of the normalised prefixes of a registration's name (bot.store.search)."""

    __tablename__ = "registration_search_tokens"

    id = sa.Column(sa.Integer, primary_key=True)
    registration_id = sa.Column(
        sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    token = sa.Column(sa.String(32), nullable=False, index=True)


class CallAttempt(Base):
    """A call to the client: when, by whom, and what happened (no personal data)."""

    __tablename__ = "call_attempts"

    id = sa.Column(sa.Integer, primary_key=True)
    registration_id = sa.Column(
        sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    actor = sa.Column(sa.String(64), nullable=False)
    at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    result = sa.Column(sa.String(16), nullable=False)  # no_answer / voicemail / spoken

    registration = relationship("RegistrationRecord", back_populates="call_attempts")


class ConsentText(Base):
    """Each consent text version the first time a registration used it (what she agreed to)."""

    __tablename__ = "consent_texts"

    version = sa.Column(sa.String(64), primary_key=True)
    text = sa.Column(sa.Text, nullable=False)
    language = sa.Column(sa.String(8), nullable=True)  # "nl" / "en" (issue 11); NULL: Dutch, before 0005
    first_used_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)


class NoteRecord(Base):
    __tablename__ = "registration_notes"

    id = sa.Column(sa.Integer, primary_key=True)
    registration_id = sa.Column(
        sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    actor = sa.Column(sa.String(64), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    text = sa.Column(EncryptedText, nullable=False)

    registration = relationship("RegistrationRecord", back_populates="notes")


class AuditEntry(Base):
    """Who did what when. ``detail`` never holds personal data."""

    __tablename__ = "audit_log"

    id = sa.Column(sa.Integer, primary_key=True)
    at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor = sa.Column(sa.String(64), nullable=False, index=True)
    action = sa.Column(sa.String(64), nullable=False)
    reference = sa.Column(sa.String(16), nullable=True, index=True)
    detail = sa.Column(sa.String(255), nullable=True)


class StaffUser(Base):
    __tablename__ = "staff_users"

    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(64), nullable=False, unique=True)
    password_hash = sa.Column(sa.String(255), nullable=False)
    role = sa.Column(sa.String(16), nullable=False, default="staff")
    active = sa.Column(sa.Boolean, nullable=False, default=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = sa.Column(UTCDateTime, nullable=True)

    __table_args__ = (sa.CheckConstraint(f"role IN {ROLES!r}", name="ck_staff_users_role"),)


class StaffSession(Base):
    """A server-side staff session: the cookie holds a random token, this row its SHA-256.

    Checked on every request; revoked on logout, password change and deactivation; idle
    and absolute lifetimes (bot.store.staff_sessions).
    """

    __tablename__ = "staff_sessions"

    token_hash = sa.Column(sa.String(64), primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = sa.Column(UTCDateTime, nullable=False)
    last_seen_at = sa.Column(UTCDateTime, nullable=False)
    expires_at = sa.Column(UTCDateTime, nullable=False)  # absolute end
    revoked_at = sa.Column(UTCDateTime, nullable=True)


class LoginThrottle(Base):
    """Failed logins per (IP, account) and per IP; the key is a keyed hash, never the clear values."""

    __tablename__ = "login_throttle"

    key = sa.Column(sa.String(64), primary_key=True)
    account_id = sa.Column(sa.Integer, nullable=True, index=True)  # set for (IP, existing account) rows
    failures = sa.Column(sa.Integer, nullable=False, default=0)
    window_start = sa.Column(UTCDateTime, nullable=False)
    locked_until = sa.Column(UTCDateTime, nullable=True)


class StaffNotification(Base):
    """A message for one staff member in the app (e.g. 'her client withdrew through the chat')."""

    __tablename__ = "staff_notifications"

    id = sa.Column(sa.Integer, primary_key=True)
    username = sa.Column(sa.String(64), nullable=False, index=True)
    kind = sa.Column(sa.String(32), nullable=False)
    reference = sa.Column(sa.String(16), nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    read_at = sa.Column(UTCDateTime, nullable=True)


class NoteDraft(Base):
    """A note that was being typed when the session expired, kept (encrypted) until she logs in again."""

    __tablename__ = "note_drafts"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True)
    reference = sa.Column(sa.String(16), nullable=False)
    field = sa.Column(sa.String(16), nullable=False, default="note")
    text = sa.Column(EncryptedText, nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)


class ProcessedMessage(Base):
    """Incoming channel messages already handled (WhatsApp re-delivers webhooks)."""

    __tablename__ = "processed_messages"

    key = sa.Column(sa.String(64), primary_key=True)  # sha256(channel, message_id)
    channel = sa.Column(sa.String(32), nullable=False)
    processed_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)


# The parent-loop tables (thread messages, verification attempts) share this metadata.
from bot.store import loop_models  # noqa: E402,F401
