"""Pure redaction of personal data in free text (no Rasa imports).

What goes: the personal values a parent gave in this conversation (``known`` values: her
name, phone number, postcode, due date), names after "ik heet" / "mijn naam is" / "noem me",
phone numbers (``phonenumbers`` matcher for NL plus a digit-run regex for anything that
looks like one), Dutch postcodes, and dates (a due date or birth date). Redaction errs on
the side of removing too much: a redacted word in a stored transcript costs nothing, a
phone number left in clear text is a data leak.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import phonenumbers

NAME = "[naam]"
PHONE = "[telefoon]"
POSTCODE = "[postcode]"
DATE = "[datum]"
REDACTED = "[verwijderd]"

_LETTER = r"A-Za-zÀ-ÖØ-öø-ÿ"
_NAME_WORD = rf"[{_LETTER}][{_LETTER}'’\-]*"
# Words that end a name after "ik heet ..." (so "ik heet Fatima en ik ben zwanger" keeps the rest).
_NAME_STOP = {
    "en", "ik", "mijn", "maar", "want", "dus", "of", "ben", "is", "zijn", "heb", "woon", "wil",
    "graag", "hoor", "dank", "bedankt", "alsjeblieft", "alstublieft", "uit", "van", "met", "in",
    "de", "het", "een", "zwanger", "weken", "maanden", "jaar", "oud", "bel", "nummer", "noemen",
    "heet", "heten",
}
# Particles inside a surname ("de Vries", "El Amrani"): part of the name when a capital follows.
_TUSSEN = {"de", "van", "der", "den", "el", "al", "ter", "ten", "la", "le", "da", "di", "du", "del", "bin", "ben"}
_NAME_INTRO = re.compile(
    r"\b(?:ik\s+heet|(?:mijn|m'?n|me)\s+naam\s+is|noem\s+m(?:e|ij)(?:\s+maar)?|"
    r"je\s+(?:kunt|kan|mag)\s+m(?:e|ij)(?:\s+maar)?|zeg\s+maar|naam\s*:)\s+",
    re.IGNORECASE,
)
# "ik ben Fatima": only with a capital letter and not a word that describes a state.
_IK_BEN = re.compile(rf"\b(?i:ik\s+ben)\s+([A-ZÀ-ÖØ-Þ][{_LETTER}'’\-]+)")
_IK_BEN_NOT_NAME = {
    "zwanger", "bang", "moe", "blij", "alleen", "ziek", "bevallen", "niet", "wel", "er", "nu", "al",
    "net", "nog", "op", "in", "uit", "thuis", "getrouwd", "student", "benieuwd", "verhuisd",
}

_POSTCODE = re.compile(r"\b[1-9][0-9]{3}\s?(?!SA|SD|SS)[A-Za-z]{2}\b")
# Lower-case two-letter words that follow a number in ordinary Dutch ("in 2024 de baby").
_NOT_POSTCODE_LETTERS = {
    "de", "en", "in", "op", "te", "al", "ik", "je", "ze", "we", "is", "er", "om", "na", "of", "nu",
    "zo", "ja", "af", "an", "at", "am", "pm", "uu", "km", "kg", "cm", "mm", "ml",
}
_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
_DATES = [
    re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),
    re.compile(r"\b\d{1,2}\s*[-/.]\s*\d{1,2}(?:\s*[-/.]\s*\d{2,4})?\b"),
    re.compile(rf"\b\d{{1,2}}(?:e|ste|de)?\s+(?:{_MONTHS})\.?(?:\s+\d{{2,4}})?\b", re.IGNORECASE),
    re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?\b", re.IGNORECASE),
]
# Anything with 9 or more digits, optionally starting with + or 00, spaced or dashed: a phone number.
_DIGIT_RUN = re.compile(r"(?<![\w])(?:\+|00)?\d(?:[\s\-./()]{0,2}\d){8,}(?![\w])")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _sub_known(text: str, value: str, placeholder: str) -> str:
    """Replace ``value`` wherever it occurs (case-insensitive, flexible white space)."""
    value = value.strip()
    if len(value) < 2:
        return text
    parts = [re.escape(p) for p in value.split()]
    pattern = r"\s*".join(parts) if len(parts) > 1 else parts[0]
    boundary_left = r"(?<![\w])" if value[0].isalnum() else ""
    boundary_right = r"(?![\w])" if value[-1].isalnum() else ""
    return re.sub(boundary_left + pattern + boundary_right, placeholder, text, flags=re.IGNORECASE)


def _known_variants(kind: str, value: str) -> list[str]:
    """Spellings of a known value that may appear in text."""
    value = str(value).strip()
    if not value:
        return []
    variants = [value]
    if kind == "name":
        # Single words of the name (from 3 letters) too: she may repeat only her first name.
        variants += [w for w in re.findall(_NAME_WORD, value) if len(w) >= 3 and w.lower() not in _NAME_STOP]
    elif kind == "phone":
        try:
            number = phonenumbers.parse(value, "NL")
            national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            variants += [national, national.replace(" ", ""), e164, "0" + str(number.national_number)]
        except phonenumbers.NumberParseException:
            pass
    elif kind == "postcode":
        compact = re.sub(r"\s+", "", value)
        variants += [compact, f"{compact[:4]} {compact[4:]}".strip()]
    return sorted(set(variants), key=len, reverse=True)


_WORD_AT = re.compile(rf"\s*({_NAME_WORD})")


def redact_names(text: str) -> str:
    """Replace names introduced by "ik heet X", "mijn naam is X", "noem me X", "ik ben X"."""
    spans: list[tuple[int, int]] = []
    for intro in _NAME_INTRO.finditer(text):
        pos, end = intro.end(), intro.end()
        for _ in range(6):  # a few words: "Anne-Marie van der Berg"
            word = _WORD_AT.match(text, pos)
            if word is None:
                break
            lower = word.group(1).lower()
            if lower in _TUSSEN and end > intro.end():
                pos = word.end()  # part of the name only when another word follows
                continue
            if lower in _NAME_STOP:
                break
            end = pos = word.end()
        if end > intro.end():
            spans.append((intro.end(), end))
    for m in _IK_BEN.finditer(text):
        if m.group(1).lower() not in _IK_BEN_NOT_NAME:
            spans.append(m.span(1))
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(text[last:start])
        out.append(NAME)
        last = end
    out.append(text[last:])
    return "".join(out)


def redact_phones(text: str) -> str:
    spans = [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.VALID)]
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(text[last:start])
        out.append(PHONE)
        last = end
    out.append(text[last:])
    return _DIGIT_RUN.sub(PHONE, "".join(out))


def redact_postcodes(text: str) -> str:
    def replace(m: re.Match) -> str:
        letters = m.group(0)[-2:]
        if letters.islower() and letters in _NOT_POSTCODE_LETTERS:
            return m.group(0)
        return POSTCODE

    return _POSTCODE.sub(replace, text)


def redact_dates(text: str) -> str:
    for pattern in _DATES:
        text = pattern.sub(DATE, text)
    return text


def redact(text: str | None, known: dict[str, Iterable[str]] | None = None) -> str | None:
    """Redact personal data in ``text``.

    ``known`` maps a kind (``name``, ``phone``, ``postcode``, ``date`` or anything else,
    which is replaced by ``[verwijderd]``) to values this person gave: they are removed
    wherever they appear, in any spelling the kind allows.
    """
    if not text:
        return text
    text = _norm(str(text))
    placeholders = {"name": NAME, "phone": PHONE, "postcode": POSTCODE, "date": DATE}
    for kind, values in (known or {}).items():
        for value in values or ():
            if value is None or isinstance(value, bool):
                continue
            for variant in _known_variants(kind, str(value)):
                text = _sub_known(text, variant, placeholders.get(kind, REDACTED))
    text = redact_phones(text)
    text = redact_dates(text)
    text = redact_postcodes(text)
    return redact_names(text)
