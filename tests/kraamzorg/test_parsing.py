"""Parsers in bot/parsing/: examples from the issue, edge cases, and 'never raises' properties."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.parsing.common import is_dont_know, normalise, yes_no
from bot.parsing.dates import Born, PregnancyTiming, calendar_date, parse_born, parse_pregnancy, pregnancy_problem
from bot.parsing.money import MoneyParse, format_eur, parse_money
from bot.parsing.numbers import find_word_numbers, words_to_number
from tests.helpers import ROOT

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1200", "1200"),
        ("EUR 1.250,50", "1250.50"),
        ("€1250", "1250"),
        ("€ 1.500,-", "1500"),
        ("ongeveer 1200 euro netto per maand", "1200"),
        ("twaalfhonderd", "1200"),
        ("duizend tweehonderd euro", "1200"),
        ("vijftienhonderdvijftig", "1550"),
        ("1,250.50", "1250.50"),
        ("1250,5", "1250.5"),
        ("1,2k", "1200"),
        ("-200", "-200"),
        ("min 300 euro", "-300"),
        ("ik werk 32 uur en verdien 1800", "1800"),
        ("2 kinderen en 1500 euro", "1500"),
        ("tussen 1200 en 1400", "1300"),
        ("1200-1400", "1300"),
        ("ik 1200 en mijn man 800", "2000"),
        ("1200 + 800", "2000"),
        ("geen inkomen", "0"),
        ("90000", "90000"),
    ],
)
def test_parse_money_amounts(text: str, amount: str) -> None:
    result = parse_money(text)
    assert result.amount == Decimal(amount)
    assert not result.unknown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ik heb een uitkering", MoneyParse(None, True, False)),
        ("bijstand", MoneyParse(None, True, False)),
        ("ik krijg een bijstandsuitkering", MoneyParse(None, True, False)),
        ("weet ik niet", MoneyParse(None, False, True)),
        ("geen idee", MoneyParse(None, False, True)),
        ("", MoneyParse(None, False, False)),
        ("ik heb 2 kinderen", MoneyParse(None, False, False)),
        ("ik heb geen uitkering, ik verdien 1500", MoneyParse(Decimal("1500"), False, False)),
        ("bijstand 1300 euro", MoneyParse(Decimal("1300"), True, False)),
    ],
)
def test_parse_money_flags(text: str, expected: MoneyParse) -> None:
    assert parse_money(text) == expected


def test_parse_money_ambiguous_numbers_give_no_amount() -> None:
    assert parse_money("1200 1400 1600").amount is None


def test_format_eur() -> None:
    assert format_eur(Decimal("1401.5")) == "€ 1.401,50"
    assert format_eur(Decimal("200")) == "€ 200"
    assert format_eur(Decimal("264.60")) == "€ 264,60"
    assert format_eur(Decimal("-5")) == "-€ 5"


@pytest.mark.parametrize(
    ("text", "value"),
    [("twaalfhonderd", 1200), ("drieëntwintig", 23), ("tweeendertig", 32), ("negenenveertig", 49),
     ("twee duizend vijfhonderd", 2500), ("duizend en vijftig", 1050), ("honderd", 100), ("eenentwintig", 21),
     ("tafel", None), ("", None)],
)
def test_words_to_number(text: str, value: int | None) -> None:
    assert words_to_number(text) == value


def test_lone_article_een_is_not_a_number() -> None:
    assert find_word_numbers("ik heb een uitkering") == []
    assert find_word_numbers("over een week", allow_een=True) == [1]


@pytest.mark.parametrize(
    ("text", "weeks", "due"),
    [
        ("32 weken", 32, dt.date(2027, 1, 18)),
        ("7 maanden", 30, dt.date(2027, 2, 1)),
        ("ben 7 maande", 30, dt.date(2027, 2, 1)),  # typed as spoken
        ("7 mnd", 30, dt.date(2027, 2, 1)),
        ("ik ben 20 weken zwanger", 20, dt.date(2027, 4, 12)),
        ("week 32", 32, dt.date(2027, 1, 18)),
        ("32+3", 32, dt.date(2027, 1, 18)),
        ("tweeëndertig weken", 32, dt.date(2027, 1, 18)),
        ("zes maanden zwanger", 26, dt.date(2027, 3, 1)),
        ("15 maart", 24, dt.date(2027, 3, 15)),
        ("15-03-2027", 24, dt.date(2027, 3, 15)),
        ("15/3", 24, dt.date(2027, 3, 15)),
        ("15 maart 2027", 24, dt.date(2027, 3, 15)),
        ("2027-03-15", 24, dt.date(2027, 3, 15)),
        ("uitgerekend op 10 december", 38, dt.date(2026, 12, 10)),
        ("over 3 weken uitgerekend", 37, dt.date(2026, 12, 14)),
        ("nog 2 maanden", 32, dt.date(2027, 1, 23)),
        ("eind maart", 23, dt.date(2027, 3, 25)),
    ],
)
def test_parse_pregnancy(text: str, weeks: int, due: dt.date) -> None:
    assert parse_pregnancy(text, TODAY) == PregnancyTiming(weeks=weeks, due_date=due)


def test_due_date_without_year_is_the_next_occurrence() -> None:
    # 1 november has passed on 23-11-2026: next year's; 23 november is today.
    assert parse_pregnancy("1 november", TODAY).due_date == dt.date(2027, 11, 1)
    assert parse_pregnancy("23 november", TODAY).due_date == TODAY


def test_weeks_follow_the_formula_from_the_due_date() -> None:
    for days in range(-20, 300, 3):
        due = TODAY + dt.timedelta(days=days)
        timing = parse_pregnancy(due.strftime("%d-%m-%Y"), TODAY)
        assert timing == PregnancyTiming(40 - days // 7, due)


@pytest.mark.parametrize("text", ["blabla", "31-02-2027", "", "ik weet het niet", "13-13"])
def test_parse_pregnancy_not_understood(text: str) -> None:
    assert parse_pregnancy(text, TODAY) is None


@pytest.mark.parametrize(
    ("text", "ok"),
    [("32 weken", True), ("1 week", True), ("42 weken", True), ("50 weken", False), ("-5 weken", False),
     ("15 maart 2020", False), ("15 maart 2028", False), ("ik ben 41 weken", True)],
)
def test_pregnancy_problem(text: str, ok: bool) -> None:
    timing = parse_pregnancy(text, TODAY)
    assert timing is not None
    problem = pregnancy_problem(timing, TODAY)
    assert (problem is None) is ok
    if problem:
        assert "bijvoorbeeld" in problem  # every re-ask carries an example


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ja", True), ("Ja hoor!", True), ("jazeker", True), ("klopt", True), ("/affirm", True), ("yes", True),
     ("nee", False), ("Nee hoor", False), ("nope", False), ("/deny", False), ("ik woon niet in rotterdam", False),
     ("ik heb wel spaargeld", True), ("weet ik niet", None), ("ja nee", None), ("misschien", None), ("", None)],
)
def test_yes_no(text: str, expected: bool | None) -> None:
    assert yes_no(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("weet ik niet", True), ("Weet ik nog niet", True), ("geen idee", True), ("weet niet", True), ("idk", True),
     ("ik weet het niet", True), ("Geen flauw idee", True), ("ja", False), ("1200", False), ("niet", False)],
)
def test_is_dont_know(text: str, expected: bool) -> None:
    assert is_dont_know(text) is expected


def test_normalise_handles_non_strings() -> None:
    assert normalise(None) == ""  # type: ignore[arg-type]
    assert normalise("  Één  Twéé ") == "een twee"


# ------------------------------------------------------------------ property tests: never raise
_texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet="0123456789.,-+€ ekuroEURmin/", max_size=40),
    st.lists(st.sampled_from(["een", "twee", "honderd", "duizend", "en", "twaalf", "weken", "maart", "15", "-",
                              "/", "3", "2027", "over", "nog", "maanden", "bijstand", "€", "1.250,50", "k"]),
             max_size=12).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_parse_money_never_raises(text: str) -> None:
    result = parse_money(text)
    assert isinstance(result, MoneyParse)
    assert result.amount is None or result.amount.is_finite()


@settings(max_examples=300, deadline=None)
@given(_texts, st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_parse_pregnancy_never_raises(text: str, today: dt.date) -> None:
    result = parse_pregnancy(text, today)
    if result is not None:
        assert result.weeks == 40 - (result.due_date - today).days // 7
        assert pregnancy_problem(result, today) is None or isinstance(pregnancy_problem(result, today), str)


@settings(max_examples=300, deadline=None)
@given(_texts)
def test_common_parsers_never_raise(text: str) -> None:
    assert isinstance(is_dont_know(text), bool)
    assert yes_no(text) in (True, False, None)
    assert words_to_number(text) is None or words_to_number(text) >= 0
    assert all(n >= 0 for n in find_word_numbers(text))


@pytest.mark.parametrize(
    ("text", "birth"),
    [
        ("mijn baby is al 3 weken", dt.date(2026, 11, 2)),
        ("ze is 3 weken oud", dt.date(2026, 11, 2)),
        ("onze zoon is twee maanden", dt.date(2026, 9, 24)),
        ("bevallen op 9 november", dt.date(2026, 11, 9)),
        ("ik ben op 9 november bevallen", dt.date(2026, 11, 9)),
        ("mijn dochter is geboren op 1 oktober 2026", dt.date(2026, 10, 1)),
        ("ik ben 3 weken geleden bevallen", dt.date(2026, 11, 2)),
        ("ik ben al bevallen", None),
    ],
)
def test_a_born_baby_is_not_weeks_of_pregnancy(text: str, birth: dt.date | None) -> None:
    assert parse_born(text, TODAY) == Born(birth)
    assert parse_pregnancy(text, TODAY) is None


@pytest.mark.parametrize(
    "text", ["32 weken", "ik ben 20 weken zwanger", "ik moet bevallen op 10 december", "uitgerekend op 10 december",
             "7 maanden", "15 maart"],
)
def test_pregnancy_texts_are_not_births(text: str) -> None:
    assert parse_born(text, TODAY) is None
    assert parse_pregnancy(text, TODAY) is not None


@pytest.mark.parametrize("text", ["24 weke", "dat heb ik al gezegt 24 weke", "ik ben 24 wekn"])
def test_typos_of_weken(text: str) -> None:
    assert parse_pregnancy(text, TODAY) == PregnancyTiming(24, dt.date(2027, 3, 15))


def test_calendar_dates_come_from_dateparser() -> None:
    # Dutch and English month names and abbreviations from dateparser's locale data
    assert parse_pregnancy("15 mrt", TODAY).due_date == dt.date(2027, 3, 15)
    assert parse_pregnancy("3 okt", TODAY).due_date == dt.date(2027, 10, 3)
    assert parse_pregnancy("15 march", TODAY).due_date == dt.date(2027, 3, 15)
    assert calendar_date(29, 2, None, TODAY) == dt.date(2028, 2, 29)  # next leap day
    assert calendar_date(31, 4, 2027, TODAY) is None
    assert calendar_date(9, 11, None, TODAY, future=False) == dt.date(2026, 11, 9)
    assert calendar_date(24, 11, None, TODAY, future=False) == dt.date(2025, 11, 24)


def test_dateparser_works_offline() -> None:
    """Parsing dates must not touch the network (no downloads of language data)."""
    code = (
        "import socket\n"
        "def _blocked(*a, **k):\n    raise OSError('network used')\n"
        "socket.socket.connect = _blocked\nsocket.create_connection = _blocked\nsocket.getaddrinfo = _blocked\n"
        "import datetime as dt\nfrom bot.parsing.dates import parse_pregnancy\n"
        "t = parse_pregnancy('15 maart 2027', dt.date(2026, 11, 23))\n"
        "assert t is not None and t.due_date == dt.date(2027, 3, 15), t\nprint('ok')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": "/nonexistent-home"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@pytest.mark.parametrize(("text", "amount"), [("zo'n 10 duizend", "10000"), ("10 duizend euro", "10000"),
                                               ("1,5 duizend", "1500"), ("3k", "3000")])
def test_duizend(text: str, amount: str) -> None:
    assert parse_money(text).amount == Decimal(amount)
