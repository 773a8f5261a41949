"""Validate the answers of the registration form. Each validator returns a :class:`Checked`:
the normalised value, or a re-ask in the conversation language (``lang``, texts in
content/registration/texts.yml) that says what was wrong and gives an example."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import phonenumbers

from bot.parsing.common import is_dont_know, looks_like_question, normalise
from bot.parsing.dates import parse_born, parse_pregnancy, pregnancy_problem
from bot.places.postcode import gebied_for_pc4, parse_postcode, pc4_entry
from bot.registration.help_areas import DONE_LABEL, HELP_AREAS, UNKNOWN_LABEL
from bot.registration.texts import text

UNKNOWN_POSTCODE = "onbekend"
_ALLOWED_PHONE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


@dataclass(frozen=True)
class Checked:
    value: Any = None
    problem: str | None = None  # re-ask in her language; None when the value is fine
    extra: dict[str, Any] | None = None  # derived values (gebied, weeks)

    @property
    def ok(self) -> bool:
        return self.problem is None


# ------------------------------------------------------------------------------ name
_NAME_PREFIX = re.compile(
    r"^(hoi|hallo|hey|dag)?[\s,!]*(ik heet|mijn naam is|m'?n naam is|noem me maar|noem me|noem mij|je mag me|"
    r"je kunt me|zeg maar|ik ben|naam:?|my name is|my name's|call me|i am|i'm|name:?)\s+",
    re.IGNORECASE,
)
_NAME_SUFFIX = re.compile(r"\s+(noemen|graag|alsjeblieft|alstublieft|please)\W*$", re.IGNORECASE)
# Letters of any script (Latin with ş/ı, Arabic, ...), apostrophes, hyphens, dots, spaces; no digits.
_NAME_OK = re.compile(r"^[^\W\d_](?:[^\W\d_]|[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED'’.\- ])*$")
_NOT_A_NAME = {
    "ja", "nee", "hoi", "hallo", "stop", "ok", "oke", "klaar", "zwanger", "weet ik niet", "geen", "niks",
    "niets", "anoniem", "waarom", "help", "hulp", "yes", "no", "hi", "hello", "pregnant", "don't know", "nothing",
}
# Button titles of the registration (help areas, summary corrections): a tap, not a name.
_BUTTON_WORDS = {"aanpassen", "versturen", "klopt", "ochtend", "middag", "avond", "klaar"}
# Words that do not occur in a name: the answer is a sentence or a request, not a name.
_NOT_NAME_WORDS = {
    "mijn", "aanmelding", "aanmelden", "gegevens", "trek", "intrekken", "verwijder", "verwijderen", "wil", "ik",
    "je", "niet", "wat", "hoe", "waarom", "wanneer", "help", "hulp", "geen", "zwanger", "baby", "stop", "weet",
    "bellen", "nummer", "postcode", "is", "ben", "heb", "kan", "mag", "moet", "wordt", "een", "het",
    "my", "registration", "want", "what", "how", "why", "when", "not", "the", "number", "can", "do", "have",
}


_THANKS_RE = re.compile(r"^(?:ok[e]?\s+)?(?:dank\w*|bedankt|thanks?|thx|tnx|merci|top|oke?|ok|hoi|hallo)\W*$")


def _say(key: str, lang: str, **values: Any) -> str:
    return text(f"problems.{key}", lang, **values)


def _is_button_title(name: str) -> bool:
    titles = {normalise(a.label) for a in HELP_AREAS} | {normalise(DONE_LABEL), normalise(UNKNOWN_LABEL)}
    titles |= {normalise(a.code) for a in HELP_AREAS}
    return normalise(name) in titles


def check_name(answer: str | None, lang: str = "nl") -> Checked:
    """How she wants to be addressed: 1-60 characters, letters (no digits), at most 5 words."""
    raw = (answer or "").strip()
    example = _say("name_example", lang)
    if raw.startswith("/"):
        return Checked(problem=f"{_say('name_not_received', lang)} {example}")
    name = _NAME_SUFFIX.sub("", _NAME_PREFIX.sub("", raw)).strip(" .!,")
    name = re.sub(r"\s+", " ", name)
    if not name or normalise(name) in _NOT_A_NAME or is_dont_know(name):
        return Checked(problem=f"{_say('name_ask', lang)} {example}")
    words = {w.lower() for w in name.split()}
    if _is_button_title(name) or words & _BUTTON_WORDS:
        return Checked(problem=f"Dat lijkt op een knop, niet op een naam. {example}")
    if "?" in raw or len(name) > 60 or len(words) > 5 or not _NAME_OK.match(name) or words & _NOT_NAME_WORDS:
        return Checked(problem=f"{_say('name_not_a_name', lang)} {example}")
    if name.islower() or name.isupper():
        name = " ".join(w[:1].upper() + w[1:].lower() if len(w) > 3 or i == 0 else w.lower()
                        for i, w in enumerate(name.split()))
    return Checked(value=name)


# ------------------------------------------------------------------------------ phone


_NO_PHONE = re.compile(r"\bgeen (eigen )?(telefoon|mobiel|mobieltje|gsm|nummer|telefoonnummer|beltegoed|simkaart)\b"
                       r"|\b(telefoon|mobiel) (is )?(kapot|kwijt|gestolen|afgepakt)\b")
# Sources: seed 001 and 003 (professionals register a woman with her consent).
NO_PHONE_TEXT = (
    "Heb je geen eigen telefoon? Dan mag je het nummer geven van iemand bij wie het aanmeldpunt je kan bereiken, "
    "bijvoorbeeld een familielid of een vriendin. Vraag het haar eerst. Of vraag een hulpverlener, zoals je "
    "verloskundige of huisarts, om je aan te melden. Wil je stoppen? Typ 'stop'."
)


DUTCH_NATIONAL_DIGITS = 9  # 06 12345678 and 010 1234567 without the leading 0


def check_phone(answer: str | None, lang: str = "nl") -> Checked:
    """A Dutch mobile or landline number (06..., 010..., +31..., 0031...), as E.164."""
    raw = (answer or "").strip()
    example = _say("phone_example", lang)
    if _NO_PHONE.search(normalise(raw)) and not re.search(r"\d{6}", re.sub(r"\D", "", raw)):
        return Checked(problem=NO_PHONE_TEXT)
    if not raw or raw.startswith("/") or not re.search(r"\d", raw):
        return Checked(problem=_say("phone_none", lang, example=example))
    candidates = [m.number for m in phonenumbers.PhoneNumberMatcher(raw, "NL", leniency=phonenumbers.Leniency.POSSIBLE)]
    if not candidates:
        try:
            candidates = [phonenumbers.parse(re.sub(r"[^\d+]", "", raw), "NL")]
        except phonenumbers.NumberParseException:
            candidates = []
    right_length = False
    for number in candidates:
        if phonenumbers.region_code_for_number(number) != "NL" or number.country_code != 31:
            return Checked(problem=_say("phone_not_dutch", lang, example=example))
        if not phonenumbers.is_valid_number(number):
            # "06 98765432": ten digits, but no Dutch number starts like that. Say so, not "digits missing".
            right_length = right_length or len(str(number.national_number)) == DUTCH_NATIONAL_DIGITS
            continue
        if phonenumbers.number_type(number) not in _ALLOWED_PHONE_TYPES:
            return Checked(problem=_say("phone_wrong_type", lang, example=example))
        return Checked(value=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return Checked(problem=_say("phone_not_in_use" if right_length else "phone_invalid", lang, example=example))


def display_phone(e164: str | None) -> str:
    """+31612345678 -> '06 12345678' (how Dutch people write it)."""
    if not e164:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, "NL"), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return e164


# ------------------------------------------------------------------------------ postcode
_NO_ADDRESS = re.compile(r"\b(geen (vast )?(adres|huis|woning|postcode)|dakloos|slaap (bij|op)|opvang|zwerf"
                         r"|no (fixed )?(address|home|house|postcode)|homeless|shelter|sleep (at|on))")


def check_postcode(answer: str | None, lang: str = "nl") -> Checked:
    """A full Dutch postcode in Rotterdam (or 'onbekend' when she has no fixed address)."""
    raw = (answer or "").strip()
    example = _say("postcode_example", lang)
    if raw.startswith("/"):
        return Checked(problem=_say("postcode_ask", lang, example=example))
    norm = normalise(raw)
    found = parse_postcode(raw)
    if found is None and (is_dont_know(norm) or _NO_ADDRESS.search(norm)):
        return Checked(value=UNKNOWN_POSTCODE, extra={"gebied": None})
    if found is None:
        return Checked(problem=_say("postcode_invalid", lang, example=example))
    if len(found) == 4:
        return Checked(problem=_say("postcode_letters", lang, example=example))
    entry = pc4_entry(found[:4])
    gebied = gebied_for_pc4(found[:4])
    if entry is not None and entry.residential == "yes" and entry.split:
        # A postcode on the border of two gebieden: never guess one (the aanmeldpunt asks).
        return Checked(value=found, extra={"gebied": " of ".join(entry.gebieden)})
    if entry is not None and gebied is None:
        return Checked(problem=_say("postcode_business", lang, example=example))
    if gebied is None:
        return Checked(problem=_say("postcode_outside", lang, postcode=found))
    return Checked(value=found, extra={"gebied": gebied})


# ------------------------------------------------------------------------------ due date


def check_due(answer: str | None, today: dt.date, lang: str = "nl") -> Checked:
    """Due date or weeks pregnant: value = ISO due date, extra = {'weeks': int}."""
    raw = (answer or "").strip()
    example = _say("due_example", lang)
    if raw.startswith("/"):
        return Checked(problem=example)
    if is_dont_know(raw):
        return Checked(problem=_say("due_estimate", lang))
    if parse_born(raw, today) is not None:
        return Checked(problem=(
            "Ik lees dat je baby al geboren is. Aanmelden bij het aanmeldpunt kan tot de geboorte. "
            f"Heb ik het verkeerd begrepen? {example} Wil je stoppen? Typ 'stop'."
        ))
    timing = parse_pregnancy(raw, today)
    if timing is None:
        return Checked(problem=f"{_say('due_not_understood', lang)} {example}")
    problem = pregnancy_problem(timing, today)
    if problem:
        return Checked(problem=problem)
    return Checked(value=timing.due_date.isoformat(), extra={"weeks": max(0, int(timing.weeks))})


# ------------------------------------------------------------------------------ reachable
REACHABLE_CHOICES = {"ochtend": "'s ochtends", "middag": "'s middags", "avond": "'s avonds"}
REACHABLE_BUTTONS = [
    {"title": "Ochtend", "payload": "Ochtend"},
    {"title": "Middag", "payload": "Middag"},
    {"title": "Avond", "payload": "Avond"},
]


_REACHABLE_EN = {"morning": "ochtend", "in the morning": "ochtend", "afternoon": "middag", "in the afternoon": "middag",
                 "evening": "avond", "in the evening": "avond"}
_ANY_TIME = {"altijd", "maakt niet uit", "maakt niks uit", "wanneer dan ook", "hele dag", "any time", "anytime",
             "always", "doesn't matter", "does not matter", "whenever", "all day"}


def check_reachable(answer: str | None, lang: str = "nl") -> Checked:
    """When she can be reached: a button (ochtend/middag/avond) or her own words (max 120 characters)."""
    raw = re.sub(r"\s+", " ", (answer or "").strip())
    if not raw or raw.startswith("/"):
        return Checked(problem=_say("reachable_ask", lang))
    norm = normalise(raw).strip(" .!")
    norm = _REACHABLE_EN.get(norm, norm)
    if norm in REACHABLE_CHOICES:
        return Checked(value=REACHABLE_CHOICES[norm])
    if is_dont_know(norm) or norm in _ANY_TIME:
        return Checked(value="maakt niet uit")
    if _THANKS_RE.match(norm):  # "dankjewel!!" is no moment to call
        return Checked(problem=_say("reachable_ask", lang))
    if looks_like_question(raw):  # "mag ik ook appen?", "wat gaan ze dan bespreken"
        return Checked(problem=_say("reachable_question", lang))
    if len(raw) > 120:
        return Checked(problem=_say("reachable_too_long", lang))
    return Checked(value=raw)
