"""Parse how far along a pregnancy is: weeks, months, or the due date ('uitgerekende datum').

``parse_pregnancy`` only reads what was written and never raises; plausibility
(too far along, a date long gone) is checked separately by :func:`pregnancy_problem`
so that every consumer re-asks with the same reasons.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

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


MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "maart": 3, "mrt": 3, "maa": 3, "april": 4, "apr": 4,
    "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8, "september": 9, "sep": 9,
    "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8, "october": 10,
}
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
_WEEKS = re.compile(r"(?<![\d,.])(-\s*)?(\d{1,3})(?:\s*\+\s*\d)?\s*(?:weken|weeks|week|wkn|wks|wk|w)\b")
_WEEKS_PLUS_DAYS = re.compile(r"(?<![\d,.])(\d{1,2})\s*\+\s*[0-6]\b")
_WEEKS_WORD = re.compile(rf"\b({_NUMBER_WORD}(?:\s+{_NUMBER_WORD}){{0,2}})\s+(?:weken|weeks|week)\b")
_WEEK_PREFIX = re.compile(r"\b(?:week|wk)\s*(\d{1,3})\b")
_MONTHS_PREG = re.compile(
    rf"(?<![\d,.])(\d{{1,2}}|{_NUMBER_WORD})(\s*(?:,5|\.5|en een halve?|en half|½))?\s*(?:maanden|maand|mnd|months|month)\b"
)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _next_occurrence(month: int, day: int, today: dt.date) -> dt.date | None:
    """The first date with this day and month that is today or later."""
    for year in (today.year, today.year + 1, today.year + 2):
        candidate = _safe_date(year, month, day)
        if candidate is not None and candidate >= today:
            return candidate
    return None


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
        return _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _TEXT_DATE.search(norm) or _TEXT_DATE_MONTH_FIRST.search(norm)
    if match:
        if match.re is _TEXT_DATE:
            day, month, year = int(match.group(1)), MONTHS[match.group(2)], _year(match.group(3))
        else:
            day, month, year = int(match.group(2)), MONTHS[match.group(1)], _year(match.group(3))
        return _safe_date(year, month, day) if year else _next_occurrence(month, day, today)
    match = _NUMERIC_DATE.search(norm)
    if match:
        day, month, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        if not 1 <= month <= 12:
            return None
        return _safe_date(year, month, day) if year else _next_occurrence(month, day, today)
    match = _MONTH_ONLY.search(norm)
    if match and not re.search(r"\b(maanden|maand)\b", norm[: match.start()] + " "):
        part, month, year = match.group(1), MONTHS[match.group(2)], _year(match.group(3))
        if match.group(2) in ("mei", "may") and not (part or year or "uitgerekend" in norm):
            return None  # 'mei' alone is too weak ('ik mei ...' typos); needs context
        day = {"begin": 5, "eind": 25, "einde": 25}.get(part or "", 15)
        return _safe_date(year, month, day) if year else _next_occurrence(month, day, today)
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
