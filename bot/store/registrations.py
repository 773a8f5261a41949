"""Registrations (aanmeldingen) with the aanmeldpunt Moeders van Rotterdam.

Used by the registration conversation (create, withdraw) and by the staff web app
(list, view, claim, status, notes, delete). Every change writes an audit entry in the
same transaction. Database problems surface as :class:`StoreUnavailable`; nothing is
written half.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import exc, func, select

from bot.store import audit
from bot.store.db import store_session
from bot.store.errors import NotFound, StoreError
from bot.store.models import STATUSES, NoteRecord, RegistrationRecord, utcnow

__all__ = [
    "STATUSES", "Note", "Registration", "RegistrationInput", "add_note", "claim", "count_by_status",
    "create_registration", "delete_personal_data", "get_registration", "list_registrations",
    "normalize_reference", "purge_expired", "set_status", "withdraw_by_reference", "withdraw_by_sender",
]

CLOSED_STATUSES = ("closed", "withdrawn")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# No 0/O, 1/I/L: easy to read out over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_PREFIX = "MVR"
MAX_NOTE_LENGTH = 5000


@dataclass
class RegistrationInput:
    name: str
    phone: str  # E.164, e.g. +31612345678
    postcode: str
    due_date: date
    weeks_pregnant: int | None
    help_areas: list[str]
    reachable: str
    channel: str
    sender_key: str  # pseudonymised sender id (opaque)
    consent_text_version: str
    consent_at: datetime
    idempotency_key: str


@dataclass(frozen=True)
class Note:
    actor: str
    created_at: datetime
    text: str


@dataclass
class Registration:
    """A registration as read from the store, personal fields decrypted (None once deleted)."""

    reference: str
    status: str
    channel: str
    name: str | None
    phone: str | None
    postcode: str | None
    due_date: date | None
    weeks_pregnant: int | None
    help_areas: list[str]
    reachable: str | None
    consent_text_version: str
    consent_at: datetime
    created_at: datetime
    updated_at: datetime
    status_changed_at: datetime
    claimed_by: str | None
    claimed_at: datetime | None
    personal_data_deleted_at: datetime | None
    notes: list[Note] = field(default_factory=list)

    @property
    def personal_data_deleted(self) -> bool:
        return self.personal_data_deleted_at is not None


# ---------------------------------------------------------------- reference codes
def _check_char(body: str) -> str:
    """Weighted check character modulo 31 (a prime): detects every single-character typo
    and every swap of two neighbouring characters."""
    n = len(REFERENCE_ALPHABET)
    total = sum((i + 1) * REFERENCE_ALPHABET.index(char) for i, char in enumerate(body))
    return REFERENCE_ALPHABET[total % n]


def new_reference() -> str:
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(5))
    code = body + _check_char(body)
    return f"{REFERENCE_PREFIX}-{code[:4]}-{code[4:]}"


def normalize_reference(text: str) -> str | None:
    """'mvr 7k3p q9' -> 'MVR-7K3P-Q9'; None when it is not a valid reference code."""
    compact = re.sub(r"[\s\-_.]", "", text or "").upper()
    if compact.startswith(REFERENCE_PREFIX):
        compact = compact[len(REFERENCE_PREFIX):]
    if len(compact) != 6 or any(c not in REFERENCE_ALPHABET for c in compact):
        return None
    if _check_char(compact[:5]) != compact[5]:
        return None
    return f"{REFERENCE_PREFIX}-{compact[:4]}-{compact[4:]}"


# ---------------------------------------------------------------- helpers
def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def _validate(inp: RegistrationInput) -> None:
    problems = []
    if not inp.name or not inp.name.strip() or len(inp.name) > 200:
        problems.append("name")
    if not _E164.match(inp.phone or ""):
        problems.append("phone (E.164 expected)")
    if not inp.postcode or len(inp.postcode) > 16:
        problems.append("postcode")
    if not isinstance(inp.due_date, date):
        problems.append("due_date")
    if inp.weeks_pregnant is not None and not (0 <= int(inp.weeks_pregnant) <= 45):
        problems.append("weeks_pregnant")
    if not isinstance(inp.help_areas, list | tuple) or not all(isinstance(a, str) for a in inp.help_areas):
        problems.append("help_areas")
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
        raise ValueError("invalid registration input: " + ", ".join(problems))


def _to_view(rec: RegistrationRecord, with_notes: bool = True) -> Registration:
    return Registration(
        reference=rec.reference,
        status=rec.status,
        channel=rec.channel,
        name=rec.name,
        phone=rec.phone,
        postcode=rec.postcode,
        due_date=date.fromisoformat(rec.due_date) if rec.due_date else None,
        weeks_pregnant=int(rec.weeks_pregnant) if rec.weeks_pregnant else None,
        help_areas=json.loads(rec.help_areas) if rec.help_areas else [],
        reachable=rec.reachable,
        consent_text_version=rec.consent_text_version,
        consent_at=rec.consent_at,
        created_at=rec.created_at,
        updated_at=rec.updated_at,
        status_changed_at=rec.status_changed_at,
        claimed_by=rec.claimed_by,
        claimed_at=rec.claimed_at,
        personal_data_deleted_at=rec.personal_data_deleted_at,
        notes=[Note(n.actor, n.created_at, n.text) for n in rec.notes] if with_notes else [],
    )


def _wipe(rec: RegistrationRecord, now: datetime) -> None:
    """Delete every personal field; the anonymous record (reference, dates, status, channel) stays."""
    rec.name = rec.phone = rec.postcode = rec.due_date = None
    rec.weeks_pregnant = rec.help_areas = rec.reachable = None
    rec.sender_key = None
    rec.notes.clear()
    rec.personal_data_deleted_at = now
    rec.updated_at = now


def _load(session, reference: str) -> RegistrationRecord:
    rec = session.execute(
        select(RegistrationRecord).where(RegistrationRecord.reference == reference)
    ).scalar_one_or_none()
    if rec is None:
        raise NotFound(reference)
    return rec


# ---------------------------------------------------------------- conversation side
def create_registration(inp: RegistrationInput, url: str | None = None) -> str:
    """Store a registration and return its reference code.

    The same ``idempotency_key`` always returns the first reference (unique constraint,
    safe under concurrent calls). Raises :class:`StoreUnavailable` when the database is
    down, ``ValueError`` on invalid input.
    """
    _validate(inp)
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
                session.add(
                    RegistrationRecord(
                        reference=reference,
                        idempotency_key=inp.idempotency_key,
                        status="new",
                        channel=inp.channel,
                        sender_key=inp.sender_key,
                        name=inp.name.strip(),
                        phone=inp.phone,
                        postcode=inp.postcode,
                        due_date=inp.due_date.isoformat(),
                        weeks_pregnant=None if inp.weeks_pregnant is None else str(int(inp.weeks_pregnant)),
                        help_areas=json.dumps(list(inp.help_areas), ensure_ascii=False),
                        reachable=inp.reachable,
                        consent_text_version=inp.consent_text_version,
                        consent_at=_aware(inp.consent_at),
                        created_at=now,
                        updated_at=now,
                        status_changed_at=now,
                    )
                )
                session.flush()
                audit.add(session, "client", "created", reference, f"channel={inp.channel}")
            return reference
        except exc.IntegrityError:
            # A concurrent create with the same idempotency key won (the next loop returns
            # its reference), or a reference code collided (the next loop draws a new one).
            continue
    raise StoreError("could not store the registration (repeated integrity conflicts)")


def withdraw_by_sender(sender_key: str, url: str | None = None) -> list[str]:
    """The client withdraws: delete the personal data of all her registrations.

    Keeps an anonymous record (status 'withdrawn') and writes 'withdrawn by client' to the
    audit log. Returns the references (empty when there was nothing to withdraw).
    """
    if not sender_key:
        return []
    with store_session(url) as session:
        records = session.execute(
            select(RegistrationRecord).where(RegistrationRecord.sender_key == sender_key)
        ).scalars().all()
        return _withdraw(session, records)


def withdraw_by_reference(references: list[str], url: str | None = None) -> list[str]:
    """The client withdraws the registrations with these codes (she proved they are hers:
    ``bot.store.parent_access``). Same effect as :func:`withdraw_by_sender`."""
    if not references:
        return []
    with store_session(url) as session:
        records = session.execute(
            select(RegistrationRecord).where(RegistrationRecord.reference.in_(list(references)))
        ).scalars().all()
        return _withdraw(session, records)


def _withdraw(session, records: list[RegistrationRecord]) -> list[str]:
    now = utcnow()
    references = []
    for rec in records:
        old = rec.status
        _wipe(rec, now)
        rec.status = "withdrawn"
        rec.status_changed_at = now
        audit.add(session, "client", "withdrawn by client", rec.reference, f"status {old} -> withdrawn")
        references.append(rec.reference)
    return references


# ---------------------------------------------------------------- staff side
def get_registration(reference: str, url: str | None = None, *, actor: str | None = None) -> Registration | None:
    """The registration, or None. With ``actor`` the view is written to the audit log."""
    with store_session(url) as session:
        rec = session.execute(
            select(RegistrationRecord).where(RegistrationRecord.reference == reference)
        ).scalar_one_or_none()
        if rec is None:
            return None
        if actor:
            audit.add(session, actor, "viewed", reference)
        return _to_view(rec)


def list_registrations(status: str | None = None, url: str | None = None, limit: int = 500) -> list[Registration]:
    """Oldest first (the queue order); all statuses when ``status`` is None."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    stmt = select(RegistrationRecord).order_by(RegistrationRecord.created_at, RegistrationRecord.id).limit(limit)
    if status is not None:
        stmt = stmt.where(RegistrationRecord.status == status)
    with store_session(url) as session:
        return [_to_view(rec, with_notes=False) for rec in session.execute(stmt).scalars()]


def count_by_status(url: str | None = None) -> dict[str, int]:
    with store_session(url) as session:
        rows = session.execute(
            select(RegistrationRecord.status, func.count()).group_by(RegistrationRecord.status)
        ).all()
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: n for status, n in rows})
    return counts


def set_status(reference: str, status: str, actor: str, url: str | None = None) -> None:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    with store_session(url) as session:
        rec = _load(session, reference)
        old = rec.status
        now = utcnow()
        rec.status = status
        rec.status_changed_at = now
        rec.updated_at = now
        audit.add(session, actor, "status changed", reference, f"{old} -> {status}")


def claim(reference: str, actor: str, url: str | None = None) -> None:
    """``actor`` takes the registration; a new one moves to in_progress."""
    with store_session(url) as session:
        rec = _load(session, reference)
        previous = rec.claimed_by
        now = utcnow()
        rec.claimed_by = actor
        rec.claimed_at = now
        rec.updated_at = now
        detail = f"taken over from {previous}" if previous and previous != actor else None
        if rec.status == "new":
            rec.status = "in_progress"
            rec.status_changed_at = now
            detail = ((detail + "; ") if detail else "") + "new -> in_progress"
        audit.add(session, actor, "claimed", reference, detail)


def add_note(reference: str, actor: str, text: str, url: str | None = None) -> None:
    text = (text or "").strip()
    if not text:
        raise ValueError("empty note")
    if len(text) > MAX_NOTE_LENGTH:
        raise ValueError("note too long")
    with store_session(url) as session:
        rec = _load(session, reference)
        if rec.personal_data_deleted_at is not None:
            raise ValueError("personal data deleted: no new notes")
        now = utcnow()
        rec.notes.append(NoteRecord(actor=actor, created_at=now, text=text))
        rec.updated_at = now
        audit.add(session, actor, "note added", reference)


def delete_personal_data(reference: str, actor: str, url: str | None = None) -> None:
    """Staff delete on request: personal fields and notes go, the anonymous record stays."""
    with store_session(url) as session:
        rec = _load(session, reference)
        if rec.personal_data_deleted_at is None:
            _wipe(rec, utcnow())
        audit.add(session, actor, "personal data deleted", reference)


def purge_expired(days: int, now: datetime | None = None, url: str | None = None) -> int:
    """Retention: delete personal data of closed/withdrawn registrations whose status
    changed more than ``days`` days before ``now``. Returns how many were purged."""
    if days < 0:
        raise ValueError("days must be >= 0")
    now = _aware(now or utcnow())
    cutoff = now - timedelta(days=days)
    with store_session(url) as session:
        records = session.execute(
            select(RegistrationRecord).where(
                RegistrationRecord.status.in_(CLOSED_STATUSES),
                RegistrationRecord.status_changed_at < cutoff,
                RegistrationRecord.personal_data_deleted_at.is_(None),
            )
        ).scalars().all()
        for rec in records:
            _wipe(rec, now)
            audit.add(session, "retention", "personal data purged", rec.reference, f"after {days} days")
        return len(records)
