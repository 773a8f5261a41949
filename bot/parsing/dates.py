"""Parse how far along a pregnancy is: weeks, months, or the due date ('uitgerekende datum').

Calendar dates are read by ``dateparser`` (Dutch and English month names and
abbreviations from its bundled locale data, day-month order, impossible dates
rejected); it runs offline, nothing is downloaded. This module keeps only the thin
layer that is specific to pregnancy: '32 weken', 'week 32', '32+3', '7 maanden',
'nog 2 maanden', 'eind maart', and telling a baby that is already born ('mijn baby is
al 3 weken', 'bevallen op 9 november') from weeks of pregnancy.

``parse_pregnancy`` only reads what was written and never raises; plausibility
(too far along, a date long gone) is checked separately by :func:`pregnancy_problem`
so that every consumer re-asks with the same reasons.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import dateparser
from dateparser.languages.loader import default_loader

from bot.parsing.common import normalise
from bot.parsing.numbers import find_word_numbers, words_to_number

FULL_TERM_WEEKS = 40
MAX_WEEKS = 42
WEEKS_PER_MONTH = 4.345
DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class PregnancyTiming:
    """Weeks pregnant today and the (computed or given) due date."""

    weeks: int
    due_date: dt.date


_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")
# Chat spellings that the CLDR data in dateparser does not list; 'mar' is left out ('maar' typos).
_EXTRA_MONTH_NAMES = {"febr": 2, "maa": 3, "oct": 10, "sept": 9}


def _month_names() -> dict[str, int]:
    """Month name or abbreviation -> month number, from dateparser's Dutch and English locale data."""
    names: dict[str, int] = dict(_EXTRA_MONTH_NAMES)
    for lang in ("nl", "en"):
        info = default_loader.get_locale(lang).info
        for number, key in enumerate(_MONTH_KEYS, start=1):
            for name in info.get(key, []):
                name = normalise(name).rstrip(".")
                if name.isalpha() and name != "mar":
                    names.setdefault(name, number)
    return names


MONTHS = _month_names()
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUMBER_WORD = r"[a-z]+"

_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC_DATE = re.compile(r"(?<![\d.,/-])(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{4}|\d{2}))?(?![\d.,/-])")
_TEXT_DATE = re.compile(rf"(?<!\d)(\d{{1,2}})(?:e|ste|de)?\s*({_MONTH_ALT})\b\.?(?:\s*,?\s*(\d{{4}}))?")
_TEXT_DATE_MONTH_FIRST = re.compile(rf"\b({_MONTH_ALT})\b\.?\s+(\d{{1,2}})(?:e|ste|de)?\b(?!\s*(?:weken|week|maand))(?:\s*,?\s*(\d{{4}}))?")
_MONTH_ONLY = re.compile(rf"\b(begin|eind|einde|half|halverwege|midden|medio)?\s*({_MONTH_ALT})\b(?:\s+(\d{{4}}))?")
_IN_TIME = re.compile(
    rf"\b(?:over|nog|binnen|in)\s+(?:ongeveer\s+|zo'?n\s+|pakweg\s+)?(\d{{1,3}}|{_NUMBER_WORD}(?:\s+{_NUMBER_WORD})?)\s*"
    r"(weken|week|wk|maanden|maand|dagen|dag)\b"
)
_WEEKS = re.compile(r"(?<![\d,.])(-\s*)?(\d{1,3})(?:\s*\+\s*\d)?\s*(?:weken|weke|wekn|weeks|week|wkn|wks|wk|w)\b")
_WEEKS_PLUS_DAYS = re.compile(r"(?<![\d,.])(\d{1,2})\s*\+\s*[0-6]\b")
_WEEKS_WORD = re.compile(rf"\b({_NUMBER_WORD}(?:\s+{_NUMBER_WORD}){{0,2}})\s+(?:weken|weke|weeks|week)\b")
_WEEK_PREFIX = re.compile(r"\b(?:week|wk)\s*(\d{1,3})\b")
_MONTHS_PREG = re.compile(
    rf"(?<![\d,.])(\d{{1,2}}|{_NUMBER_WORD})(\s*(?:,5|\.5|en een halve?|en half|½))?\s*(?:maanden|maande|maand|mnden|mnd|maanen|months|month)\b"
)


_DATEPARSER_SETTINGS: dict[str, Any] = {
    "DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month"], "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
}


def calendar_date(day: int, month: int, year: int | None, today: dt.date, future: bool = True) -> dt.date | None:
    """The date ``day``-``month``(-``year``) read by dateparser; ``None`` if it does not exist.

    Without a year: the next occurrence from ``today`` on (``future``) or the last one up
    to ``today`` (not ``future``).
    """
    if not (1 <= month <= 12 and 1 <= day <= 31) or (year is not None and not 1900 <= year <= 2200):
        return None
    span = f"{day} {_MONTH_KEYS[month - 1]}" + (f" {year}" if year else "")
    base = dt.datetime.combine(today, dt.time()) + dt.timedelta(days=-1 if future else 1)
    settings = {**_DATEPARSER_SETTINGS, "RELATIVE_BASE": base, "PREFER_DATES_FROM": "future" if future else "past"}
    try:
        parsed = dateparser.parse(span, languages=["en"], settings=settings)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed is None or (parsed.day, parsed.month) != (day, month):
        return None
    found = parsed.date()
    if year is None and not future and found > today:
        return calendar_date(day, month, found.year - 1, today, future)
    return found


def _next_occurrence(month: int, day: int, today: dt.date) -> dt.date | None:
    """The first date with this day and month that is today or later."""
    return calendar_date(day, month, None, today)


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    value = int(raw)
    return 2000 + value if value < 100 else value


def _small_number(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    return words_to_number(raw)


def _from_due(due: dt.date, today: dt.date) -> PregnancyTiming:
    return PregnancyTiming(weeks=FULL_TERM_WEEKS - (due - today).days // 7, due_date=due)


def _from_weeks(weeks: int, today: dt.date) -> PregnancyTiming | None:
    try:
        return PregnancyTiming(weeks=weeks, due_date=today + dt.timedelta(weeks=FULL_TERM_WEEKS - weeks))
    except OverflowError:
        return None


def _due_date(norm: str, today: dt.date) -> dt.date | None:
    match = _ISO.search(norm)
    if match:
        return calendar_date(int(match.group(3)), int(match.group(2)), int(match.group(1)), today)
    match = _TEXT_DATE.search(norm) or _TEXT_DATE_MONTH_FIRST.search(norm)
    if match:
        if match.re is _TEXT_DATE:
            day, month, year = int(match.group(1)), MONTHS[match.group(2)], _year(match.group(3))
        else:
            day, month, year = int(match.group(2)), MONTHS[match.group(1)], _year(match.group(3))
        return calendar_date(day, month, year, today)
    match = _NUMERIC_DATE.search(norm)
    if match:
        day, month, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        return calendar_date(day, month, year, today)
    match = _MONTH_ONLY.search(norm)
    if match and not re.search(r"\b(maanden|maand)\b", norm[: match.start()] + " "):
        part, month, year = match.group(1), MONTHS[match.group(2)], _year(match.group(3))
        if match.group(2) in ("mei", "may") and not (part or year or "uitgerekend" in norm):
            return None  # 'mei' alone is too weak ('ik mei ...' typos); needs context
        day = {"begin": 5, "eind": 25, "einde": 25}.get(part or "", 15)
        return calendar_date(day, month, year, today)
    return None


@dataclass(frozen=True)
class Born:
    """The baby is already born; ``birth_date`` when the text gives it (a date or the baby's age)."""

    birth_date: dt.date | None = None


_BABY = r"(?:baby|babytje|kindje|kind|zoon|zoontje|dochter|dochtertje|meisje|jongetje|ventje|kleine)"
_AGE_UNIT = r"(dagen|dag|weken|week|wk|maanden|maand)"
_AGE_NUMBER = rf"(\d{{1,2}}|{_NUMBER_WORD}(?:\s+{_NUMBER_WORD})?)"
# 'mijn baby is al 3 weken', 'onze zoon is 2 maanden', 'baby van 5 weken', 'ze is 3 weken oud', '3 weken oud'
_BABY_AGE = (
    re.compile(rf"\b{_BABY}\b[^.?!]{{0,25}}?\b(?:is|wordt|word)\s+(?:al\s+|nu\s+|pas\s+|bijna\s+|net\s+)*"
               rf"{_AGE_NUMBER}\s*{_AGE_UNIT}\b"),
    re.compile(rf"\b{_BABY}\s+van\s+(?:\w+\s+)?{_AGE_NUMBER}\s*{_AGE_UNIT}\b"),
    re.compile(rf"{_AGE_NUMBER}\s*{_AGE_UNIT}\s+oud\b"),
    re.compile(rf"{_AGE_NUMBER}\s*{_AGE_UNIT}\s+geleden\s+(?:\w+\s+)?(?:bevallen|geboren)\b"),
)
_BORN_WORDS = re.compile(
    r"\b(?:(?:ben|is|zijn|was|werd)\s+(?:\w+\s+){0,3}?(?:bevallen|geboren)|bevallen\s+op|geboren\s+op"
    r"|(?:baby|kindje|kind|zoon|dochter)\s+is\s+er|bevalling was|al bevallen|pas bevallen|net bevallen)\b"
)
_FUTURE_WORDS = re.compile(r"\b(?:moet|ga|gaat|zal|zou|word|wordt|verwacht|uitgerekend|hoop|straks)\b")
_UNIT_DAYS = {"dag": 1, "dagen": 1, "week": 7, "weken": 7, "wk": 7, "maand": 30, "maanden": 30}


def parse_born(text: str, today: dt.date) -> Born | None:
    """``Born`` when the text says the baby is already born, else ``None``.

    'mijn baby is al 3 weken', 'ze is 3 weken oud' (age: birth date = today - age),
    'bevallen op 9 november' (the last 9 November up to today), 'ik ben al bevallen'.
    Future forms ('ik moet bevallen op 10 december', 'uitgerekend op ...') are not births.
    """
    try:
        norm = normalise(text)[:300]
        if not norm or not isinstance(today, dt.date):
            return None
        for pattern in _BABY_AGE:
            match = pattern.search(norm)
            if match:
                amount = _small_number(match.group(1).strip())
                if amount is None or amount > 60:
                    return Born()
                return Born(today - dt.timedelta(days=amount * _UNIT_DAYS[match.group(2)]))
        if not _BORN_WORDS.search(norm) or _FUTURE_WORDS.search(norm):
            return None
        due = _due_date(norm, today)
        if due is None:
            return Born()
        past = calendar_date(due.day, due.month, None, today, future=False) if not re.search(r"\d{4}", norm) else due
        return Born(past if past is not None and past <= today else None)
    except (ValueError, OverflowError, KeyError):  # defensive: never raise on user input
        return None


def parse_pregnancy(text: str, today: dt.date) -> PregnancyTiming | None:
    """Read weeks pregnant or a due date from a Dutch answer. ``None`` = not understood.

    Accepts '32 weken', 'week 32', '32+3', '7 maanden', 'ik ben 20 weken zwanger',
    'tweeëndertig weken', due dates '15 maart', '15-03-2027', '15/3', '15 maart 2027',
    'eind maart', and 'over 3 weken uitgerekend' / 'nog 2 maanden'. A due date without a
    year is the next occurrence from ``today``. Weeks from a due date:
    ``40 - (due_date - today).days // 7``.
    """
    try:
        norm = normalise(text)[:300]
        if not norm or not isinstance(today, dt.date):
            return None
        if parse_born(norm, today) is not None:
            return None  # a baby's age or birth date is not how far along a pregnancy is
        return _parse(norm, today)
    except (ValueError, OverflowError, KeyError):  # defensive: never raise on user input
        return None


def _parse(norm: str, today: dt.date) -> PregnancyTiming | None:
    match = _IN_TIME.search(norm)
    if match:
        amount = _small_number(match.group(1).strip())
        if amount is None and match.group(1).strip() == "een":
            amount = 1
        if amount is not None and amount <= 400:
            unit = match.group(2)
            days = amount * 7 if unit.startswith("we") or unit == "wk" else (
                round(amount * DAYS_PER_MONTH) if unit.startswith("maand") else amount)
            return _from_due(today + dt.timedelta(days=days), today)
    due = _due_date(norm, today)
    if due is not None:
        return _from_due(due, today)
    match = _WEEKS.search(norm)
    if match:
        return _from_weeks(-int(match.group(2)) if match.group(1) else int(match.group(2)), today)
    match = _WEEK_PREFIX.search(norm) or _WEEKS_PLUS_DAYS.search(norm)
    if match:
        return _from_weeks(int(match.group(1)), today)
    match = _WEEKS_WORD.search(norm)
    if match:
        numbers = find_word_numbers(match.group(1), allow_een=True)
        if numbers:
            return _from_weeks(numbers[-1], today)
    match = _MONTHS_PREG.search(norm)
    if match:
        months = _small_number(match.group(1))
        if months is not None and months <= 12:
            value = months + (0.5 if match.group(2) else 0)
            return _from_weeks(round(value * WEEKS_PER_MONTH), today)
    bare = re.fullmatch(r"(?:ik ben |ongeveer |bijna |rond )?(\d{1,2})(?: zwanger)?", norm.strip(" .!?"))
    if bare:
        return _from_weeks(int(bare.group(1)), today)
    return None


def pregnancy_problem(t: PregnancyTiming, today: dt.date) -> str | None:
    """Why an answer is implausible (a Dutch re-ask reason), or ``None`` when it is fine.

    Plausible: 1 to 42 weeks pregnant, due date at most 42 weeks ahead and not more than
    2 weeks in the past (being up to 2 weeks overdue is normal: weeks 41 and 42).
    """
    example = "Typ hoeveel weken je zwanger bent, bijvoorbeeld 28 weken. Of typ je uitgerekende datum, bijvoorbeeld 15 maart."
    if t.due_date > today + dt.timedelta(weeks=MAX_WEEKS) or t.weeks < 1:
        return f"Dat kan niet kloppen: dan duurt het nog meer dan {FULL_TERM_WEEKS} weken tot je bevalling. {example}"
    if t.weeks > MAX_WEEKS or t.due_date < today - dt.timedelta(weeks=MAX_WEEKS - FULL_TERM_WEEKS):
        return (
            f"Dat kan niet kloppen: een zwangerschap duurt hoogstens {MAX_WEEKS} weken. "
            f"Je uitgerekende datum kan dus niet al zo lang voorbij zijn. {example}"
        )
    return None


_PREGNANT_SELF = re.compile(r"\b(?:zwanger|uitgerekend|in verwachting|weken zwanger|zwangerschap)\b")
_NOT_PREGNANT = re.compile(r"\b(?:niet|geen|nooit|nie)\s+(?:meer\s+)?(?:zwanger|in verwachting)\b|\bwil\s+zwanger\b")
_OTHER_PERSON = re.compile(r"\b(?:mijn|mn|m'n|onze)\s+(?:zus|vriendin|dochter|nicht|buurvrouw|collega|schoonzus)\b")

PREGNANT_STAGE = "pregnant"
BORN_STAGE = "born"


def life_stage(texts: Iterable[str], today: dt.date) -> str | None:
    """Whether the parent is pregnant or her baby is born, from her messages, newest first.

    The newest message that tells wins: 'mijn baby is 3 weken' -> ``'born'``; 'ik ben 20 weken
    zwanger' -> ``'pregnant'``. Messages about someone else ('mijn zus is zwanger'), a negation
    ('ik ben niet zwanger') or nothing about either are skipped. ``None`` when none tells.
    """
    for text in texts:
        norm = normalise(text)[:300]
        if not norm or _OTHER_PERSON.search(norm):
            continue
        if parse_born(norm, today) is not None:
            return BORN_STAGE
        if _PREGNANT_SELF.search(norm) and not _NOT_PREGNANT.search(norm):
            return PREGNANT_STAGE
    return None
