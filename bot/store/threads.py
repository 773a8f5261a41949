"""Message threads between the aanmeldpunt and the parent, seen from the store (issue 13, items 2-3).

* Staff write a message (:func:`add_staff_message`); ``bot.outbound`` delivers it on the
  channel of the case and records the result (:func:`mark`); WhatsApp status callbacks move
  it on (:func:`status_callback`).
* When she writes on that channel (:func:`record_inbound`, called by the channel layer) her
  address and the time are remembered (24-hour window), and her message lands in the thread
  while a handoff is active or staff wrote to her in the last ``THREAD_REPLY_DAYS`` (7) days.
* A handoff (:func:`start_handoff` / :func:`end_handoff`) silences the bot for her. While it
  runs only the staff member who started it writes to her or ends it; a coordinator or admin
  may step in with ``override=True`` (the staff app asks for a confirmation first), audited.
* Her message in a thread notifies whoever holds the case (the claimant, and the handoff
  holder), and marks the case urgent ("safety" flag) when it names danger
  (:func:`bot.store.derived.safety_signal`: the safety net's detector or a safety word).

Texts and addresses are encrypted at rest (``EncryptedText``) and wiped with the case's
personal data (``bot.store.loop_models``). Audit entries never carry a text.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.store import audit, derived, notifications
from bot.store.db import store_session
from bot.store.loop_models import Handoff, ThreadContact, ThreadMessage
from bot.store.models import RegistrationRecord, utcnow

MAX_STAFF_MESSAGE = 2000
CLIENT = "client"
BOT = "bot"  # the bot's own message in a thread ("the chatbot is back")
_ORDER = {"pending": 0, "held": 1, "sent": 2, "delivered": 3, "read": 4}


class HandoffHeld(PermissionError):
    """Another staff member holds the active handoff of this case."""

    def __init__(self, holder: str) -> None:
        super().__init__(f"handoff held by {holder}")
        self.holder = holder


def _check_holder(session, rec: RegistrationRecord, actor: str, override: bool) -> None:
    handoff = _active(rec)
    if handoff is None or actor in (handoff.started_by, BOT):
        return
    if not override:
        raise HandoffHeld(handoff.started_by)
    audit.add(session, actor, "handoff override", rec.reference, f"holder={handoff.started_by}")


def reply_days() -> int:
    try:
        return max(1, int(os.environ.get("THREAD_REPLY_DAYS", "7")))
    except ValueError:
        return 7


@dataclass(frozen=True)
class MessageView:
    id: int
    direction: str
    actor: str
    channel: str
    created_at: datetime
    text: str
    status: str
    via: str | None
    attempts: int
    error: str | None
    status_at: datetime | None


@dataclass(frozen=True)
class ThreadView:
    reference: str
    kind: str
    channel: str
    status: str
    claimed_by: str | None
    personal_data_deleted: bool
    messages: list[MessageView]
    contact_channel: str | None
    last_inbound_at: datetime | None
    handoff_by: str | None
    handoff_since: datetime | None

    @property
    def reachable(self) -> bool:
        return self.contact_channel is not None and not self.personal_data_deleted


@dataclass(frozen=True)
class Target:
    """What ``bot.outbound`` needs to deliver one message."""

    message_id: int
    reference: str
    channel: str
    address: str | None
    last_inbound_at: datetime | None
    text: str
    status: str
    actor: str


@dataclass(frozen=True)
class Inbound:
    handoff: bool  # the bot must stay silent (except the safety net)
    stored_in: str | None  # reference of the thread her message was added to
    held: list[int]  # messages waiting for her reply (WhatsApp template sent): deliver now


def _view(m: ThreadMessage) -> MessageView:
    return MessageView(m.id, m.direction, m.actor, m.channel, m.created_at, m.text, m.status or "received",
                       m.via, m.attempts or 0, m.error, m.status_at)


def _case(session, reference: str) -> RegistrationRecord | None:
    return session.execute(
        select(RegistrationRecord).where(RegistrationRecord.reference == reference)
    ).scalar_one_or_none()


def _active(rec: RegistrationRecord) -> Handoff | None:
    return next((h for h in rec.handoffs if h.ended_at is None), None)


def get_thread(reference: str, url: str | None = None) -> ThreadView | None:
    with store_session(url) as session:
        rec = _case(session, reference)
        if rec is None:
            return None
        contact = rec.contacts[0] if rec.contacts else None
        handoff = _active(rec)
        return ThreadView(
            rec.reference, rec.kind, rec.channel, rec.status, rec.claimed_by, rec.personal_data_deleted_at is not None,
            [_view(m) for m in rec.messages], contact.channel if contact else None,
            contact.last_inbound_at if contact else None,
            handoff.started_by if handoff else None, handoff.started_at if handoff else None,
        )


def add_staff_message(reference: str, actor: str, text: str, now: datetime | None = None,
                      url: str | None = None, override: bool = False) -> int:
    """Store a message from staff (or the bot, ``actor="bot"``) to her; ``pending`` until delivered.

    Raises :class:`HandoffHeld` when someone else holds the active handoff (unless ``override``)."""
    text = (text or "").strip()
    if not text:
        raise ValueError("empty message")
    if len(text) > MAX_STAFF_MESSAGE:
        raise ValueError("message too long")
    now = now or utcnow()
    with store_session(url) as session:
        rec = _case(session, reference)
        if rec is None:
            raise LookupError(reference)
        if rec.personal_data_deleted_at is not None:
            raise ValueError("personal data deleted: no messages")
        _check_holder(session, rec, actor, override)
        message = ThreadMessage(direction="out", actor=actor[:64], channel=rec.channel[:32], created_at=now,
                                text=text, status="pending", attempts=0)
        rec.messages.append(message)
        rec.updated_at = now
        session.flush()
        audit.add(session, actor, "message written", reference, f"channel={rec.channel[:32]}")
        return message.id


def delivery_target(message_id: int, url: str | None = None) -> Target | None:
    with store_session(url) as session:
        message = session.get(ThreadMessage, message_id)
        if message is None or message.direction != "out":
            return None
        rec = session.get(RegistrationRecord, message.registration_id)
        contact = rec.contacts[0] if rec.contacts else None
        return Target(message.id, rec.reference, rec.channel, contact.address if contact else None,
                      contact.last_inbound_at if contact else None, message.text, message.status, message.actor)


def mark(message_id: int, status: str, via: str | None = None, channel_message_key: str | None = None,
         error: str | None = None, now: datetime | None = None, url: str | None = None) -> None:
    """Record a delivery attempt's outcome (one attempt more)."""
    now = now or utcnow()
    with store_session(url) as session:
        message = session.get(ThreadMessage, message_id)
        if message is None:
            return
        message.status = status
        message.via = via or message.via
        message.channel_message_key = channel_message_key or message.channel_message_key
        message.error = (error or None) and error[:64]
        message.attempts = (message.attempts or 0) + 1
        message.status_at = now
        reference = session.get(RegistrationRecord, message.registration_id).reference
        detail = f"status={status}" + (f" via={via}" if via else "") + (f" error={error[:40]}" if error else "")
        audit.add(session, "system", "message delivery", reference, detail)


def status_callback(channel_message_key: str, status: str, now: datetime | None = None,
                    url: str | None = None) -> bool:
    """A channel's delivery report (WhatsApp: sent/delivered/read/failed); never goes backwards."""
    if status not in ("sent", "delivered", "read", "failed"):
        return False
    with store_session(url) as session:
        message = session.execute(
            select(ThreadMessage).where(ThreadMessage.channel_message_key == channel_message_key)
        ).scalars().first()
        if message is None:
            return False
        if status != "failed" and _ORDER.get(status, 0) <= _ORDER.get(message.status, 0):
            return True
        if status == "failed" and message.status == "read":
            return True
        message.status = status
        message.status_at = now or utcnow()
        if status == "failed":
            message.error = "channel_reported_failure"
        return True


def failed_message_ids(url: str | None = None, limit: int = 100) -> list[int]:
    """Outgoing messages whose delivery failed (for the background retry), oldest first."""
    with store_session(url) as session:
        return list(session.execute(
            select(ThreadMessage.id).where(ThreadMessage.direction == "out", ThreadMessage.status == "failed")
            .order_by(ThreadMessage.id).limit(limit)
        ).scalars())


# ---------------------------------------------------------------- her side (channel layer)
def _her_cases(session, channel: str, sender_keys: Iterable[str]) -> list[RegistrationRecord]:
    keys = [k for k in sender_keys if k]
    if not keys:
        return []
    return list(session.execute(
        select(RegistrationRecord).where(
            RegistrationRecord.sender_key.in_(keys),
            RegistrationRecord.channel == channel,
            RegistrationRecord.personal_data_deleted_at.is_(None),
        ).order_by(RegistrationRecord.id)
    ).scalars())


def _remember(rec: RegistrationRecord, channel: str, address: str, now: datetime | None) -> None:
    contact = rec.contacts[0] if rec.contacts else None
    if contact is None:
        rec.contacts.append(ThreadContact(channel=channel[:32], address=address, last_inbound_at=now))
        return
    if contact.address != address:
        contact.address = address
    if now is not None:
        contact.last_inbound_at = now


def remember_contact(channel: str, address: str, sender_keys: Iterable[str], url: str | None = None) -> int:
    """After a bot turn: remember her address for cases that have none yet (a case just made)."""
    with store_session(url) as session:
        fresh = [rec for rec in _her_cases(session, channel, sender_keys) if not rec.contacts]
        now = utcnow()
        for rec in fresh:
            _remember(rec, channel, address, now)
        return len(fresh)


def record_inbound(channel: str, address: str, sender_keys: Iterable[str], text: str,
                   now: datetime | None = None, url: str | None = None) -> Inbound:
    """She wrote on ``channel``: remember where and when; add her message to a thread when it
    is a conversation with staff (handoff, or staff wrote in the last ``reply_days()``)."""
    now = now or utcnow()
    with store_session(url) as session:
        cases = _her_cases(session, channel, sender_keys)
        if not cases:
            return Inbound(False, None, [])
        for rec in cases:
            _remember(rec, channel, address, now)
        handoff_case = next((rec for rec in cases if _active(rec) is not None), None)
        by_id = {rec.id: rec for rec in cases}
        # Only the columns needed (the texts are not decrypted on every message she sends).
        outgoing = session.execute(
            select(ThreadMessage.id, ThreadMessage.registration_id, ThreadMessage.actor, ThreadMessage.created_at,
                   ThreadMessage.status)
            .where(ThreadMessage.registration_id.in_(list(by_id)), ThreadMessage.direction == "out")
        ).all()
        target = handoff_case
        if target is None:
            since = now - timedelta(days=reply_days())
            recent = [(at, by_id[reg]) for _, reg, actor, at, _ in outgoing if actor != BOT and at >= since]
            target = max(recent, key=lambda pair: pair[0])[1] if recent else None
        held = [mid for mid, _, _, _, status in outgoing if status == "held"]
        stored = None
        clean = (text or "").strip()[:MAX_STAFF_MESSAGE]
        if clean.startswith("/"):  # a button payload or a command, not something she wrote to staff
            clean = ""
        if target is not None and clean:
            session.add(ThreadMessage(registration_id=target.id, direction="in", actor=CLIENT, channel=channel[:32],
                                      created_at=now, text=clean, status="received"))
            target.updated_at = now
            stored = target.reference
            audit.add(session, CLIENT, "message received", target.reference, f"channel={channel[:32]}")
            handoff = _active(target)
            # Whoever holds the case: the claimant and the colleague who took the chat over; for an
            # unclaimed case without a handoff, the colleague who last wrote to her.
            holders = [u for u in (target.claimed_by, handoff and handoff.started_by) if u]
            if not holders:
                writers = sorted((mid, actor) for mid, reg, actor, _, _ in outgoing if reg == target.id and actor != BOT)
                holders = [writers[-1][1]] if writers else []
            for username in dict.fromkeys(holders):
                notifications.add(session, username, "client_message", target.reference)
            if derived.safety_signal(clean):
                _flag_safety(session, target)
        return Inbound(handoff_case is not None, stored, held)


def _flag_safety(session, rec: RegistrationRecord) -> None:
    reasons = [r for r in (rec.flag_reasons or "").split(",") if r]
    if "safety" in reasons:
        return
    rec.flag_reasons = ",".join([*reasons, "safety"])
    rec.flagged = True
    audit.add(session, "system", "marked urgent", rec.reference, "reason=safety source=message")


def messages_after(reference: str, after_id: int, url: str | None = None) -> list[MessageView] | None:
    """The thread's messages with an id above ``after_id`` (the staff page's polling); None: no case."""
    with store_session(url) as session:
        rec = _case(session, reference)
        if rec is None:
            return None
        rows = session.execute(
            select(ThreadMessage).where(ThreadMessage.registration_id == rec.id, ThreadMessage.id > after_id)
            .order_by(ThreadMessage.id)
        ).scalars()
        return [_view(m) for m in rows]


def webchat_inbox(sender_keys: Iterable[str], now: datetime | None = None, url: str | None = None) -> list[MessageView]:
    """Staff messages for her web chat not shown yet; marked delivered (the page shows them)."""
    now = now or utcnow()
    out: list[MessageView] = []
    with store_session(url) as session:
        for rec in _her_cases(session, "webchat", sender_keys):
            for m in rec.messages:
                if m.direction == "out" and m.via == "webchat" and m.status in ("sent", "failed", "pending"):
                    m.status, m.status_at = "delivered", now
                    out.append(_view(m))
                    audit.add(session, "system", "message delivery", rec.reference, "status=delivered via=webchat")
    return sorted(out, key=lambda m: m.id)


# ---------------------------------------------------------------- handoff
def active_handoff(sender_keys: Iterable[str], url: str | None = None) -> bool:
    keys = [k for k in sender_keys if k]
    if not keys:
        return False
    with store_session(url) as session:
        return session.execute(
            select(Handoff.id).where(Handoff.sender_key.in_(keys), Handoff.ended_at.is_(None)).limit(1)
        ).first() is not None


def get_handoff_holder(reference: str, url: str | None = None) -> str | None:
    """Who holds the active handoff of a case (None: no handoff)."""
    with store_session(url) as session:
        return session.execute(
            select(Handoff.started_by).join(RegistrationRecord, Handoff.registration_id == RegistrationRecord.id)
            .where(RegistrationRecord.reference == reference, Handoff.ended_at.is_(None)).limit(1)
        ).scalar_one_or_none()


def start_handoff(reference: str, actor: str, now: datetime | None = None, url: str | None = None) -> bool:
    """True when a handoff started (False: one is already active, or no conversation to take over)."""
    now = now or utcnow()
    with store_session(url) as session:
        rec = _case(session, reference)
        if rec is None:
            raise LookupError(reference)
        if _active(rec) is not None or not rec.sender_key or rec.personal_data_deleted_at is not None:
            return False
        rec.handoffs.append(Handoff(sender_key=rec.sender_key, started_by=actor[:64], started_at=now))
        audit.add(session, actor, "handoff started", reference, f"channel={rec.channel[:32]}")
        return True


def end_handoff(reference: str, actor: str, now: datetime | None = None, url: str | None = None,
                override: bool = False) -> bool:
    """End the active handoff; :class:`HandoffHeld` when someone else holds it (unless ``override``)."""
    now = now or utcnow()
    with store_session(url) as session:
        rec = _case(session, reference)
        if rec is None:
            raise LookupError(reference)
        handoff = _active(rec)
        if handoff is None:
            return False
        _check_holder(session, rec, actor, override)
        handoff.ended_at, handoff.ended_by = now, actor[:64]
        audit.add(session, actor, "handoff ended", reference, f"by={handoff.started_by}")
        return True
