"""The consent question and what counts as a clear yes.

Only a clear yes to the consent question counts: a typed or tapped 'ja' and its plain
variants. 'Misschien', 'ja maar ...?', a question, or a ``/intent`` payload are unclear and
count as no. The text she agreed to is versioned (version = number + retention + hash of
the text), and the version and time are stored with her registration.
"""

from __future__ import annotations

import hashlib
import os
import re

from bot.parsing.common import normalise

AANMELDPUNT_PHONE = "010 267 26 53"  # seed 001 (2022)
DEFAULT_RETENTION_DAYS = 365
TEXT_NUMBER = "1"

_TEMPLATE = (
    "Voordat je je aanmeldt, vraag ik je toestemming.\n"
    "• Wat bewaren we? Je naam, telefoonnummer, postcode, wanneer je bent uitgerekend, "
    "waarbij je hulp wilt en wanneer je bereikbaar bent.\n"
    "• Wie krijgt het? Alleen het aanmeldpunt Moeders van Rotterdam.\n"
    "• Waarom? Zodat zij contact met je opnemen voor een huisbezoek en hulp die bij je past.\n"
    "• Hoe lang? Tot {days} dagen nadat je aanmelding is afgesloten. Daarna verwijderen we je gegevens.\n"
    "• Wil je stoppen? Typ hier 'trek mijn aanmelding in' of bel {phone}. Dan verwijderen we je gegevens.\n"
    "Geef je toestemming?"
)

CONSENT_BUTTONS = [
    {"title": "Ja, ik geef toestemming", "payload": "Ja, ik geef toestemming"},
    {"title": "Nee", "payload": "Nee, ik geef geen toestemming"},
]

# A clear yes: nothing but these words (in any order), at least one of them a 'yes' word.
_YES_CORE = {"ja", "jazeker", "jawel", "akkoord", "toestemming"}
_YES_FILLER = {
    "ik", "geef", "je", "jullie", "u", "de", "daar", "hierbij", "graag", "hoor", "is", "dat", "goed", "prima",
    "mag", "ga", "gaat", "mee", "ermee", "daarmee", "ok", "oke", "okay", "zeker", "natuurlijk", "helemaal",
    "toestemming", "akkoord", "ja", "jazeker", "jawel", "voor", "mijn", "gegevens", "bewaren", "doorgeven",
}
_NO_WORDS = re.compile(r"\b(nee|neen|niet|geen|nooit|liever|misschien|twijfel|weet|eerst|maar|waarom|wat|wie|hoe)\b")


def retention_days() -> int:
    """``RETENTION_DAYS`` (the store's retention setting), default 365."""
    try:
        days = int(os.environ.get("RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
    except ValueError:
        days = DEFAULT_RETENTION_DAYS
    return days if days > 0 else DEFAULT_RETENTION_DAYS


def consent_text(days: int | None = None) -> str:
    return _TEMPLATE.format(days=days or retention_days(), phone=AANMELDPUNT_PHONE)


def consent_version(days: int | None = None) -> str:
    """E.g. ``1-365d-3fa9c1b2``: changes whenever the text or the retention period changes."""
    days = days or retention_days()
    digest = hashlib.sha256(consent_text(days).encode("utf-8")).hexdigest()[:8]
    return f"{TEXT_NUMBER}-{days}d-{digest}"


def is_clear_yes(text: str | None, intent: str | None = None) -> bool:
    """True only for an unambiguous yes typed or tapped in answer to the consent question.

    ``/affirm`` and other payloads never count (anyone can type them); an intent alone never
    counts either; the intent can only veto (a 'deny' classification is never a yes).
    """
    if not text or text.lstrip().startswith("/"):
        return False
    if intent in {"deny", "stop"} or (intent or "").startswith("safety_"):
        return False
    if "?" in text:
        return False
    norm = re.sub(r"\bja+\b", "ja", normalise(text)).strip(" .!,")
    if not norm or len(norm) > 80 or _NO_WORDS.search(norm):
        return False
    words = re.findall(r"[a-z]+", norm)
    if not words or re.sub(r"[a-z\s.,!👍]", "", norm):
        return False
    return any(w in _YES_CORE for w in words) and all(w in _YES_FILLER for w in words)


_QUESTION_RE = re.compile(r"\?\s*$|^(wat|wats|hoe|welke|waarom|wie|wanneer|waar|kan|kunnen|mag|moet|krijgt|krijgen|"
                          r"zien|ziet|deelt|delen|gaat|what|who|why|how|can|do|does|will)\b")
_ABOUT_SHARING_RE = re.compile(r"\b(zien|ziet|krijgt|krijgen|deel|deelt|delen|doorgeven|geven|ind|belastingdienst|"
                               r"sociale dienst|politie|gemeente|uwv|see|share|data|gegevens)\b")
_ABOUT_INTAKE_RE = re.compile(r"\b(intake|huisbezoek|thuis|komen|bezoek|gesprek)\b")
_SHARING_ANSWER = (
    "Deze chat geeft je gegevens alleen aan het aanmeldpunt Moeders van Rotterdam. Niet aan een andere "
    "instantie. Wil je weten wat het aanmeldpunt met je gegevens doet? Bel {phone}."
)
_INTAKE_ANSWER = (
    "Na je aanmelding belt het aanmeldpunt je. Vaak komt er iemand bij je thuis voor een eerste gesprek. "
    "Soms is een advies genoeg. Samen kijken jullie welke hulp bij je past."
)
_OTHER_ANSWER = "Goede vraag. Het aanmeldpunt kan je alles uitleggen: bel {phone}."


def is_question(text: str | None) -> bool:
    """'wat is een intake?', 'wie ziet mijn gegevens': a question, not an answer."""
    norm = normalise(text or "")
    return bool(norm) and not (text or "").lstrip().startswith("/") and bool(_QUESTION_RE.search(norm) or "?" in (text or ""))


def consent_question_answer(text: str) -> str:
    """A short answer to a question asked at the consent step (then the question comes again)."""
    norm = normalise(text)
    if _ABOUT_SHARING_RE.search(norm):
        return _SHARING_ANSWER.format(phone=AANMELDPUNT_PHONE)
    if _ABOUT_INTAKE_RE.search(norm):
        return _INTAKE_ANSWER
    return _OTHER_ANSWER.format(phone=AANMELDPUNT_PHONE)


def is_clear_no(text: str | None, intent: str | None = None) -> bool:
    """A no to the consent question (for the wording of the answer; unclear is handled alike)."""
    if not text or text.lstrip().startswith("/"):
        return intent == "deny"
    norm = normalise(text)
    return intent == "deny" or bool(re.match(r"^(nee|neen|nope|liever niet|ik geef geen|geen toestemming)", norm))
