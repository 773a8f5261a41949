"""What staff do with a case: claim, take over, release, status, close, withdraw, erase, reopen,
notes and call attempts.

Every function checks the state machine (``bot.store.workflow.check``; refused with
:class:`NotAllowed` and a Dutch reason) and the optimistic lock: ``expected_version`` is
the version the page showed, and a change made from an older page is refused with
:class:`Conflict` naming who changed it. A concurrent change between our read and our
write is caught by the mapper's version check and also becomes a :class:`Conflict`.
Each change writes its audit entry in the same transaction and returns the new version.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot.store import audit, notifications, workflow
from bot.store.db import store_session
from bot.store.errors import AlreadyClaimed, Conflict, NotAllowed, NotFound
from bot.store.models import CallAttempt, NoteRecord, RegistrationRecord, utcnow
from bot.store.registrations import MAX_NOTE_LENGTH, wipe

DEFAULT_UNREACHABLE_AFTER = 3


def unreachable_after() -> int:
    """Failed call attempts in a row after which a case becomes 'Niet bereikbaar' (STAFF_UNREACHABLE_AFTER)."""
    try:
        return max(1, int(os.environ.get("STAFF_UNREACHABLE_AFTER", DEFAULT_UNREACHABLE_AFTER)))
    except ValueError:
        return DEFAULT_UNREACHABLE_AFTER


def _state(rec: RegistrationRecord) -> workflow.CaseState:
    return workflow.CaseState(rec.status, rec.personal_data_deleted_at is not None, rec.claimed_by,
                              rec.erasure_requested_at is not None, rec.withdrawn_by)


def _load(session: Session, reference: str) -> RegistrationRecord:
    rec = session.execute(
        select(RegistrationRecord).where(RegistrationRecord.reference == reference)
    ).scalar_one_or_none()
    if rec is None:
        raise NotFound(reference)
    return rec


def _set_status(rec: RegistrationRecord, status: str, now: datetime) -> str:
    old = rec.status
    if status != old:
        rec.status = status
        rec.status_changed_at = now
    return old


def _claim_for(rec: RegistrationRecord, actor: str, now: datetime) -> None:
    if rec.claimed_by != actor:
        rec.claimed_by = actor
        rec.claimed_at = now


def _change(reference: str, actor: str, role: str | None, expected_version: int | None,
            action: str | Callable[[RegistrationRecord], str],
            mutate: Callable[[Session, RegistrationRecord, datetime], None], target: str | None = None,
            url: str | None = None) -> int:
    try:
        with store_session(url) as session:
            rec = _load(session, reference)
            if expected_version is not None and rec.version != int(expected_version):
                raise Conflict(rec.updated_by, rec.version)
            workflow.check(action(rec) if callable(action) else action, _state(rec), actor, role, target)
            now = utcnow()
            mutate(session, rec, now)
            rec.updated_at = now
            rec.updated_by = actor
            session.flush()
            return rec.version
    except StaleDataError:
        with store_session(url) as session:
            rec = _load(session, reference)
            raise Conflict(rec.updated_by, rec.version) from None


# ------------------------------------------------------------------ claiming
def claim(reference: str, actor: str, role: str | None = "staff", expected_version: int | None = None,
          takeover: bool = False, url: str | None = None) -> int:
    """``actor`` takes the case (a new one moves to 'In behandeling').

    A case a colleague holds raises :class:`AlreadyClaimed` unless ``takeover`` is set (the
    staff app first asks "Al opgepakt door X — overnemen?"); the colleague is notified.
    """
    def mutate(session: Session, rec: RegistrationRecord, now: datetime) -> None:
        previous = rec.claimed_by
        if previous and previous != actor and not takeover:
            raise AlreadyClaimed(previous)
        _claim_for(rec, actor, now)
        old = _set_status(rec, workflow.status_after_claim(rec.status), now)
        parts = []
        if previous and previous != actor:
            parts.append(f"takeover from {previous}")
            notifications.add(session, previous, "taken_over", rec.reference)
        if old != rec.status:
            parts.append(f"{old} -> {rec.status}")
        audit.add(session, actor, "claimed", rec.reference, "; ".join(parts) or None)

    def action_for(rec: RegistrationRecord) -> str:
        holder = rec.claimed_by
        if holder and holder != actor:
            if not takeover:
                workflow.check("takeover", _state(rec), actor, role)  # a withdrawn case: its own reason
                raise AlreadyClaimed(holder)
            return "takeover"
        return "claim"

    return _change(reference, actor, role, expected_version, action_for, mutate, url=url)


def release(reference: str, actor: str, role: str | None = "staff", expected_version: int | None = None,
            url: str | None = None) -> int:
    """'Vrijgeven': nobody holds the case any more; 'In behandeling' goes back to 'Nieuw'."""
    def mutate(session: Session, rec: RegistrationRecord, now: datetime) -> None:
        previous = rec.claimed_by
        rec.claimed_by = None
        rec.claimed_at = None
        old = _set_status(rec, workflow.status_after_release(rec.status), now)
        detail = f"from {previous}" + (f"; {old} -> {rec.status}" if old != rec.status else "")
        audit.add(session, actor, "released", rec.reference, detail)

    return _change(reference, actor, role, expected_version, "release", mutate, url=url)


# ------------------------------------------------------------------ status
def set_status(reference: str, status: str, actor: str, role: str | None = "staff",
               expected_version: int | None = None, url: str | None = None) -> int:
    """Move between the open statuses. 'Nieuw' releases the claim; working statuses claim an
    unclaimed case for ``actor``. Closing and withdrawing have their own functions."""
    def mutate(session: Session, rec: RegistrationRecord, now: datetime) -> None:
        old = _set_status(rec, status, now)
        if status == "new":
            rec.claimed_by = None
            rec.claimed_at = None
        elif not rec.claimed_by:
            _claim_for(rec, actor, now)
        audit.add(session, actor, "status changed", rec.reference, f"{old} -> {status}")

    return _change(reference, actor, role, expected_version, "set_status", mutate, target=status, url=url)


def close(reference: str, reason: str, actor: str, role: str | None = "staff", expected_version: int | None = None,
          url: str | None = None) -> int:
    """'Afgesloten' with a reason from ``workflow.CLOSE_REASONS``."""
    def mutate(session: Session, rec: RegistrationRecord, now: datetime) -> None:
        old = _set_status(rec, "closed", now)
        rec.close_reason = reason
        audit.add(session, actor, "closed", rec.reference, f"{old} -> closed; reason={reason}")

    return _change(reference, actor, role, expected_version, "close", mutate, target=reason, url=url)


def reopen(reference: str, actor: str, role: str | None = "staff", expected_version: int | None = None,
           url: str | None = None) -> int:
    """A closed case (anyone) or a case withdrawn by phone (coordinator) goes back to 'In behandeling'."""
    def mutate(session: Session, rec: RegistrationRecord, now: datetime) -> None:
        old = _set_status(rec, "in_progress", now)
        _claim_for(rec, actor, now)
        rec.close_reason = None
        rec.withdrawn_by = rec.withdrawn_at = None
        rec.erasure_requested_by = rec.erasure_requested_at = None
        audit.add(session, actor, "reopened", rec.reference, f"{old} -> in_progress")

    return _change(reference, actor, role, expected_version, "reopen", mutate, url=url)


# ------------------------------------------------------------------ withdrawal and erasure
def withdraw(reference: str, actor: str, role: str | None = "staff", erase: bool = True,
             expected_version: int | None = None, url: str | None = None) -> tuple[int, bool]:
    """She withdraws by phone: 'Ingetrokken'. With ``erase`` a coordinator deletes the personal
    data at once; for other staff an erasure request is recorded for a coordinator.
    Returns (new version, erased now)."""
    coordinator = workflow.is_coordinator(role)
    erased = erase and coordinator

    def mutate(session: Session, rec: RegistrationRecord, now: datetime) -> None:
        old = _set_status(rec, "withdrawn", now)
        rec.withdrawn_by = "staff"
        rec.withdrawn_at = now
        audit.add(session, actor, "withdrawn by phone", rec.reference, f"{old} -> withdrawn")
        if erased:
            wipe(rec, now)
            audit.add(session, actor, "personal data deleted", rec.reference)
        elif erase:
            rec.erasure_requested_by = actor
            rec.erasure_requested_at = now
            audit.add(session, actor, "erasure requested", rec.reference)

    version = _change(reference, actor, role, expected_version, "withdraw", mutate, url=url)
    return version, erased


def request_erasure(reference: str, actor: str, role: str | None = "staff", expected_version: int | None = None,
                    url: str | None = None) -> int:
    """Record that she asked for erasure; an open case is withdrawn at the same time."""
    def mutate(session: Session, rec: RegistrationRecord, now: datetime) -> None:
        if rec.status in workflow.OPEN_STATUSES:
            old = _set_status(rec, "withdrawn", now)
            rec.withdrawn_by = "staff"
            rec.withdrawn_at = now
            audit.add(session, actor, "withdrawn by phone", rec.reference, f"{old} -> withdrawn")
        rec.erasure_requested_by = actor
        rec.erasure_requested_at = now
        audit.add(session, actor, "erasure requested", rec.reference)

    return _change(reference, actor, role, expected_version, "request_erasure", mutate, url=url)


def erase(reference: str, actor: str, role: str | None, expected_version: int | None = None,
          url: str | None = None) -> int:
    """A coordinator deletes the personal data. An open case is withdrawn (erasure closes it)."""
    def mutate(session: Session, rec: RegistrationRecord, now: datetime) -> None:
        requested_by = rec.erasure_requested_by
        if rec.status in workflow.OPEN_STATUSES:
            old = _set_status(rec, "withdrawn", now)
            rec.withdrawn_by = "staff"
            rec.withdrawn_at = now
            audit.add(session, actor, "withdrawn by phone", rec.reference, f"{old} -> withdrawn")
        wipe(rec, now)
        audit.add(session, actor, "personal data deleted", rec.reference,
                  f"requested by {requested_by}" if requested_by else None)

    return _change(reference, actor, role, expected_version, "erase", mutate, url=url)


# ------------------------------------------------------------------ notes and calls
def add_note(reference: str, actor: str, text: str, role: str | None = "staff",
             expected_version: int | None = None, url: str | None = None) -> int:
    text = (text or "").strip()
    if not text:
        raise NotAllowed("Een lege notitie wordt niet opgeslagen.")
    if len(text) > MAX_NOTE_LENGTH:
        raise NotAllowed(f"Je notitie is te lang: {len(text):,} tekens. Het maximum is {MAX_NOTE_LENGTH:,} tekens. "
                         "Er is niets opgeslagen.".replace(",", "."))

    def mutate(session: Session, rec: RegistrationRecord, now: datetime) -> None:
        rec.notes.append(NoteRecord(actor=actor, created_at=now, text=text))
        audit.add(session, actor, "note added", rec.reference)

    return _change(reference, actor, role, expected_version, "note", mutate, url=url)


def record_call(reference: str, actor: str, result: str, role: str | None = "staff",
                expected_version: int | None = None, url: str | None = None) -> int:
    """Log a call attempt. 'Gesproken' -> 'Contact gehad'; after ``unreachable_after()`` failed
    attempts in a row -> 'Niet bereikbaar'. The caller holds the case afterwards if nobody did."""
    limit = unreachable_after()

    def mutate(session: Session, rec: RegistrationRecord, now: datetime) -> None:
        rec.call_attempts.append(CallAttempt(actor=actor, at=now, result=result))
        failed = 0
        for attempt in reversed(rec.call_attempts):
            if attempt.result == "spoken":
                break
            failed += 1
        if not rec.claimed_by:
            _claim_for(rec, actor, now)
        old = _set_status(rec, workflow.status_after_call(rec.status, result, failed, limit), now)
        detail = f"result={result}" + (f"; {old} -> {rec.status}" if old != rec.status else "")
        audit.add(session, actor, "call", rec.reference, detail)

    return _change(reference, actor, role, expected_version, "call", mutate, target=result, url=url)
