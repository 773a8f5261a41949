"""Turn a parent's answers (slot values, free text or button payloads) into rule inputs.

Each ``parse_*`` returns a :class:`Parsed`: a canonical slot value, or a re-ask text with an
example in the conversation language (``lang``: texts.yml ``problems``, Dutch or English).
:func:`answers_from_slots` builds :class:`~bot.kraamzorg.rules.Answers` from the canonical slot values. No Rasa imports; never raises on user input.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.kraamzorg.rules import Answers, Income, Insurance, Pregnancy, YesNo
from bot.kraamzorg.tables import Household, Tables, tables, tables_in, text_in
from bot.parsing.common import is_dont_know, normalise, yes_no
from bot.parsing.dates import parse_pregnancy, pregnancy_problem
from bot.parsing.money import parse_money
from bot.parsing.numbers import find_word_numbers

SLOT_PREFIX = "kz_"
# Question id -> slot name. The slot holds the canonical value produced by parse_*.
SLOTS = {
    "in_rotterdam": "kz_in_rotterdam", "insurance": "kz_insurance", "household": "kz_household",
    "income": "kz_income", "debt_arrangement": "kz_debt_arrangement", "savings": "kz_savings",
    "pregnancy": "kz_pregnancy", "used_this_year": "kz_used_this_year", "hours": "kz_hours",
}
UNKNOWN = "unknown"
BIJSTAND = "bijstand"
BORN = "born"
MAX_PLAUSIBLE_MONTHLY_INCOME = Decimal("15000")


@dataclass(frozen=True)
class Parsed:
    """A canonical slot value, or ``problem``: why it was not accepted (Dutch, with an example)."""

    value: str | None
    problem: str | None = None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _yes_no_value(value: Any, intent: str | None) -> str | None:
    """'yes'/'no' from a from_intent value, the text itself, or (if the text is unclear) the intent."""
    if value is True or value == "yes":
        return "yes"
    if value is False or value == "no":
        return "no"
    answer = yes_no(_text(value))
    if answer is not None:
        return "yes" if answer else "no"
    return {"affirm": "yes", "deny": "no"}.get(intent or "")


def _problem(lang: str, key: str, **values: Any) -> str:
    return text_in(lang, "problems", key, **values)


def _dont_know(text: str) -> bool:
    return is_dont_know(text) or bool(_NOT_SURE.search(normalise(text)))


# English "not sure" (is_dont_know reads Dutch and "I don't know").
_NOT_SURE = re.compile(r"^(?:i(?:'m| am) )?not sure\b|^no idea\b|^dunno\b")


def parse_yes_no_unknown(value: Any, intent: str | None, example: str, lang: str = "nl") -> Parsed:
    """Ja / nee / weet ik niet (yes / no / I don't know).

    ``example``: a key of texts.yml ``problems`` (shown in ``lang``) or a literal example.
    """
    if value == UNKNOWN or _dont_know(_text(value)):
        return Parsed(UNKNOWN)
    answer = _yes_no_value(value, intent)
    if answer:
        return Parsed(answer)
    known = example in tables_in(lang).texts["problems"]
    return Parsed(None, _problem(lang, "yes_no_unknown", example=_problem(lang, example) if known else example))


_ROTTERDAM_AREAS = (
    "rotterdam", "centrum", "delfshaven", "overschie", "noord", "hillegersberg", "schiebroek", "kralingen",
    "crooswijk", "feijenoord", "ijsselmonde", "pernis", "prins alexander", "charlois", "hoogvliet",
    "hoek van holland", "rozenburg", "zuid", "ommoord", "zevenkamp", "afrikaanderwijk", "bloemhof", "hillesluis",
    "carnisse", "tarwewijk", "pendrecht", "zuidwijk", "lombardijen", "beverwaard", "spangen", "bospolder",
    "tussendijken", "oude westen", "nieuwe westen", "middelland", "katendrecht", "kop van zuid", "blijdorp",
)
# Neighbouring municipalities: not the gemeente Rotterdam.
_OTHER_PLACES = (
    "schiedam", "vlaardingen", "capelle", "barendrecht", "ridderkerk", "albrandswaard", "rhoon", "poortugaal",
    "spijkenisse", "nissewaard", "krimpen", "lansingerland", "berkel", "bergschenhoek", "bleiswijk", "maassluis",
    "dordrecht", "zwijndrecht", "delft", "den haag", "amsterdam", "utrecht", "gouda", "zoetermeer",
)


def parse_in_rotterdam(value: Any, intent: str | None, lang: str = "nl") -> Parsed:
    text = normalise(_text(value))
    if value == UNKNOWN or _dont_know(text):
        return Parsed(UNKNOWN)
    answer = _yes_no_value(value, intent)
    if answer:
        return Parsed(answer)
    if any(re.search(rf"\b{re.escape(p)}\b", text) for p in _OTHER_PLACES):
        return Parsed("no")
    if any(re.search(rf"\b{re.escape(p)}\b", text) for p in _ROTTERDAM_AREAS):
        return Parsed("yes")
    return Parsed(None, _problem(lang, "in_rotterdam"))


def parse_insurance(value: Any, intent: str | None, lang: str = "nl") -> Parsed:
    text = normalise(_text(value))
    if isinstance(value, str) and value in {i.value for i in Insurance}:
        return Parsed(str(value))
    if _dont_know(text):
        return Parsed(Insurance.UNKNOWN.value)
    if re.search(r"rotterdam\s*-?\s*pakket|rdam\s*pakket|rotterdampakket", text):
        return Parsed(Insurance.ROTTERDAMPAKKET.value)
    if re.search(r"\b(alleen|enkel|gewoon|maar)\b.{0,20}\bbasis|\bgeen\b.{0,15}\b(aanvullend|extra)|^basis|basisverz"
                 r"|\b(only|just)\b.{0,10}\bbasic\b|^basic|\bno\b.{0,15}\b(supplementary|extra)", text):
        return Parsed(Insurance.BASIC_ONLY.value)
    if re.search(r"aanvullend|extra verzekering|aanvulling|andere|\bandere? pakket|supplementary|other insurance", text):
        return Parsed(Insurance.OTHER_SUPPLEMENTARY.value)
    return Parsed(None, _problem(lang, "insurance"))


def parse_household(value: Any, intent: str | None, lang: str = "nl") -> Parsed:
    text = normalise(_text(value))
    if isinstance(value, str) and value in {h.value for h in Household}:
        return Parsed(str(value))
    if re.search(r"alleenstaande? (ouder|moeder|mama|vader)|alleen met (mijn |m'n |de |me )?(kind|zoon|dochter|kinderen)"
                 r"|single (mom|mum|moeder|ouder|parent|mother)|eenoudergezin|een-oudergezin"
                 r"|alone with (my |the )?(child|children|kid|kids|son|daughter|baby)", text):
        return Parsed(Household.SINGLE_PARENT.value)
    if re.search(r"\b(woon|wonen|ben)\b.{0,10}\balleen\b(?!\s+met)|\b(live|living)\b.{0,5}\balone\b(?!\s+with)",
                 text) and not re.search(r"samen|partner|together", text):
        return Parsed(Household.SINGLE.value)
    if re.search(r"\b(partner|samen\w*|getrouwd|gehuwd|huwelijk|man|vriend|vriendin|echtgeno\w*|vrouw|verloofde"
                 r"|geregistreerd|married|husband|boyfriend|together|wife|girlfriend)\b", text):
        return Parsed(Household.COUPLE.value)
    if re.search(r"\b(alleen\w*|single|vrijgezel|alone)\b", text):
        return Parsed(Household.SINGLE.value)
    return Parsed(None, _problem(lang, "household"))


_YEARLY = re.compile(r"\b(per jaar|jaarinkomen|in een jaar|jaarlijks|op jaarbasis|p\.?j|per year|a year|yearly)\b")
_EXPLICIT_BIJSTAND = re.compile(r"bijstand|participatiewet|\bgemeente\b|sociale dienst")


def parse_income(value: Any, intent: str | None, lang: str = "nl") -> Parsed:
    """Net monthly household income: an amount ('1250.50'), 'bijstand' or 'unknown'."""
    if value in (BIJSTAND, UNKNOWN):
        return Parsed(str(value))
    text = normalise(_text(value))
    money = parse_money(text)
    if money.receives_bijstand:
        if _EXPLICIT_BIJSTAND.search(text):
            return Parsed(BIJSTAND)
        if money.amount is None:
            return Parsed(None, f"{_problem(lang, 'income_which_benefit')} {_problem(lang, 'income_example')}")
    if money.unknown or _NOT_SURE.search(text):
        return Parsed(UNKNOWN)
    amount = money.amount
    if amount is None:
        return Parsed(None, f"{_problem(lang, 'income_not_understood')} {_problem(lang, 'income_example')} "
                            f"{_problem(lang, 'income_bijstand_button')}")
    if amount < 0:
        return Parsed(None, f"{_problem(lang, 'income_negative')} {_problem(lang, 'income_example')}")
    if _YEARLY.search(text):
        amount = amount / 12
    if amount > MAX_PLAUSIBLE_MONTHLY_INCOME:
        return Parsed(None, f"{_problem(lang, 'income_too_high')} {_problem(lang, 'income_example')}")
    return Parsed(str(amount.quantize(Decimal("0.01"))))


def parse_pregnancy_answer(value: Any, intent: str | None, today: dt.date, lang: str = "nl") -> Parsed:
    """Due date as ISO text, 'born' or 'unknown'."""
    if value in (BORN, UNKNOWN):
        return Parsed(str(value))
    text = normalise(_text(value))
    if re.search(r"al bevallen|bevallen\b.{0,5}$|is (al )?geboren|al geboren|baby is er|kindje is er|al een baby"
                 r"|already (given birth|gave birth|had (the|my) baby)|baby (is|was) (already )?born|\bgave birth\b", text):
        return Parsed(BORN)
    if _dont_know(text):
        return Parsed(UNKNOWN)
    timing = parse_pregnancy(text, today)
    if timing is None:
        return Parsed(None, _problem(lang, "pregnancy"))
    problem = pregnancy_problem(timing, today)
    if problem:
        return Parsed(None, problem)
    return Parsed(timing.due_date.isoformat())


def parse_hours(value: Any, intent: str | None, t: Tables | None = None, lang: str = "nl") -> Parsed:
    """Expected kraamzorg hours ('49') or 'unknown' (then the default is used)."""
    t = t or tables()
    if value == UNKNOWN:
        return Parsed(UNKNOWN)
    text = normalise(_text(value))
    if _dont_know(text) or intent == "deny" or re.fullmatch(r"(nee|nog niet|nee nog niet|no|not yet|no not yet)\W*", text):
        return Parsed(UNKNOWN)
    low, high = t.int_param("min_hours"), t.int_param("max_hours")
    example = _problem(lang, "hours_example")
    numbers = [int(n) for n in re.findall(r"(?<![\d,.])-?\d{1,4}(?![\d,.]\d)", text)]
    if not numbers:
        numbers = find_word_numbers(text)
    if not numbers:
        if re.search(r"basispakket|borstvoeding|basic package|breastfeed", text):
            return Parsed(str(t.int_param("default_hours")))
        return Parsed(None, f"{_problem(lang, 'not_understood')} {example}")
    if len(set(numbers)) > 1:
        return Parsed(None, f"{_problem(lang, 'hours_one_number')} {example}")
    hours = numbers[0]
    if not low <= hours <= high:
        return Parsed(None, f"{_problem(lang, 'hours_range', min_hours=low, max_hours=high)} {example}")
    return Parsed(str(hours))


# ---------------------------------------------------------------- slot values -> Answers
def _enum(cls: Any, value: Any) -> Any:
    try:
        return cls(value) if value is not None else None
    except ValueError:
        return None


def _income(value: Any) -> Income | None:
    if value is None:
        return None
    if value == BIJSTAND:
        return Income(receives_bijstand=True)
    if value == UNKNOWN:
        return Income()
    try:
        return Income(amount=Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def _pregnancy(value: Any) -> Pregnancy | None:
    if value in (BORN, UNKNOWN):
        return Pregnancy(status=str(value))
    try:
        return Pregnancy(status="due", due_date=dt.date.fromisoformat(str(value))) if value else None
    except ValueError:
        return None


def _hours(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, UNKNOWN) else None
    except (TypeError, ValueError):
        return None


def answers_from_slots(slots: dict[str, Any]) -> Answers:
    """Build the rule inputs from canonical slot values (unknown values count as not asked)."""
    return Answers(
        in_rotterdam=_enum(YesNo, slots.get("kz_in_rotterdam")),
        insurance=_enum(Insurance, slots.get("kz_insurance")),
        household=_enum(Household, slots.get("kz_household")),
        income=_income(slots.get("kz_income")),
        debt_arrangement=_enum(YesNo, slots.get("kz_debt_arrangement")),
        savings_above_limit=_enum(YesNo, slots.get("kz_savings")),
        pregnancy=_pregnancy(slots.get("kz_pregnancy")),
        used_this_year=_enum(YesNo, slots.get("kz_used_this_year")),
        hours=_hours(slots.get("kz_hours")),
    )
