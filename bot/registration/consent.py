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

from bot.languages.localize import language
from bot.parsing.common import is_question as parse_question
from bot.parsing.common import normalise
from bot.registration.texts import button, text

AANMELDPUNT_PHONE = "010 267 26 53"  # seed 001 (2022)
DEFAULT_RETENTION_DAYS = 365
TEXT_NUMBER = "1"


def consent_buttons(lang: str = "nl") -> list[dict[str, str]]:
    """Yes / No in ``lang``; the payloads are the Dutch answers (a tap reads the same in both languages)."""
    return [button("consent_yes", lang), button("consent_no", lang, payload="Nee, ik geef geen toestemming")]


CONSENT_BUTTONS = consent_buttons()

# A clear yes: nothing but these words (in any order), at least one of them a 'yes' word.
_YES_CORE = {"ja", "jazeker", "jawel", "akkoord", "toestemming", "yes", "agree", "consent"}
_YES_FILLER = {
    "ik", "geef", "je", "jullie", "u", "de", "daar", "hierbij", "graag", "hoor", "is", "dat", "goed", "prima",
    "mag", "ga", "gaat", "mee", "ermee", "daarmee", "ok", "oke", "okay", "zeker", "natuurlijk", "helemaal",
    "toestemming", "akkoord", "ja", "jazeker", "jawel", "voor", "mijn", "gegevens", "bewaren", "doorgeven",
    # English (issue 11): "yes, I consent", "I agree", "yes I give my consent"
    "yes", "i", "agree", "consent", "give", "my", "that's", "thats", "fine", "sure", "of", "course", "it", "to",
    "this", "that", "please", "permission",
}
_NO_WORDS = re.compile(r"\b(nee|neen|niet|geen|nooit|liever|misschien|twijfel|weet|eerst|maar|waarom|wat|wie|hoe"
                       r"|no|not|don't|dont|never|maybe|perhaps|but|why|what|who|how|later)\b")


def retention_days() -> int:
    """``RETENTION_DAYS`` (the store's retention setting), default 365."""
    try:
        days = int(os.environ.get("RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
    except ValueError:
        days = DEFAULT_RETENTION_DAYS
    return days if days > 0 else DEFAULT_RETENTION_DAYS


def consent_text(days: int | None = None, lang: str = "nl") -> str:
    """The consent question in ``lang`` (content/registration/texts.yml)."""
    return text("consent", lang, days=days or retention_days())


def consent_version(days: int | None = None, lang: str = "nl") -> str:
    """E.g. ``1-365d-3fa9c1b2`` (Dutch) or ``1-365d-5c0e11aa-en`` (English): changes whenever the
    text or the retention period changes; the staff app reads the language from the ``-en``."""
    days = days or retention_days()
    digest = hashlib.sha256(consent_text(days, lang).encode("utf-8")).hexdigest()[:8]
    suffix = "-en" if language(lang) == "en" else ""
    return f"{TEXT_NUMBER}-{days}d-{digest}{suffix}"


def consent_language(version: str | None) -> str:
    """The language of the consent text a version names: 'en' or 'nl'."""
    return "en" if str(version or "").endswith("-en") else "nl"


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
    words = re.findall(r"[a-z]+(?:'[a-z]+)?", norm)
    if not words or re.sub(r"[a-z'\s.,!👍]", "", norm):
        return False
    return any(w in _YES_CORE for w in words) and all(w in _YES_FILLER for w in words)


# Words that open a question at the consent step (never an answer there; "klopt" is a yes).
_QUESTION_STARTS = ("kan", "kunnen", "mag", "moet", "krijgt", "krijgen", "zien", "ziet", "deelt", "delen", "gaat",
                    "can", "do", "does", "will")
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
_ABOUT_CONSENT_RE = re.compile(r"\b(toestemming|akkoord|instemmen|consent|verplicht|moet ik ja|intrekken|stoppen|nee zeggen)\b")
_CONSENT_ANSWER = (
    "Toestemming geven betekent: je zegt ja, de chat mag je gegevens aan het aanmeldpunt geven. "
    "Het is niet verplicht. Zeg je nee, dan bewaren we niets. Later stoppen kan ook: typ hier "
    "'trek mijn aanmelding in' of bel {phone}."
)
_OTHER_ANSWER = "Goede vraag. Het aanmeldpunt kan je alles uitleggen: bel {phone}."


def is_question(text: str | None) -> bool:
    """'wat is een intake?', 'wie ziet mijn gegevens': a question, not an answer."""
    return parse_question(text, _QUESTION_STARTS)


def consent_question_answer(text: str) -> str:
    """A short answer to a question asked at the consent step (then the question comes again)."""
    norm = normalise(text)
    if _ABOUT_SHARING_RE.search(norm):
        return _SHARING_ANSWER.format(phone=AANMELDPUNT_PHONE)
    if _ABOUT_INTAKE_RE.search(norm):
        return _INTAKE_ANSWER
    if _ABOUT_CONSENT_RE.search(norm):
        return _CONSENT_ANSWER.format(phone=AANMELDPUNT_PHONE)
    return _OTHER_ANSWER.format(phone=AANMELDPUNT_PHONE)


def is_clear_no(text: str | None, intent: str | None = None) -> bool:
    """A no to the consent question (for the wording of the answer; unclear is handled alike)."""
    if not text or text.lstrip().startswith("/"):
        return intent == "deny"
    norm = normalise(text)
    return intent == "deny" or bool(re.match(
        r"^(nee|neen|nope|liever niet|ik geef geen|geen toestemming|no\b|i do not|i don't|i dont|not now)", norm))
