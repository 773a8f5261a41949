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
# Delivery of an outgoing message (issue 13, item 2). pending: stored, not yet handed to the
# channel; held: WhatsApp outside the 24-hour window, a template asked her to reply and the
# text goes out when she does; sent/delivered/read: as far as the channel tells; failed:
# the channel refused or could not be reached (kept, retried). Incoming messages: "received".
DELIVERY_STATUSES = ("received", "pending", "held", "sent", "delivered", "read", "failed")


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
    # delivery (0006_loop): status, how it went out ("text", "template", "webchat"), the keyed
    # hash of the channel's message id (WhatsApp status callbacks), attempts and the last
    # error as a code (never the API's message text)
    status = sa.Column(sa.String(16), nullable=False, default="received", server_default="received")
    via = sa.Column(sa.String(16), nullable=True)
    channel_message_key = sa.Column(sa.String(64), nullable=True, index=True)
    attempts = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")
    error = sa.Column(sa.String(64), nullable=True)
    status_at = sa.Column(UTCDateTime, nullable=True)

    __table_args__ = (sa.CheckConstraint(f"direction IN {DIRECTIONS!r}", name="ck_thread_messages_direction"),)


class ThreadContact(Base):
    """Where staff can reach her: the channel's address (WhatsApp number, Telegram chat id or
    the web chat's pseudonym), encrypted, and when she last wrote (WhatsApp's 24-hour window).
    Recorded when she writes on the channel of one of her cases; wiped with the case."""

    __tablename__ = "thread_contacts"

    id = sa.Column(sa.Integer, primary_key=True)
    registration_id = sa.Column(
        sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    channel = sa.Column(sa.String(32), nullable=False)
    address = sa.Column(EncryptedText, nullable=False)
    last_inbound_at = sa.Column(UTCDateTime, nullable=True)


class Handoff(Base):
    """A staff member has taken over the conversation ("overnemen"): the bot is silent for
    ``sender_key`` until ``ended_at`` (except the safety net)."""

    __tablename__ = "handoffs"

    id = sa.Column(sa.Integer, primary_key=True)
    registration_id = sa.Column(
        sa.Integer, sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    sender_key = sa.Column(sa.String(128), nullable=False, index=True)
    started_by = sa.Column(sa.String(64), nullable=False)
    started_at = sa.Column(UTCDateTime, nullable=False, default=utcnow)
    ended_by = sa.Column(sa.String(64), nullable=True)
    ended_at = sa.Column(UTCDateTime, nullable=True)


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
RegistrationRecord.contacts = relationship(ThreadContact, cascade="all, delete-orphan", passive_deletes=True)
RegistrationRecord.handoffs = relationship(
    Handoff, cascade="all, delete-orphan", order_by=Handoff.id, passive_deletes=True
)


@event.listens_for(RegistrationRecord.personal_data_deleted_at, "set")
def _wipe_thread_with_the_personal_data(target, value, _old, _initiator) -> None:
    """Whenever a case's personal data is deleted (withdrawal, erasure, staff, retention purge),
    its message thread goes with it: every wipe sets ``personal_data_deleted_at``."""
    if value is not None:
        target.messages.clear()
        target.contacts.clear()  # her channel address
        target.handoffs.clear()  # (a handoff row holds her pseudonymous key)
