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
ROLES = ("staff", "admin")


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
    """An aanmelding. Personal fields are NULL after withdrawal, deletion or retention purge."""

    __tablename__ = "registrations"

    id = sa.Column(sa.Integer, primary_key=True)
    reference = sa.Column(sa.String(16), nullable=False, unique=True)
    idempotency_key = sa.Column(sa.String(128), nullable=False, unique=True)
    # "registration" or "callback" (a callback request in the same queue; issue 13). The same
    # column is added by the staff engineer's 0002_staff_workflow; 0003_parent_loop adds it
    # only when it is missing.
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
    # consent record (not personal by itself)
    consent_text_version = sa.Column(sa.String(64), nullable=False)
    consent_at = sa.Column(UTCDateTime, nullable=False)
    # bookkeeping
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    status_changed_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    claimed_by = sa.Column(sa.String(64), nullable=True)
    claimed_at = sa.Column(UTCDateTime, nullable=True)
    personal_data_deleted_at = sa.Column(UTCDateTime, nullable=True)
    # a callback request made by a parent who also has a registration: that registration
    related_reference = sa.Column(sa.String(16), nullable=True)

    notes = relationship(
        "NoteRecord", back_populates="registration", cascade="all, delete-orphan", order_by="NoteRecord.id"
    )

    __table_args__ = (sa.CheckConstraint(f"status IN {STATUSES!r}", name="ck_registrations_status"),)


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
    actor = sa.Column(sa.String(64), nullable=False)
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
    failed_attempts = sa.Column(sa.Integer, nullable=False, default=0)
    locked_until = sa.Column(UTCDateTime, nullable=True)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = sa.Column(UTCDateTime, nullable=True)

    __table_args__ = (sa.CheckConstraint(f"role IN {ROLES!r}", name="ck_staff_users_role"),)


class ProcessedMessage(Base):
    """Incoming channel messages already handled (WhatsApp re-delivers webhooks)."""

    __tablename__ = "processed_messages"

    key = sa.Column(sa.String(64), primary_key=True)  # sha256(channel, message_id)
    channel = sa.Column(sa.String(32), nullable=False)
    processed_at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)


# The parent-loop tables (thread messages, verification attempts) share this metadata.
from bot.store import loop_models  # noqa: E402,F401
