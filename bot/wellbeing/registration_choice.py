"""After a loss: keep, pause or withdraw the registration she made in this chat.

Keep and pause add a note for the aanmeldpunt staff to her registration(s) (notes are
encrypted in the store); withdraw is the existing withdrawal (bot/registration/withdraw.py).
Never raises: a database problem gives ``unavailable``; logs hold no personal data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

KEEP = "keep"
PAUSE = "pause"
OPEN_STATUSES = ("new", "in_progress", "contacted", "unreachable")


@dataclass(frozen=True)
class ChoiceResult:
    references: tuple[str, ...] = ()
    unavailable: bool = False


def open_references(sender_key: str, url: str | None = None) -> ChoiceResult:
    """Her registrations from this chat that are still open (personal data not deleted)."""
    from sqlalchemy import select

    from bot.store.db import store_session
    from bot.store.errors import StoreError
    from bot.store.models import RegistrationRecord

    if not sender_key:
        return ChoiceResult()
    try:
        with store_session(url) as session:
            rows = session.execute(
                select(RegistrationRecord.reference)
                .where(RegistrationRecord.sender_key == sender_key)
                .where(RegistrationRecord.status.in_(OPEN_STATUSES))
                .where(RegistrationRecord.personal_data_deleted_at.is_(None))
                .order_by(RegistrationRecord.id)
            ).scalars().all()
    except StoreError as err:
        log.error("registration lookup failed, database unavailable (%s)", err.__class__.__name__)
        return ChoiceResult(unavailable=True)
    return ChoiceResult(references=tuple(rows))


def record_choice(sender_key: str, note: str, url: str | None = None) -> ChoiceResult:
    """Add ``note`` (from the client) to each of her open registrations."""
    from bot.store.cases import add_note
    from bot.store.errors import StoreError

    found = open_references(sender_key, url)
    if found.unavailable or not found.references:
        return found
    done = []
    try:
        for reference in found.references:
            add_note(reference, "client", note, url=url)
            done.append(reference)
    except StoreError as err:
        log.error("registration note failed, database unavailable (%s)", err.__class__.__name__)
        return ChoiceResult(references=tuple(done), unavailable=True)
    log.info("client choice noted on %d registration(s)", len(done))
    return ChoiceResult(references=tuple(done))
