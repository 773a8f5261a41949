"""Registrations (aanmeldingen) with the aanmeldpunt Moeders van Rotterdam.

Used by the registration conversation (create, withdraw) and by the staff web app (read;
the staff's changes are in ``bot.store.cases``, the queue in ``bot.store.queue``). Every
change writes an audit entry in the same transaction. Database problems surface as
:class:`StoreUnavailable`; nothing is written half.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import delete, exc, func, select
from sqlalchemy.orm import object_session

from bot.store import audit, derived
from bot.store.db import insert_ignore, store_session
from bot.store.errors import NotFound, StoreError
from bot.store.models import STATUSES, ConsentText, NoteDraft, RegistrationRecord, utcnow

__all__ = [
    "STATUSES", "Call", "Note", "Registration", "RegistrationInput", "consent_text_info", "count_by_status",
    "create_registration", "duplicates", "get_registration", "list_registrations", "mark_withdrawn_by_client",
    "normalize_reference", "purge_expired", "reindex", "wipe", "withdraw_by_reference", "withdraw_by_sender",
]

CLOSED_STATUSES = ("closed", "withdrawn")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# No 0/O, 1/I/L: easy to read out over the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_PREFIX = "MVR"
MAX_NOTE_LENGTH = 5000
MAX_OWN_WORDS = 1000
CHAT_LANGUAGES = ("nl", "en")


@dataclass
class RegistrationInput:
    name: str
    phone: str  # E.164, e.g. +31612345678
    postcode: str  # "onbekend" when she has no fixed address
    due_date: date
    weeks_pregnant: int | None
    help_areas: list[str]
    reachable: str
    channel: str
    sender_key: str  # pseudonymised sender id (opaque)
    consent_text_version: str
    consent_at: datetime
    idempotency_key: str
    language: str | None = None  # preferred language (her answer), None when not asked
    interpreter: bool | None = None  # needs an interpreter; None when not asked
    own_words: str | None = None  # what she needs, in her own words
    consent_text: str | None = None  # the full text she agreed to (stored once per version)
    chat_language: str | None = None  # "nl" / "en": the language of the chat and the consent text


@dataclass(frozen=True)
class Note:
    actor: str
    created_at: datetime
    text: str


@dataclass(frozen=True)
class Call:
    actor: str
    at: datetime
    result: str  # bot.store.workflow.CALL_RESULTS


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
    kind: str = "registration"
    version: int = 1
    updated_by: str | None = None
    language: str | None = None
    interpreter: bool | None = None
    own_words: str | None = None
    gebied: str | None = None
    due_week: date | None = None
    flag_reasons: tuple[str, ...] = ()  # "no_address", "safety" (bot.store.queue.URGENCY)
    close_reason: str | None = None
    withdrawn_by: str | None = None
    withdrawn_at: datetime | None = None
    erasure_requested_by: str | None = None
    erasure_requested_at: datetime | None = None
    calls: list[Call] = field(default_factory=list)
    related_reference: str | None = None  # a callback request's registration (issue 13)
    chat_language: str | None = None  # "nl" / "en" (issue 11); None: before languages were stored

    @property
    def personal_data_deleted(self) -> bool:
        return self.personal_data_deleted_at is not None

    @property
    def no_fixed_address(self) -> bool:
        return "no_address" in self.flag_reasons

    @property
    def state(self):
        from bot.store.workflow import CaseState

        return CaseState(self.status, self.personal_data_deleted, self.claimed_by,
                         self.erasure_requested_at is not None, self.withdrawn_by)


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
    if inp.language is not None and (not isinstance(inp.language, str) or len(inp.language) > 100):
        problems.append("language")
    if inp.interpreter is not None and not isinstance(inp.interpreter, bool):
        problems.append("interpreter")
    if inp.chat_language not in (None, *CHAT_LANGUAGES):
        problems.append("chat_language")
    if inp.own_words is not None and (not isinstance(inp.own_words, str) or len(inp.own_words) > MAX_OWN_WORDS):
        problems.append("own_words")
    if problems:
        raise ValueError("invalid registration input: " + ", ".join(problems))


def _interpreter_to_db(value: bool | None) -> str | None:
    return None if value is None else ("ja" if value else "nee")


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
        kind=rec.kind,
        version=rec.version,
        updated_by=rec.updated_by,
        language=rec.language,
        interpreter=None if rec.interpreter is None else rec.interpreter == "ja",
        own_words=rec.own_words,
        gebied=rec.gebied,
        due_week=rec.due_week,
        flag_reasons=tuple(r for r in (rec.flag_reasons or "").split(",") if r),
        close_reason=rec.close_reason,
        withdrawn_by=rec.withdrawn_by,
        withdrawn_at=rec.withdrawn_at,
        erasure_requested_by=rec.erasure_requested_by,
        erasure_requested_at=rec.erasure_requested_at,
        calls=[Call(c.actor, c.at, c.result) for c in rec.call_attempts] if with_notes else [],
        related_reference=rec.related_reference,
        chat_language=rec.chat_language,
    )


PERSONAL_COLUMNS = ("name", "phone", "postcode", "due_date", "weeks_pregnant", "help_areas", "reachable",
                    "language", "interpreter", "own_words")


def wipe(rec: RegistrationRecord, now: datetime) -> None:
    """Delete every personal field, notes, search tokens and queue columns; the anonymous
    record (reference, dates, status, channel, call times) stays."""
    for column in PERSONAL_COLUMNS:
        setattr(rec, column, None)
    rec.sender_key = None
    rec.notes.clear()
    rec.personal_data_deleted_at = now
    rec.erasure_requested_by = rec.erasure_requested_at = None
    rec.updated_at = now
    derived.clear(rec)
    session = object_session(rec)
    if session is not None:  # a note being typed when a session expired is personal data too
        session.execute(delete(NoteDraft).where(NoteDraft.reference == rec.reference))


def _load(session, reference: str) -> RegistrationRecord:
    rec = session.execute(
        select(RegistrationRecord).where(RegistrationRecord.reference == reference)
    ).scalar_one_or_none()
    if rec is None:
        raise NotFound(reference)
    return rec


def _remember_consent_text(session, version: str, text: str | None, now: datetime, language: str | None = None) -> None:
    """Store the text of a consent version the first time it is used (race-safe: insert-or-ignore)."""
    if not text or session.get(ConsentText, version) is not None:
        return
    insert_ignore(session, ConsentText, {"version": version, "text": text, "first_used_at": now,
                                         "language": language or "nl"})


def consent_text_info(version: str, url: str | None = None) -> tuple[str, datetime] | None:
    """(text, first used) of a consent version, None when it was not recorded."""
    with store_session(url) as session:
        row = session.get(ConsentText, version)
        return (row.text, row.first_used_at) if row is not None else None


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
                rec = RegistrationRecord(
                    reference=reference,
                    idempotency_key=inp.idempotency_key,
                    kind="registration",
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
                    language=(inp.language or "").strip() or None,
                    interpreter=_interpreter_to_db(inp.interpreter),
                    own_words=(inp.own_words or "").strip() or None,
                    consent_text_version=inp.consent_text_version,
                    consent_at=_aware(inp.consent_at),
                    chat_language=inp.chat_language,
                    created_at=now,
                    updated_at=now,
                    status_changed_at=now,
                    updated_by="client",
                )
                derived.apply(rec)
                session.add(rec)
                session.flush()
                _remember_consent_text(session, inp.consent_text_version, inp.consent_text, now, inp.chat_language)
                audit.add(session, "client", "created", reference, f"channel={inp.channel}")
            return reference
        except exc.IntegrityError:
            # A concurrent create with the same idempotency key won (the next loop returns
            # its reference), or a reference code collided (the next loop draws a new one).
            continue
    raise StoreError("could not store the registration (repeated integrity conflicts)")


def withdraw_by_sender(sender_key: str, url: str | None = None) -> list[str]:
    """The client withdraws: delete the personal data of all her registrations.

    Keeps an anonymous record (status 'withdrawn', "withdrawn by the client via the chat"
    with the time), writes 'withdrawn by client' to the audit log and notifies the staff
    member who held the case. Returns the references (empty when there was nothing to withdraw).
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


def mark_withdrawn_by_client(session, rec: RegistrationRecord, now: datetime) -> str:
    """Status 'withdrawn' by the client through the chat (shown on the case); the staff member
    who held it gets a message. Returns the old status. The caller wipes the personal data."""
    from bot.store import notifications

    old = rec.status
    rec.status = "withdrawn"
    rec.status_changed_at = now
    rec.withdrawn_by = "client"
    rec.withdrawn_at = now
    rec.updated_by = "client"
    if rec.claimed_by and old not in CLOSED_STATUSES:
        notifications.add(session, rec.claimed_by, "client_withdrew", rec.reference)
    return old


def _withdraw(session, records: list[RegistrationRecord]) -> list[str]:
    now = utcnow()
    references = []
    for rec in records:
        wipe(rec, now)
        old = mark_withdrawn_by_client(session, rec, now)
        audit.add(session, "client", "withdrawn by client", rec.reference, f"{old} -> withdrawn")
        references.append(rec.reference)
    return references


# ---------------------------------------------------------------- staff side: reading
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
    """Oldest first; all statuses when ``status`` is None. (The staff queue uses bot.store.queue.)"""
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


def duplicates(reference: str, url: str | None = None) -> list[tuple[str, str]]:
    """Other registrations with the same phone number (any status): [(reference, status)], oldest first."""
    with store_session(url) as session:
        phone_hash = session.execute(
            select(RegistrationRecord.phone_index).where(RegistrationRecord.reference == reference)
        ).scalar_one_or_none()
        if not phone_hash:
            return []
        rows = session.execute(
            select(RegistrationRecord.reference, RegistrationRecord.status)
            .where(RegistrationRecord.phone_index == phone_hash, RegistrationRecord.reference != reference)
            .order_by(RegistrationRecord.created_at)
        ).all()
    return [(r, s) for r, s in rows]


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
            wipe(rec, now)
            rec.updated_by = "retention"
            audit.add(session, "retention", "personal data purged", rec.reference, f"after {days} days")
        return len(records)


def reindex(url: str | None = None) -> int:
    """Recompute the search index and queue columns of every registration (after a change of
    SEARCH_INDEX_KEY, or for rows stored before they existed). Returns the number of rows."""
    count = 0
    with store_session(url) as session:
        for rec in session.execute(select(RegistrationRecord)).scalars():
            derived.apply(rec)
            count += 1
    return count
