"""Reading what she typed: reference codes, the two digits, explicit deletion requests.

Destructive flows (withdrawal, erasure) start only on an explicit request: the NLU may
classify "is mijn aanmelding gelukt?" as a withdrawal, but without a word that asks for
withdrawal or deletion in her own text, nothing is asked and nothing is deleted.
"""

from __future__ import annotations

import re

from bot.parsing.common import normalise, yes_no
from bot.store.registrations import REFERENCE_PREFIX, normalize_reference

_SEP = r"[\s\-_.]*"
_WITH_PREFIX = re.compile(rf"\b{REFERENCE_PREFIX}{_SEP}([a-z0-9]{{4}}){_SEP}([a-z0-9]{{2}})(?![a-z0-9])", re.IGNORECASE)
_ALONE = re.compile(rf"^\s*([a-z0-9]{{4}}){_SEP}([a-z0-9]{{2}})\s*[.!]?\s*$", re.IGNORECASE)
_PREFIX_MENTION = re.compile(rf"\b{REFERENCE_PREFIX}\b|\b{REFERENCE_PREFIX}[\s\-_.]*[a-z0-9]", re.IGNORECASE)

# Buttons and payloads the bot itself offers for these requests.
WITHDRAW_PAYLOADS = {"/withdraw_registration"}
ERASE_PAYLOADS = {"/delete_my_data"}

_WITHDRAW = re.compile(
    r"\b("
    r"in\s?trek\w*|intrekking|terug\s?trek\w*|trek\w*\b.{0,40}\bin\b"
    r"|af\s?meld\w*|meld\w*\b.{0,40}\baf\b"
    r"|annul\w*|cancel\w*|ongedaan"
    r"|uit\s?schrijv\w*|schrijf\b.{0,20}\buit\b"
    r"|verwijd\w*|wis\b|wissen|weg\s?hal\w*|haal\b.{0,40}\b(weg|eruit)\b|gooi\b.{0,40}\bweg\b"
    r"|stop\s?zet\w*|zet\b.{0,40}\bstop\b|stoppen met\b.{0,20}\baanmeld\w*"
    r"|niet meer aangemeld|toch niet aangemeld|geen aanmelding meer"
    r"|withdraw\w*|delete\w*|remove\w*"
    r")"
)
_ERASE = re.compile(
    r"\b("
    r"verwijd\w*|wis\b|wissen|uit\s?wiss\w*|weg\s?hal\w*|haal\b.{0,40}\bweg\b|gooi\b.{0,40}\bweg\b"
    r"|moet\b.{0,20}\bweg\b|verdwijn\w*|niet\b.{0,40}\bbewaren\b"
    r"|vergeet\b|vergeten|vernietig\w*|weg\s?doen|doe\b.{0,40}\bweg\b"
    r"|delete\w*|remove\w*|erase\w*|forget\b"
    r")"
)


def find_reference(text: str | None) -> str | None:
    """A valid reference code in ``text`` ('MVR-7K3P-Q9', 'mvr 7k3p q9'), or None.

    Without the MVR prefix only a message that is nothing but the code counts.
    """
    raw = text or ""
    for match in _WITH_PREFIX.finditer(raw):
        code = normalize_reference(match.group(1) + match.group(2))
        if code:
            return code
    alone = _ALONE.match(raw)
    if alone:
        return normalize_reference(alone.group(1) + alone.group(2))
    return None


def mentions_reference(text: str | None) -> bool:
    """She seems to give a code (starts with MVR) even if it is not a valid one."""
    return bool(_PREFIX_MENTION.search(text or ""))


def parse_two_digits(text: str | None) -> str | None:
    """The last two digits of her phone number: '78', '7 8', 'het is 78', or her whole number."""
    raw = (text or "").strip()
    if not raw or raw.startswith("/"):
        return None
    runs = re.findall(r"\d(?:[\s\-.]?\d)*", raw)
    if len(runs) != 1:
        return None
    digits = re.sub(r"\D", "", runs[0])
    if len(digits) == 2 or len(digits) >= 9:  # the two digits, or her whole number
        return digits[-2:]
    return None


def _is_payload(text: str, payloads: set[str]) -> bool:
    stripped = (text or "").strip()
    return stripped.split("{", 1)[0] in payloads


def is_explicit_withdrawal(text: str | None) -> bool:
    """She asks to withdraw her registration in so many words (or tapped the bot's button)."""
    if _is_payload(text or "", WITHDRAW_PAYLOADS):
        return True
    return bool(_WITHDRAW.search(normalise(text or "")))


def is_explicit_erasure(text: str | None) -> bool:
    """She asks to delete her data in so many words (or tapped the bot's button)."""
    if _is_payload(text or "", ERASE_PAYLOADS):
        return True
    return bool(_ERASE.search(normalise(text or "")))


def parse_confirmation(text: str | None) -> bool | None:
    """Her answer to 'are you sure?': True, False, or None when unclear. Payloads never count."""
    raw = (text or "").strip()
    if not raw or raw.startswith("/"):
        return None
    norm = normalise(raw)
    if re.search(r"\b(niet (intrekken|verwijderen|wissen)|toch niet|laat maar|laat (het |alles )?staan|behouden|bewaren)\b", norm):
        return False
    if re.search(r"^(ja|jazeker|jawel|ok|oke|graag|zeker|doe maar)\b", norm) and re.search(
        r"\b(intrek\w*|trek|verwijder\w*|wis\w*|weg|alles)\b", norm
    ):
        return True
    return yes_no(norm)
