"""Callback requests and the parent's messages to the aanmeldpunt (issue 13, item 4).

A callback request is a case of kind ``callback`` in the same table, queue and status flow
as a registration (``registrations.kind``): staff see it, claim it and set its status like
any registration, and the same e-mail notification goes out. Two ways to ask:

* ``call`` - she gives a phone number and a moment: "bel me terug";
* ``chat`` - she writes a message for the staff: "stuur hier een bericht". Her message is
  the first message of the case's thread (:class:`bot.store.loop_models.ThreadMessage`).
  When she already has a registration, a message is added to that registration's thread
  instead (:func:`add_client_message`).

Both are stored only with her consent to the short callback consent text; phone number,
moment and message are encrypted at rest, wiped on withdrawal, erasure and retention like
a registration's personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import exc, select

from bot.store import audit, derived
from bot.store.db import store_session
from bot.store.errors import NotFound, StoreError
from bot.store.loop_models import ThreadMessage
from bot.store.models import RegistrationRecord, utcnow
from bot.store.registrations import new_reference

__all__ = [
    "KIND_CALLBACK", "KIND_REGISTRATION", "MAX_MESSAGE_LENGTH", "CallbackInput", "add_client_message",
    "create_callback_request",
]

KIND_REGISTRATION = "registration"
KIND_CALLBACK = "callback"
MAX_MESSAGE_LENGTH = 2000
MAX_MOMENT_LENGTH = 200
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass
class CallbackInput:
    """A callback request: a phone number and a moment, or a message (or both)."""

    channel: str
    sender_key: str  # pseudonymised sender id (opaque)
    consent_text_version: str
    consent_at: datetime
    idempotency_key: str
    phone: str | None = None  # E.164
    moment: str | None = None  # when to call, her words or a choice ("'s ochtends")
    message: str | None = None
    related_reference: str | None = None  # her registration, when she has one

    @property
    def mode(self) -> str:
        return "call" if self.phone else "chat"


def _validate(inp: CallbackInput) -> None:
    problems = []
    if not inp.phone and not (inp.message or "").strip():
        problems.append("phone or message")
    if inp.phone and not _E164.match(inp.phone):
        problems.append("phone (E.164 expected)")
    if inp.phone and not (inp.moment or "").strip():
        problems.append("moment")
    if inp.moment and len(inp.moment) > MAX_MOMENT_LENGTH:
        problems.append("moment too long")
    if inp.message and len(inp.message) > MAX_MESSAGE_LENGTH:
        problems.append("message too long")
    if not inp.channel or len(inp.channel) > 32:
        problems.append("channel")
    if not inp.sender_key or len(inp.sender_key) > 128:
        problems.append("sender_key")
    if not inp.consent_text_version or len(inp.consent_text_version) > 64:
        problems.append("consent_text_version")
    if not isinstance(inp.consent_at, datetime):
        problems.append("consent_at")
    if not inp.idempotency_key or len(inp.idempotency_key) > 128:
        problems.append("idempotency_key")
    if problems:
        raise ValueError("invalid callback request: " + ", ".join(problems))


def create_callback_request(inp: CallbackInput, url: str | None = None) -> str:
    """Store a callback request as a new case; returns its reference code.

    Idempotent like :func:`bot.store.registrations.create_registration`: the same
    ``idempotency_key`` returns the first reference.
    """
    _validate(inp)
    consent_at = inp.consent_at if inp.consent_at.tzinfo else inp.consent_at.replace(tzinfo=timezone.utc)
    for _attempt in range(8):
        try:
            with store_session(url) as session:
                existing = session.execute(
                    select(RegistrationRecord.reference).where(
                        RegistrationRecord.idempotency_key == inp.idempotency_key
                    )
                ).scalar_one_or_none()
                if existing:
                    return existing
                now = utcnow()
                reference = new_reference()
                rec = RegistrationRecord(
                    reference=reference,
                    idempotency_key=inp.idempotency_key,
                    kind=KIND_CALLBACK,
                    status="new",
                    channel=inp.channel[:32],
                    sender_key=inp.sender_key,
                    phone=inp.phone,
                    reachable=(inp.moment or "").strip() or None,
                    related_reference=inp.related_reference,
                    consent_text_version=inp.consent_text_version,
                    consent_at=consent_at,
                    created_at=now,
                    updated_at=now,
                    status_changed_at=now,
                    updated_by="client",
                )
                derived.apply(rec)  # phone search index and queue columns, as for a registration
                session.add(rec)
                if inp.message and inp.message.strip():
                    rec.messages.append(_client_message(inp.message, inp.channel, now))
                session.flush()
                audit.add(session, "client", "created", reference,
                          f"kind=callback mode={inp.mode} channel={inp.channel[:32]}")
            return reference
        except exc.IntegrityError:
            continue  # a concurrent create with the same key won, or a reference collided
    raise StoreError("could not store the callback request (repeated integrity conflicts)")


def _client_message(text: str, channel: str, now: datetime) -> ThreadMessage:
    return ThreadMessage(direction="in", actor="client", channel=(channel or "onbekend")[:32], created_at=now,
                         text=text.strip())


def add_client_message(reference: str, text: str, channel: str, url: str | None = None) -> None:
    """Add her message to the thread of an existing case (her registration)."""
    text = (text or "").strip()
    if not text:
        raise ValueError("empty message")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ValueError("message too long")
    with store_session(url) as session:
        rec = session.execute(
            select(RegistrationRecord).where(RegistrationRecord.reference == reference)
        ).scalar_one_or_none()
        if rec is None:
            raise NotFound(reference)
        if rec.personal_data_deleted_at is not None:
            raise ValueError("personal data deleted: no new messages")
        now = utcnow()
        rec.messages.append(_client_message(text, channel, now))
        rec.updated_at = now
        audit.add(session, "client", "message received", reference, f"channel={(channel or '')[:32]}")
