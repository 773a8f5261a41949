"""Parse a Dutch free-text amount of money ('EUR 1.250,50', 'ongeveer 1200 euro', 'twaalfhonderd').

The parser only reads what was written. Plausibility (negative amounts, absurd
amounts) is the caller's business: a negative amount comes back negative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bot.parsing.common import is_dont_know, normalise
from bot.parsing.numbers import find_word_numbers


@dataclass(frozen=True)
class MoneyParse:
    """Result of :func:`parse_money`.

    ``amount`` is ``None`` when no (single, unambiguous) amount was found.
    ``receives_bijstand`` is set for 'bijstand', 'bijstandsuitkering', 'uitkering'.
    ``unknown`` is set for 'weet ik niet' and the like.
    """

    amount: Decimal | None
    receives_bijstand: bool
    unknown: bool


_BIJSTAND = re.compile(r"\b(bijstand\w*|participatiewet|uitkering\w*|bijstandsuitkering)\b")
_NO_BIJSTAND = re.compile(r"\b(geen|niet in de|zonder)\s+(\w+\s+){0,2}(bijstand\w*|uitkering\w*|participatiewet)")
_ZERO = re.compile(r"\b(geen (eigen |enkel )?inkomen|geen inkomsten|niks|niets|nul)\b|^0+$")

# A number: Dutch (1.250,50) or English (1,250.50) grouping, plain (1250 / 1250,5), 1,2k or '10 duizend'.
_NUMBER = re.compile(
    r"(?P<neg>(?<![\w])-\s*|\bmin\s+|\bminus\s+)?"
    r"(?:(?P<cur>€|\beur\b|\beuro\b)\s*(?P<neg2>-\s*)?)?"
    r"(?P<num>(?<![\d.,])(?:\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,9}(?:[.,]\d{1,2})?)(?![\d]))"
    r"(?:,-|\.-)?"
    r"(?P<k>\s*(?:k\b|duizend\b|mille\b))?"
    r"(?P<after>\s*(?:€|eur\b|euro\b|,-))?"
)
# Words after a number that make it something else than an amount of money.
_NOT_MONEY_UNIT = re.compile(
    r"^\s*(uur|uren|u\b|kind|kinderen|jaar|jaren|jr|weken|week|wk|maanden|maand|dagen|dag|%|procent|keer|x\b|personen"
    r"|mensen|m2|km|kilo|kg|cm)"
)
_RANGE_WORDS = re.compile(r"\btussen\b|\b(tot|a|à|of)\b|-")
_SUM_WORDS = re.compile(r"\+|\bplus\b|\bsamen\b|\b(man|partner|vriend|vrouw|echtgeno\w*|vriendin)\b")


def _to_decimal(raw: str) -> Decimal | None:
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?", raw):
        raw = raw.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d{1,2})?", raw):
        raw = raw.replace(",", "")
    else:
        raw = raw.replace(",", ".")
    try:
        return Decimal(raw)
    except (InvalidOperation, ValueError):
        return None


def _amounts(norm: str) -> list[tuple[Decimal, bool]]:
    """(value, has_currency) for every money-like number in the normalised text."""
    found: list[tuple[Decimal, bool]] = []
    for match in _NUMBER.finditer(norm):
        value = _to_decimal(match.group("num"))
        if value is None:
            continue
        if match.group("k"):
            value *= 1000
        rest = norm[match.end("num"):]
        if not match.group("k") and not match.group("after") and _NOT_MONEY_UNIT.match(rest):
            continue
        if match.group("neg") or match.group("neg2"):
            value = -value
        found.append((value, bool(match.group("cur") or match.group("after"))))
    return found


def parse_money(text: str) -> MoneyParse:
    """Read one amount of money from a Dutch chat answer. Never raises.

    Several amounts: a range ('tussen 1200 en 1400', '1200-1400') gives the middle; a
    sum ('1200 + 800', 'ik 1200 en mijn man 800') gives the total; one amount with a
    currency among bare numbers wins; anything else is ambiguous (``amount=None``).
    """
    norm = normalise(text)[:500]
    if not norm:
        return MoneyParse(None, False, False)
    bijstand = bool(_BIJSTAND.search(norm)) and not _NO_BIJSTAND.search(norm)
    amounts = _amounts(norm)
    amount: Decimal | None = None
    if len(amounts) == 1:
        amount = amounts[0][0]
    elif len(amounts) > 1:
        with_currency = [a for a, cur in amounts if cur]
        values = [a for a, _ in amounts]
        if len(amounts) == 2 and re.search(r"\d\s*-\s*\d", norm) and all(v >= 0 for v in values):
            amount = (values[0] + values[1]) / 2
        elif _SUM_WORDS.search(norm) and not re.search(r"\btussen\b", norm):
            amount = sum(values, Decimal(0))
        elif len(amounts) == 2 and _RANGE_WORDS.search(norm):
            amount = (values[0] + values[1]) / 2
        elif len(with_currency) == 1:
            amount = with_currency[0]
    if not amounts:
        words = [n for n in find_word_numbers(norm) if n > 0]
        if len(words) == 1:
            amount = Decimal(words[0])
            if re.search(r"^-|\b(min|minus)\s+[a-z]", norm):
                amount = -amount
        elif not words and _ZERO.search(norm) and not bijstand:
            amount = Decimal(0)
    unknown = amount is None and not bijstand and is_dont_know(norm)
    return MoneyParse(amount, bijstand, unknown)


def format_eur(amount: Decimal) -> str:
    """Dutch notation for an amount of money: '€ 1.401,50', whole euros without cents ('€ 200')."""
    try:
        cents = Decimal(amount).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        return str(amount)
    sign = "-" if cents < 0 else ""
    whole, _, frac = f"{abs(cents):.2f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}€ {'.'.join(groups)}" + ("" if frac == "00" else f",{frac}")
