"""Normalising and tokenising a parent's message, and reading the numbers in it.

Everything here is pure string work, shared by every layer of the detector:

* :func:`normalise` gives lower case without accents, with squeezed letter repeats
  ("bloeeeed" -> "bloeed"), single spaces and decimal numbers kept ("38,5" -> "38.5");
* :func:`tokenise` splits into tokens with their sentence and clause (a clause ends at a
  comma or "maar"/"but"; negation never reaches across a clause);
* :func:`read_numbers` finds a temperature, the weeks of pregnancy, the baby's age, the
  minutes between contractions and a number of days ("al 3 nachten niet geslapen", "al 60 uur wakker").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_SENTENCE_END = re.compile(r"(?<!\d)[.!?;:\n]+|[.!?;:\n]+(?!\d)")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[a-z]+(?:'[a-z]+)?")
_CLAUSE_BREAK_WORDS = frozenset({"maar", "but", "alleen", "although", "behalve", "except"})


def normalise(text: str) -> str:
    """Lower case, no accents or control characters, letter repeats squeezed, single spaces.

    Punctuation that ends a sentence is kept (the tokeniser needs it); "°" becomes "graden".
    """
    text = unicodedata.normalize("NFKD", text if isinstance(text, str) else str(text or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("’", "'").replace("`", "'").replace("´", "'").replace("°", " graden ")
    text = re.sub(r"(\d)\s*,\s*(\d)", r"\1.\2", text)  # 38,5 -> 38.5 (a Dutch decimal comma)
    text = re.sub(r"\b([1-4]\d)\s*\+\s*[0-6]\b", r"\1 weken", text)  # 36+2: weeks and days of pregnancy
    text = re.sub(r"([a-z])-(?=[a-z])", r"\1", text)  # koorts-thermometer -> koortsthermometer
    text = re.sub(r"[^a-z0-9'.!?;:,\n ]+", " ", text)
    text = re.sub(r"([a-z])\1{2,}", r"\1\1", text)
    text = re.sub(r"[ \t]+", " ", text)
    return text.strip()


@dataclass(frozen=True)
class Token:
    text: str
    index: int
    sentence: int
    clause: int


def tokenise(text: str) -> list[Token]:
    """Tokens of the normalised text, numbered, with sentence and clause ids."""
    norm = normalise(text)
    tokens: list[Token] = []
    clause = 0
    for sentence, part in enumerate(_SENTENCE_END.split(norm)):
        clause += 1
        for chunk in part.split(","):
            clause += 1
            for word in _TOKEN.findall(chunk):
                if word in _CLAUSE_BREAK_WORDS:
                    clause += 1
                tokens.append(Token(word.replace(",", "."), len(tokens), sentence, clause))
    return tokens


# ------------------------------------------------------------------------------- numbers

_NUMBER_WORDS = {
    "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9, "tien": 10,
    "elf": 11, "twaalf": 12, "vijftien": 15, "twintig": 20, "dertig": 30,
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "paar": 2, "couple": 2, "few": 3, "several": 3,
}
_TEMP_UNITS = frozenset({"graden", "graad", "gr", "c", "celsius", "degrees", "degree"})
_TEMP_CUES = frozenset({"koorts", "temp", "temperatuur", "verhoging", "fever", "temperature", "gemeten",
                        "thermometer", "koortsig", "koorts'", "heet", "gloeit"})
_WEEK_UNITS = frozenset({"weken", "week", "wk", "wkn", "w", "weeks", "wks", "wekn", "weke"})
_MONTH_UNITS = frozenset({"maanden", "maand", "mnd", "mnden", "months", "month", "mths"})
_DAY_UNITS = frozenset({"dagen", "dag", "days", "day", "nachten", "nacht", "nights", "night"})
_HOUR_UNITS = frozenset({"uur", "uren", "u", "hours", "hour", "hrs", "hr", "h"})
_YEAR_UNITS = frozenset({"jaar", "jaren", "jr", "years", "year", "yrs", "jarig"})
# A child word followed by "van 2" without a unit: a child's age in years ("mijn dochter van 2").
_CHILD_YEARS_CUES = frozenset({"dochter", "zoon", "kind", "meisje", "jongen", "peuter", "dochtertje", "zoontje",
                              "son", "daughter", "kid", "child", "toddler", "boy", "girl"})
_OLD = frozenset({"oud", "old", "oude"})
_PREGNANT_CUES = frozenset({"zwanger", "zwangerschap", "pregnant", "preg", "zwanger'", "zwanga", "zwnger", "swanger",
                            "uitgerekend", "along", "gravida"})
_BABY_CUES = frozenset({"baby", "babytje", "kindje", "kind", "zoon", "zoontje", "dochter", "dochtertje", "kleine",
                        "meisje", "jongetje", "newborn", "son", "daughter", "boy", "girl", "kid", "child", "ukkie"})
_THIRD_PERSON = frozenset({"hij", "ze", "zij", "he", "she", "baby", "kindje", "zoon", "dochter", "zoontje",
                           "dochtertje", "kind"})
_NEWBORN_WORDS = frozenset({"pasgeboren", "pasgeborene", "newborn", "neonate", "kraamweek", "kraambed"})
_MINUTE_UNITS = frozenset({"minuten", "minuut", "min", "mins", "minutes", "minute", "minuutjes", "m"})
_INTERVAL_CUES = frozenset({"om", "elke", "iedere", "every", "each", "per"})
_PER_UNIT_MINUTES = {"kwartier": 15, "uur": 60, "hour": 60, "minuten": 1, "min": 1, "halfuur": 30}
_TIMES = frozenset({"keer", "x", "maal", "times"})


@dataclass
class Numbers:
    """Numbers read from a message (``None``: not mentioned)."""

    temp: float | None = None          # degrees Celsius (highest mentioned)
    weeks: float | None = None         # weeks of pregnancy
    baby_months: float | None = None   # age of the baby in months
    interval: float | None = None      # minutes between contractions (smallest mentioned)
    days: float | None = None          # a number of days or nights ("al 3 nachten")
    found: dict[str, list[float]] = field(default_factory=dict)


def _value(word: str) -> float | None:
    if word[:1].isdigit():
        try:
            return float(word)
        except ValueError:
            return None
    return _NUMBER_WORDS.get(word)


def _near(words: list[str], i: int, before: int, after: int, cues: frozenset[str]) -> bool:
    lo, hi = max(0, i - before), min(len(words), i + after + 1)
    return any(w in cues for w in words[lo:hi])


def read_numbers(tokens: list[Token]) -> Numbers:
    """Read temperature, weeks of pregnancy, baby age, contraction interval and days from tokens."""
    words = [t.text for t in tokens]
    nums = Numbers()
    temps: list[float] = []
    weeks: list[float] = []
    ages: list[float] = []
    intervals: list[float] = []
    days: list[float] = []
    for i, word in enumerate(words):
        if word in _NEWBORN_WORDS:
            ages.append(0.0)
        value = _value(word)
        if value is None:
            # "dagen/nachten" without a number still means several days
            if word in {"dagen", "nachten", "days", "nights"} and not (i and _value(words[i - 1]) is not None):
                days.append(2.0)
            continue
        nxt = words[i + 1] if i + 1 < len(words) else ""
        nxt2 = words[i + 2] if i + 2 < len(words) else ""
        prev = words[i - 1] if i else ""
        # "3 keer per kwartier", "6x per uur", "4 times an hour": contractions by frequency
        if nxt in _TIMES and 0 < value <= 30:
            rest = words[i + 2:i + 5]
            unit = next((w for w in rest if w in _PER_UNIT_MINUTES), None)
            if unit and ({"per", "in", "an", "a", "each", "every", "het"} & set(rest)):
                minutes = 30 if "half" in rest or "halfuur" in rest else _PER_UNIT_MINUTES[unit]
                intervals.append(minutes / value)
                continue
        # temperature: 34-43 with a unit or a fever word nearby ("koorts van 39", "38.5 graden"),
        # or a number with one decimal between 37.5 and 42.9 ("ze heeft 38,4"): nothing else is written so
        if (34 <= value <= 43.5 and (nxt in _TEMP_UNITS or _near(words, i, 4, 2, _TEMP_CUES))) or (
                re.fullmatch(r"(3[7-9]|4[0-2])\.\d", word) and value >= 37.5 and nxt not in _WEEK_UNITS):
            temps.append(value)
            continue
        if nxt in _MINUTE_UNITS or (nxt in {"a", "tot", "to", "-", "of"} and nxt2 in _MINUTE_UNITS):
            if prev in _INTERVAL_CUES or (i >= 2 and words[i - 2] in _INTERVAL_CUES) or _near(
                    words, i, 0, 4, frozenset({"uit", "apart", "tussen", "between"})) or _near(
                    words, i, 6, 0, frozenset({"wee", "ween", "weeen", "weeeen", "contractions", "weeen'"})):
                intervals.append(value)
            continue
        is_age = nxt2 in _OLD or (nxt in _OLD) or (prev in {"van", "of"} and i >= 2 and words[i - 2] in _BABY_CUES) or (
            prev in {"is", "wordt", "werd"} and i >= 2 and words[i - 2] in _THIRD_PERSON
            and not _near(words, i, 0, 4, _PREGNANT_CUES))
        if nxt in _YEAR_UNITS:
            if is_age or _near(words, i, 4, 0, _BABY_CUES | _CHILD_YEARS_CUES):
                ages.append(value * 12)
            continue
        if (prev in {"van", "of"} and i >= 2 and words[i - 2] in _CHILD_YEARS_CUES and value <= 18
                and nxt not in _WEEK_UNITS | _MONTH_UNITS | _DAY_UNITS | _MINUTE_UNITS):
            ages.append(value * 12)
            continue
        # hours of no sleep: "al 70 uur niet geslapen" is almost 3 days (a clock time "om 10 uur" is under 24)
        if nxt in _HOUR_UNITS and value >= 24 and not is_age:
            days.append(value / 24.0)
            continue
        if nxt in _DAY_UNITS:
            if is_age or (prev in {"van", "of"} and _near(words, i, 4, 0, _BABY_CUES)):
                ages.append(value / 30.0)
            else:
                days.append(value)
            continue
        if nxt in _WEEK_UNITS:
            if is_age or (prev in {"van", "of"} and _near(words, i, 3, 0, _BABY_CUES)
                          and not _near(words, i, 0, 4, _PREGNANT_CUES)):
                ages.append(value / 4.35)
            elif value <= 45:
                weeks.append(value)
            continue
        if prev in {"week", "wk"} and value <= 45:  # "week 32", "wk 30"
            weeks.append(value)
            continue
        if nxt in _MONTH_UNITS:
            if _near(words, i, 0, 3, _PREGNANT_CUES) and not is_age:
                weeks.append(value * 4.35)
            elif is_age or _near(words, i, 4, 0, _BABY_CUES) or prev in {"van", "of"}:
                ages.append(value)
            continue
    nums.temp = max(temps) if temps else None
    nums.weeks = max(weeks) if weeks else None
    nums.baby_months = min(ages) if ages else None
    nums.interval = min(intervals) if intervals else None
    nums.days = max(days) if days else None
    nums.found = {"temp": temps, "weeks": weeks, "baby_months": ages, "interval": intervals, "days": days}
    return nums
