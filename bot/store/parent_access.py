"""What a parent may see and do with her own cases from the chat (issue 13, items 1 and 5).

Who is she? A case is hers in this conversation when

* it was made from the same sender (the pseudonymous ``sender_key`` stored with it), or
* she proved it with its reference code plus the last two digits of the phone number she
  gave (:func:`verify`); that proof holds for this conversation for ``GRANT_MINUTES``.

Guessing is limited: at most ``MAX_FAILED_PER_SENDER`` wrong answers per conversation and
``MAX_FAILED_PER_REFERENCE`` per reference code (over all conversations) within
``FAILURE_WINDOW``. A blocked attempt is not even checked. An unknown code gets the same
answer as a wrong check, so nobody learns which codes exist.

Functions return plain dataclasses; personal values are only in :class:`CaseData`, which
is only built for cases the caller has established as hers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select

from bot.store import audit
from bot.store.db import store_session
from bot.store.loop_models import ThreadMessage, VerificationAttempt
from bot.store.models import RegistrationRecord, utcnow
from bot.store.registrations import mark_withdrawn_by_client, normalize_reference, wipe, withdraw_by_reference

__all__ = [
    "FAILURE_WINDOW", "GRANT_MINUTES", "MAX_FAILED_PER_REFERENCE", "MAX_FAILED_PER_SENDER", "CaseData",
    "CaseSummary", "VerifyOutcome", "accessible_cases", "cases_for_sender", "erase_cases", "export_cases",
    "purge_verification_attempts", "sender_keys_of", "verified_references", "verify", "withdraw_cases",
]

GRANT_MINUTES = 60
FAILURE_WINDOW = timedelta(hours=24)
MAX_FAILED_PER_SENDER = 3
MAX_FAILED_PER_REFERENCE = 5
ATTEMPT_RETENTION = timedelta(days=2)  # > FAILURE_WINDOW and GRANT_MINUTES
OPEN_STATUSES = ("new", "in_progress", "contacted", "unreachable")

OK, WRONG, BLOCKED = "ok", "wrong", "blocked"


@dataclass(frozen=True)
class CaseSummary:
    """A case without personal data: enough for a status answer."""

    reference: str
    kind: str
    status: str
    channel: str
    created_at: datetime
    status_changed_at: datetime
    personal_data_deleted: bool
    related_reference: str | None
    has_phone: bool


@dataclass(frozen=True)
class ThreadEntry:
    direction: str
    actor: str
    created_at: datetime
    text: str


@dataclass(frozen=True)
class CaseData:
    """Everything stored about one case, decrypted: only for the verified owner."""

    summary: CaseSummary
    name: str | None
    phone: str | None
    postcode: str | None
    due_date: date | None
    weeks_pregnant: int | None
    help_areas: list[str]
    reachable: str | None
    consent_text_version: str
    consent_at: datetime
    messages: list[ThreadEntry] = field(default_factory=list)


@dataclass(frozen=True)
class VerifyOutcome:
    result: str  # "ok", "wrong" or "blocked"
    reference: str | None = None  # the verified code, on "ok"
    attempts_left: int = 0  # wrong answers this conversation may still give

    @property
    def ok(self) -> bool:
        return self.result == OK


def _summary(rec: RegistrationRecord) -> CaseSummary:
    return CaseSummary(
        reference=rec.reference,
        kind=rec.kind or "registration",
        status=rec.status,
        channel=rec.channel,
        created_at=rec.created_at,
        status_changed_at=rec.status_changed_at,
        personal_data_deleted=rec.personal_data_deleted_at is not None,
        related_reference=rec.related_reference,
        has_phone=rec.phone is not None,
    )


def _newest_first(records: Iterable[RegistrationRecord]) -> list[CaseSummary]:
    return [_summary(r) for r in sorted(records, key=lambda r: (r.created_at, r.id), reverse=True)]


# ---------------------------------------------------------------- finding her cases
def cases_for_sender(sender_keys: list[str], url: str | None = None) -> list[CaseSummary]:
    """Her cases made from this sender (any of her keys), newest first."""
    keys = [k for k in sender_keys if k]
    if not keys:
        return []
    with store_session(url) as session:
        records = session.execute(
            select(RegistrationRecord).where(RegistrationRecord.sender_key.in_(keys))
        ).scalars().all()
        return _newest_first(records)


def verified_references(sender_key: str, url: str | None = None, now: datetime | None = None) -> list[str]:
    """Codes this conversation proved within the last ``GRANT_MINUTES`` (still with personal data)."""
    now = now or utcnow()
    with store_session(url) as session:
        rows = session.execute(
            select(VerificationAttempt.reference)
            .join(RegistrationRecord, RegistrationRecord.id == VerificationAttempt.registration_id)
            .where(
                VerificationAttempt.sender_key == sender_key,
                VerificationAttempt.succeeded.is_(True),
                VerificationAttempt.at >= now - timedelta(minutes=GRANT_MINUTES),
                RegistrationRecord.personal_data_deleted_at.is_(None),
            )
            .order_by(VerificationAttempt.id.desc())
        ).scalars().all()
    seen: list[str] = []
    for ref in rows:
        if ref not in seen:
            seen.append(ref)
    return seen


def accessible_cases(sender_keys: list[str], url: str | None = None, now: datetime | None = None) -> list[CaseSummary]:
    """Her own cases (same sender) plus the cases this conversation verified, newest first."""
    keys = [k for k in sender_keys if k]
    if not keys:
        return []
    refs = verified_references(keys[0], url=url, now=now)
    with store_session(url) as session:
        cond = RegistrationRecord.sender_key.in_(keys)
        if refs:
            cond = cond | RegistrationRecord.reference.in_(refs)
        records = session.execute(select(RegistrationRecord).where(cond)).scalars().all()
        return _newest_first(records)


# ---------------------------------------------------------------- verification
def last_two_digits(phone: str | None) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-2:] if len(digits) >= 2 else None


def _failures(session, column, value: str, since: datetime) -> int:
    return session.execute(
        select(func.count()).select_from(VerificationAttempt).where(
            column == value, VerificationAttempt.succeeded.is_(False), VerificationAttempt.at >= since
        )
    ).scalar_one()


def verify(reference: str, digits: str, sender_key: str, url: str | None = None,
           now: datetime | None = None) -> VerifyOutcome:
    """Check that the case ``reference`` is hers: ``digits`` = last two digits of its phone number.

    Records the attempt. ``blocked`` when this conversation or this code had too many
    wrong answers within ``FAILURE_WINDOW`` (then nothing is checked). An unknown code,
    a case without a phone number or with deleted data all answer ``wrong``.
    """
    if not sender_key:
        raise ValueError("sender_key required")
    now = now or utcnow()
    code = normalize_reference(reference or "") or (reference or "")[:16].upper()
    since = now - FAILURE_WINDOW
    with store_session(url) as session:
        by_sender = _failures(session, VerificationAttempt.sender_key, sender_key, since)
        by_code = _failures(session, VerificationAttempt.reference, code, since)
        if by_sender >= MAX_FAILED_PER_SENDER or by_code >= MAX_FAILED_PER_REFERENCE:
            audit.add(session, "client", "verification blocked", None, f"sender={by_sender} code={by_code}")
            return VerifyOutcome(BLOCKED)
        rec = session.execute(
            select(RegistrationRecord).where(RegistrationRecord.reference == code)
        ).scalar_one_or_none()
        expected = last_two_digits(rec.phone) if rec is not None and rec.personal_data_deleted_at is None else None
        given = re.sub(r"\D", "", digits or "")
        ok = expected is not None and len(given) == 2 and given == expected
        session.add(VerificationAttempt(
            reference=code, registration_id=rec.id if rec is not None else None, sender_key=sender_key,
            succeeded=ok, at=now,
        ))
        if ok:
            audit.add(session, "client", "verified in chat", code)
            return VerifyOutcome(OK, reference=code, attempts_left=MAX_FAILED_PER_SENDER - by_sender)
        left = max(0, min(MAX_FAILED_PER_SENDER - by_sender, MAX_FAILED_PER_REFERENCE - by_code) - 1)
        return VerifyOutcome(WRONG, attempts_left=left)


# ---------------------------------------------------------------- her data (AVG art. 15)
def export_cases(references: list[str], url: str | None = None) -> list[CaseData]:
    """Everything stored about these cases (the caller established they are hers). Audited."""
    if not references:
        return []
    with store_session(url) as session:
        records = session.execute(
            select(RegistrationRecord).where(RegistrationRecord.reference.in_(list(references)))
        ).scalars().all()
        out = []
        for rec in sorted(records, key=lambda r: (r.created_at, r.id), reverse=True):
            audit.add(session, "client", "own data shown", rec.reference)
            out.append(CaseData(
                summary=_summary(rec),
                name=rec.name,
                phone=rec.phone,
                postcode=rec.postcode,
                due_date=date.fromisoformat(rec.due_date) if rec.due_date else None,
                weeks_pregnant=int(rec.weeks_pregnant) if rec.weeks_pregnant else None,
                help_areas=json.loads(rec.help_areas) if rec.help_areas else [],
                reachable=rec.reachable,
                consent_text_version=rec.consent_text_version,
                consent_at=rec.consent_at,
                messages=[ThreadEntry(m.direction, m.actor, m.created_at, m.text) for m in rec.messages],
            ))
        return out


# ---------------------------------------------------------------- withdrawal and erasure (art. 17)
def withdraw_cases(references: list[str], url: str | None = None) -> list[str]:
    """She withdraws these cases (hers): personal data deleted, status 'withdrawn'."""
    return withdraw_by_reference(list(references), url=url)


def erase_cases(references: list[str], url: str | None = None) -> list[str]:
    """Her erasure request: delete the personal data of these cases and their message threads.

    Open cases become 'withdrawn' (nobody will call her any more); closed ones stay closed.
    The anonymous record (code, dates, status, channel) stays for the staff and the
    programme's counts. The verification attempts that link a conversation to these cases go.
    Returns the codes erased.
    """
    if not references:
        return []
    with store_session(url) as session:
        records = session.execute(
            select(RegistrationRecord).where(RegistrationRecord.reference.in_(list(references)))
        ).scalars().all()
        now = utcnow()
        erased = []
        for rec in records:
            old = rec.status
            if rec.personal_data_deleted_at is None or rec.messages:
                wipe(rec, now)
            if old in OPEN_STATUSES:
                mark_withdrawn_by_client(session, rec, now)  # shown on the case; the owner is told
            audit.add(session, "client", "erased on request", rec.reference,
                      f"status {old} -> {rec.status}" if old != rec.status else None)
            erased.append(rec.reference)
        ids = [rec.id for rec in records]
        if ids:
            session.execute(delete(VerificationAttempt).where(VerificationAttempt.registration_id.in_(ids)))
        return erased


def sender_keys_of(references: list[str], url: str | None = None) -> list[str]:
    """The pseudonymous senders these cases were made from (to find those conversations)."""
    if not references:
        return []
    with store_session(url) as session:
        rows = session.execute(
            select(RegistrationRecord.sender_key).where(
                RegistrationRecord.reference.in_(list(references)), RegistrationRecord.sender_key.is_not(None)
            )
        ).scalars().all()
    return sorted(set(rows))


def purge_verification_attempts(now: datetime | None = None, url: str | None = None) -> int:
    """Forget verification attempts older than ``ATTEMPT_RETENTION`` (they only serve the guessing
    limit and the grant, both far shorter). Returns how many were deleted."""
    cutoff = (now or utcnow()) - ATTEMPT_RETENTION
    with store_session(url) as session:
        return session.execute(delete(VerificationAttempt).where(VerificationAttempt.at < cutoff)).rowcount or 0


def count_messages(reference: str, url: str | None = None) -> int:
    with store_session(url) as session:
        return session.execute(
            select(func.count()).select_from(ThreadMessage)
            .join(RegistrationRecord, RegistrationRecord.id == ThreadMessage.registration_id)
            .where(RegistrationRecord.reference == reference)
        ).scalar_one()
