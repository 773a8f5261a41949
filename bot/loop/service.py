"""The store, seen from one conversation: which cases are hers, and what she may do with them.

Every function here is safe to call from an action: database problems come back as
``unavailable`` (never an exception), and nothing is logged that identifies her.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.loop.adapters import erase_other_conversations, sender_keys_for
from bot.store.errors import StoreError

log = logging.getLogger(__name__)

OPEN_STATUSES = ("new", "in_progress", "contacted", "unreachable")


@dataclass(frozen=True)
class Lookup:
    """Her cases as far as this conversation may know them (newest first)."""

    cases: list = field(default_factory=list)  # list[bot.store.parent_access.CaseSummary]
    unavailable: bool = False

    @property
    def with_data(self) -> list:
        """Cases whose personal data still exists (something to show, withdraw or erase)."""
        return [c for c in self.cases if not c.personal_data_deleted]

    @property
    def registrations(self) -> list:
        return [c for c in self.cases if c.kind == "registration"]

    @property
    def callbacks(self) -> list:
        return [c for c in self.cases if c.kind != "registration"]


def keys(sender_id: str, metadata: Mapping[str, Any] | None = None) -> list[str]:
    return sender_keys_for(sender_id, metadata)


def lookup(sender_id: str, metadata: Mapping[str, Any] | None = None) -> Lookup:
    """Her own cases (same sender) and those this conversation verified."""
    from bot.store.parent_access import accessible_cases

    try:
        return Lookup(cases=accessible_cases(keys(sender_id, metadata)))
    except StoreError as err:
        log.error("case lookup failed: %s", err.__class__.__name__)
        return Lookup(unavailable=True)


@dataclass(frozen=True)
class VerifyResult:
    result: str  # ok / wrong / blocked / unavailable
    attempts_left: int = 0


def verify(sender_id: str, reference: str, digits: str, metadata: Mapping[str, Any] | None = None) -> VerifyResult:
    from bot.store.parent_access import verify as store_verify

    try:
        outcome = store_verify(reference, digits, keys(sender_id, metadata)[0])
    except StoreError as err:
        log.error("verification failed: %s", err.__class__.__name__)
        return VerifyResult("unavailable")
    return VerifyResult(outcome.result, outcome.attempts_left)


def export(lookup_result: Lookup) -> list | None:
    """Everything stored about her cases (list of CaseData); None when the store is down."""
    from bot.store.parent_access import export_cases

    try:
        return export_cases([c.reference for c in lookup_result.cases])
    except StoreError as err:
        log.error("export failed: %s", err.__class__.__name__)
        return None


@dataclass(frozen=True)
class ChangeResult:
    references: tuple[str, ...] = ()
    unavailable: bool = False


def withdraw(lookup_result: Lookup) -> ChangeResult:
    """Withdraw her cases that still hold personal data."""
    from bot.store.parent_access import withdraw_cases

    refs = [c.reference for c in lookup_result.with_data]
    try:
        done = withdraw_cases(refs)
    except StoreError as err:
        log.error("withdrawal failed: %s", err.__class__.__name__)
        return ChangeResult(unavailable=True)
    log.info("withdrawal from the chat: %d case(s)", len(done))
    return ChangeResult(tuple(done))


def erase(sender_id: str, lookup_result: Lookup, metadata: Mapping[str, Any] | None = None) -> ChangeResult:
    """Her erasure request: her cases' personal data and threads; her other conversations too.

    This conversation itself is deleted by the tracker store after the turn
    (:func:`bot.loop.adapters.erase_after_turn_event`, returned by the action).
    """
    from bot.store.parent_access import erase_cases, sender_keys_of

    refs = [c.reference for c in lookup_result.cases]
    try:
        origin_keys = sender_keys_of(refs)
        done = erase_cases(refs)
    except StoreError as err:
        log.error("erasure failed: %s", err.__class__.__name__)
        return ChangeResult(unavailable=True)
    mine = set(keys(sender_id, metadata))
    erase_other_conversations([k for k in origin_keys if k not in mine])
    log.info("erasure from the chat: %d case(s)", len(done))
    return ChangeResult(tuple(done))


# ---------------------------------------------------------------- callback requests
@dataclass(frozen=True)
class SubmitResult:
    reference: str | None = None
    attached: bool = False  # her message went to the thread of her registration
    unavailable: bool = False


def idempotency_key(sender_id: str, instance: str) -> str:
    return hashlib.sha256(f"callback:{keys(sender_id)[0]}:{instance}".encode()).hexdigest()


def submit_callback(sender_id: str, channel: str, *, consent_version: str, consent_at: dt.datetime, instance: str,
                    phone: str | None = None, moment: str | None = None, message: str | None = None,
                    metadata: Mapping[str, Any] | None = None) -> SubmitResult:
    """Store a callback request (or her message) and notify the aanmeldpunt. Never raises.

    A message from a parent whose registration is open goes to that registration's thread.
    """
    from bot.store.callbacks import CallbackInput, add_client_message, create_callback_request
    from bot.store.notify import notify_new_registration

    found = lookup(sender_id, metadata)
    if found.unavailable:
        return SubmitResult(unavailable=True)
    open_registration = next(
        (c for c in found.registrations if c.status in OPEN_STATUSES and not c.personal_data_deleted), None
    )
    try:
        if message and not phone and open_registration is not None:
            add_client_message(open_registration.reference, message, channel)
            notify_new_registration(open_registration.reference, kind="message",
                                    once_key=f"{open_registration.reference}:message:{instance}")
            return SubmitResult(reference=open_registration.reference, attached=True)
        reference = create_callback_request(CallbackInput(
            channel=channel, sender_key=keys(sender_id, metadata)[0], consent_text_version=consent_version,
            consent_at=consent_at, idempotency_key=idempotency_key(sender_id, instance), phone=phone,
            moment=moment, message=message,
            related_reference=open_registration.reference if open_registration else None,
        ))
    except (StoreError, ValueError) as err:
        log.error("callback request not stored: %s", err.__class__.__name__)
        return SubmitResult(unavailable=True)
    notify_new_registration(reference, kind="callback")
    return SubmitResult(reference=reference)
