"""Send a confirmed registration to the store, exactly once per form instance.

The idempotency key is derived from the pseudonymous sender key and the form instance
(a random token set when she gave consent), so confirming again after a failure, or a
re-delivered message, returns the first reference instead of creating a duplicate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.registration import fields as f
from bot.registration.consent import consent_language, consent_text, consent_version
from bot.registration.help_areas import UNKNOWN, label
from bot.registration.texts import text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SubmitResult:
    reference: str | None = None
    unavailable: bool = False

    @property
    def ok(self) -> bool:
        return self.reference is not None


def idempotency_key(sender_key: str, instance: str) -> str:
    return hashlib.sha256(f"registration:{sender_key}:{instance}".encode()).hexdigest()


def missing_fields(slots: Mapping[str, Any]) -> list[str]:
    """Slots that must be filled (and consent given) before anything is stored."""
    needed = [f.NAME, f.PHONE, f.POSTCODE, f.DUE, f.HELP, f.REACHABLE, f.CONSENT_AT, f.CONSENT_VERSION, f.INSTANCE]
    missing = [name for name in needed if slots.get(name) in (None, "", [])]
    if slots.get(f.CONSENT) is not True:
        missing.insert(0, f.CONSENT)
    return missing


def build_input(slots: Mapping[str, Any], sender_key: str, channel: str):
    """A :class:`bot.store.registrations.RegistrationInput` from the form's slots."""
    from bot.store.registrations import RegistrationInput

    consent_at = dt.datetime.fromisoformat(slots[f.CONSENT_AT])
    if consent_at.tzinfo is None:
        consent_at = consent_at.replace(tzinfo=dt.timezone.utc)
    weeks = slots.get(f.WEEKS)
    version = str(slots[f.CONSENT_VERSION])
    # The language of the consent text she agreed to (its version says it), which is the chat's.
    lang = consent_language(version)
    preferred = slots.get(f.LANGUAGE)
    interpreter = slots.get(f.INTERPRETER)
    return RegistrationInput(
        name=str(slots[f.NAME]),
        phone=str(slots[f.PHONE]),
        postcode=str(slots[f.POSTCODE]),
        due_date=dt.date.fromisoformat(slots[f.DUE]),
        weeks_pregnant=int(weeks) if weeks is not None else None,
        # Labels, not codes: staff read them as they are ("Geld en administratie").
        help_areas=[label(c) for c in slots.get(f.HELP) or [UNKNOWN]],
        reachable=str(slots[f.REACHABLE]),
        channel=(channel or "onbekend")[:32],
        sender_key=sender_key,
        consent_text_version=version,
        consent_at=consent_at,
        idempotency_key=idempotency_key(sender_key, str(slots[f.INSTANCE])),
        own_words=slots.get(f.HELP_TEXT) or None,
        # The text she agreed to, kept once per version for the staff ("tekst van <datum>").
        consent_text=consent_text(lang=lang) if consent_version(lang=lang) == version else None,
        chat_language=lang,
        language=str(preferred) if preferred and preferred != "unknown" else None,
        interpreter=interpreter if isinstance(interpreter, bool) else None,
    )


def submit(slots: Mapping[str, Any], sender_key: str, channel: str) -> SubmitResult:
    """Store the registration and notify the aanmeldpunt. Never raises; logs no personal data."""
    from bot.store.errors import StoreError, StoreUnavailable
    from bot.store.notify import notify_new_registration
    from bot.store.registrations import create_registration

    missing = missing_fields(slots)
    if missing:
        raise ValueError(f"registration incomplete: {', '.join(missing)}")
    try:
        reference = create_registration(build_input(slots, sender_key, channel))
    except StoreUnavailable as err:
        log.error("registration not stored, database unavailable (%s)", err.__class__.__name__)
        return SubmitResult(unavailable=True)
    except (StoreError, ValueError) as err:
        log.error("registration not stored: %s", err.__class__.__name__)
        return SubmitResult(unavailable=True)
    log.info("registration stored: %s", reference)
    notify_new_registration(reference)
    return SubmitResult(reference=reference)


def done_text(name: str | None, reference: str, lang: str = "nl") -> str:
    greeting = text("done.thanks_name", lang, name=name) if name else text("done.thanks", lang)
    return text("done.sent", lang, greeting=greeting, reference=reference)


def unavailable_text(lang: str = "nl") -> str:
    return text("done.unavailable", lang)
