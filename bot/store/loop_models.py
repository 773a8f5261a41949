"""Tables of the loop between the aanmeldpunt and the parent (issue 13).

* :class:`ThreadMessage` - the message thread of a case (a registration or a callback
  request): what she wrote to the staff from the chat, and (later) what staff write to her.
  The text is personal data: encrypted at rest, wiped with the case's personal data.
* :class:`VerificationAttempt` - a parent who writes from another channel proves a reference
  code is hers with the last two digits of the phone number she gave. Every attempt is
  recorded (no digits, no phone number) so that guessing is limited per conversation and per
  reference code, and a success lets that conversation see her case for a while.

Imported at the end of :mod:`bot.store.models`, so Alembic and the drift test see them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import relationship

from bot.store.crypto import EncryptedText
from bot.store.models import Base, RegistrationRecord, UTCDateTime, utcnow

DIRECTIONS = ("in", "out")  # in: from the parent; out: from the staff


class ThreadMessage(Base):
    __tablename__ = "thread_messages"

    id = sa.Column(sa.Integer, primary_key=True)
    registration_id = sa.Column(
        sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    direction = sa.Column(sa.String(8), nullable=False)
    actor = sa.Column(sa.String(64), nullable=False)  # "client" or the staff member's username
    channel = sa.Column(sa.String(32), nullable=False)
    created_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    text = sa.Column(EncryptedText, nullable=False)

    __table_args__ = (sa.CheckConstraint(f"direction IN {DIRECTIONS!r}", name="ck_thread_messages_direction"),)


class VerificationAttempt(Base):
    __tablename__ = "verification_attempts"

    id = sa.Column(sa.Integer, primary_key=True)
    # The code as she typed it (normalised); not personal by itself. NULL-able link: the code
    # may not exist, and the attempt must still count against guessing.
    reference = sa.Column(sa.String(16), nullable=False, index=True)
    registration_id = sa.Column(
        sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=True, index=True
    )
    sender_key = sa.Column(sa.String(128), nullable=False, index=True)  # pseudonymised conversation
    succeeded = sa.Column(sa.Boolean, nullable=False)
    at = sa.Column(UTCDateTime, nullable=False, default=utcnow, index=True)


RegistrationRecord.messages = relationship(
    ThreadMessage, cascade="all, delete-orphan", order_by=ThreadMessage.id, passive_deletes=True
)


@event.listens_for(RegistrationRecord.personal_data_deleted_at, "set")
def _wipe_thread_with_the_personal_data(target, value, _old, _initiator) -> None:
    """Whenever a case's personal data is deleted (withdrawal, erasure, staff, retention purge),
    its message thread goes with it: every wipe sets ``personal_data_deleted_at``."""
    if value is not None:
        target.messages.clear()
