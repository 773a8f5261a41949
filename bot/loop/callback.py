"""Consent for a callback request or a message: its own short text, versioned like the
registration's consent (number + retention + hash of the text)."""

from __future__ import annotations

import hashlib

from bot.loop.texts import button, text
from bot.registration.consent import retention_days

TEXT_NUMBER = "1"
CALL, CHAT = "call", "chat"
_KEYS = {CALL: "callback_consent", CHAT: "message_consent"}
_PREFIX = {CALL: "cb", CHAT: "msg"}

CONSENT_BUTTONS = [
    {"title": "Ja, dat is goed", "payload": "Ja, dat is goed"},
    {"title": "Nee", "payload": "Nee, liever niet"},
]
MOMENT_BUTTONS = [
    {"title": "Ochtend", "payload": "Ochtend"},
    {"title": "Middag", "payload": "Middag"},
    {"title": "Maakt niet uit", "payload": "Maakt niet uit"},
]


def consent_buttons(lang: str = "nl") -> list[dict[str, str]]:
    """CONSENT_BUTTONS with their titles in ``lang``; the payloads stay the Dutch answers."""
    keys = ("consent_yes", "consent_no")
    return [button(key, b["payload"], lang) for key, b in zip(keys, CONSENT_BUTTONS, strict=True)]


def moment_buttons(lang: str = "nl") -> list[dict[str, str]]:
    """MOMENT_BUTTONS with their titles in ``lang``; the payloads stay the Dutch answers."""
    keys = ("morning", "afternoon", "any_time")
    return [button(key, b["payload"], lang) for key, b in zip(keys, MOMENT_BUTTONS, strict=True)]


def consent_text(mode: str, days: int | None = None, lang: str = "nl") -> str:
    from bot.loop.adapters import aanmeldpunt_phone

    return text(_KEYS[mode], lang, days=days or retention_days(), phone=aanmeldpunt_phone())


def consent_version(mode: str, days: int | None = None, lang: str = "nl") -> str:
    """E.g. ``cb1-365d-3fa9c1b2``: changes whenever the text (in the language she read it) or
    the retention period changes."""
    days = days or retention_days()
    digest = hashlib.sha256(consent_text(mode, days, lang).encode("utf-8")).hexdigest()[:8]
    return f"{_PREFIX[mode]}{TEXT_NUMBER}-{days}d-{digest}"
