"""Parsing the answers of the kraamzorg check into canonical slot values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.kraamzorg import answers as kz
from bot.kraamzorg.rules import Income, Insurance, Pregnancy, YesNo
from bot.kraamzorg.tables import Household

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "intent", "value"),
    [("/affirm", "affirm", "yes"), ("yes", None, "yes"), ("ja, in Charlois", None, "yes"), ("nee", None, "no"),
     ("ik woon in hoogvliet", None, "yes"), ("ik woon in Schiedam", None, "no"), ("weet ik niet", None, "unknown"),
     ("rotterdam zuid", None, "yes"), ("banaan", None, None)],
)
def test_in_rotterdam(text, intent, value) -> None:
    parsed = kz.parse_in_rotterdam(text, intent)
    assert parsed.value == value
    assert (parsed.problem is None) == (value is not None)


@pytest.mark.parametrize(
    ("text", "value"),
    [("rotterdampakket", "rotterdampakket"), ("het gewone rotterdampakket", "rotterdampakket"),
     ("VGZ Rotterdampakket", None), ("ik heb het rotterdam pakket", None),  # which variant? asked again
     ("rotterdampakket compact", "rotterdampakket_compact"), ("rotterdampakket_compact", "rotterdampakket_compact"),
     ("rotterdampakket maar weet niet welke", "rotterdampakket_compact"),
     ("andere aanvullende verzekering", "other_supplementary"), ("ik heb een aanvullende", "other_supplementary"),
     ("alleen basisverzekering", "basic_only"), ("geen aanvullende verzekering", "basic_only"),
     ("basis", "basic_only"), ("weet ik niet", "unknown"), ("zilveren kruis", None)],
)
def test_insurance(text, value) -> None:
    assert kz.parse_insurance(text, None).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("alleenstaand", "single"), ("ik woon alleen", "single"), ("alleenstaande ouder", "single_parent"),
     ("alleen met mijn kinderen", "single_parent"), ("met partner", "couple"), ("getrouwd", "couple"),
     ("samenwonend met mijn vriend", "couple"), ("bij mijn ouders", None)],
)
def test_household(text, value) -> None:
    assert kz.parse_household(text, None).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("1200", "1200.00"), ("EUR 1.250,50", "1250.50"), ("ongeveer 1200 euro netto per maand", "1200.00"),
     ("twaalfhonderd", "1200.00"), ("ik heb bijstand", "bijstand"), ("bijstandsuitkering", "bijstand"),
     ("uitkering van de gemeente", "bijstand"), ("weet ik niet", "unknown"), ("36000 per jaar", "3000.00"),
     ("0", "0.00"), ("geen inkomen", "0.00")],
)
def test_income_accepted(text, value) -> None:
    assert kz.parse_income(text, None) == kz.Parsed(value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [("-200", "negatief"), ("EUR 90.000 per maand", "per jaar"), ("ik heb een uitkering", "WW"),
     ("veel", "bijvoorbeeld 1450")],
)
def test_income_reasked_with_example(text, problem) -> None:
    parsed = kz.parse_income(text, None)
    assert parsed.value is None
    assert problem in parsed.problem and "1450" in parsed.problem


@pytest.mark.parametrize(
    ("text", "value"),
    [("32 weken", "2027-01-18"), ("15 maart", "2027-03-15"), ("15-03-2027", "2027-03-15"),
     ("ik ben al bevallen", "born"), ("weet ik niet", "unknown")],
)
def test_pregnancy(text, value) -> None:
    assert kz.parse_pregnancy_answer(text, None, TODAY).value == value


@pytest.mark.parametrize("text", ["50 weken", "15 maart 2020", "gisteren"])
def test_pregnancy_reasked(text) -> None:
    parsed = kz.parse_pregnancy_answer(text, None, TODAY)
    assert parsed.value is None and "bijvoorbeeld" in parsed.problem


@pytest.mark.parametrize(
    ("text", "intent", "value"),
    [("49", None, "49"), ("49 uur", None, "49"), ("achtenveertig uur", None, "48"), ("weet ik niet", None, "unknown"),
     ("nee", "deny", "unknown"), ("basispakket", None, "49"), ("10 uur", None, None), ("100", None, None),
     ("24 of 49", None, None)],
)
def test_hours(text, intent, value) -> None:
    parsed = kz.parse_hours(text, intent)
    assert parsed.value == value
    if value is None:
        assert "bijvoorbeeld 49" in parsed.problem


@pytest.mark.parametrize(
    ("value", "intent", "expected"),
    [("yes", None, "yes"), ("no", None, "no"), ("ja hoor", None, "yes"), ("/deny", "deny", "no"),
     ("geen idee", None, "unknown"), ("misschien", None, None)],
)
def test_yes_no_unknown(value, intent, expected) -> None:
    assert kz.parse_yes_no_unknown(value, intent, "nee").value == expected


def test_answers_from_slots() -> None:
    answers = kz.answers_from_slots({
        "kz_in_rotterdam": "yes", "kz_insurance": "basic_only", "kz_household": "couple", "kz_income": "1250.50",
        "kz_debt_arrangement": None, "kz_savings": "unknown", "kz_pregnancy": "2027-03-15",
        "kz_used_this_year": "no", "kz_hours": "unknown",
    })
    assert answers.in_rotterdam == YesNo.YES and answers.insurance == Insurance.BASIC_ONLY
    assert answers.household == Household.COUPLE
    assert answers.income == Income(amount=kz.Decimal("1250.50"))
    assert answers.debt_arrangement is None and answers.savings_above_limit == YesNo.UNKNOWN
    assert answers.pregnancy == Pregnancy("due", dt.date(2027, 3, 15))
    assert answers.hours is None
    assert kz.answers_from_slots({"kz_income": "bijstand", "kz_pregnancy": "born"}).income == Income(None, True)
    garbage = kz.answers_from_slots({"kz_income": "veel", "kz_pregnancy": "ooit", "kz_household": "x"})
    assert (garbage.income, garbage.pregnancy, garbage.household) == (None, None, None)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=120), st.none(), st.integers(), st.booleans()),
       st.sampled_from([None, "affirm", "deny", "nlu_fallback"]))
def test_answer_parsers_never_raise(value, intent) -> None:
    for parsed in (
        kz.parse_in_rotterdam(value, intent), kz.parse_insurance(value, intent), kz.parse_household(value, intent),
        kz.parse_income(value, intent), kz.parse_pregnancy_answer(value, intent, TODAY),
        kz.parse_hours(value, intent), kz.parse_yes_no_unknown(value, intent, "ja"),
    ):
        assert (parsed.value is None) != (parsed.problem is None)


def test_plain_rotterdampakket_asks_which_variant() -> None:
    parsed = kz.parse_insurance("ik heb het rotterdampakket", None)
    assert parsed.value is None and "Compact" in (parsed.problem or "") and "polis" in (parsed.problem or "")


LIMIT = Decimal("16000")


@pytest.mark.parametrize(
    ("text", "intent", "value", "amount"),
    [
        ("/affirm", "affirm", "yes", None), ("nee", "deny", "no", None), ("weet ik niet", None, "unknown", None),
        ("we hebben zo'n 10.000 euro spaargeld", None, "no", None),  # below the limit: a plain no
        ("ja ongeveer 20.000", None, "yes", "20000.00"), ("16000", None, "no", None),
        ("16000,01", None, "yes", "16000.01"), ("ja", "affirm", "yes", None),
    ],
)
def test_savings_answer_may_be_an_amount(text, intent, value, amount) -> None:
    parsed = kz.parse_savings(text, intent, LIMIT)
    assert parsed.value == value
    assert parsed.also.get("kz_savings_amount") == amount


@pytest.mark.parametrize(
    ("text", "value"),
    [("20000", "20000.00"), ("zo'n 25.000 euro", "25000.00"), ("weet ik niet", "unknown"), ("veel", None)],
)
def test_savings_amount(text, value) -> None:
    assert kz.parse_savings_amount(text, None).value == value


@pytest.mark.parametrize(
    ("text", "intent", "value"),
    [("ik woon bij mijn moeder", None, "yes"), ("mijn schoonouders wonen bij ons", None, "yes"),
     ("ja een huisgenoot", "affirm", "yes"), ("nee", "deny", "no"), ("nee alleen mijn vriend", None, "no"),
     ("weet ik niet", None, "unknown"), ("blabla", None, None)],
)
def test_other_adults(text, intent, value) -> None:
    assert kz.parse_other_adults(text, intent).value == value


@pytest.mark.parametrize(
    ("text", "intent", "value"),
    [("ja", "affirm", "yes"), ("nee", "deny", "no"), ("ik ben 19", None, "yes"), ("23 jaar", None, "no"),
     ("ik ben 24 en hij 20", None, "yes"), ("weet ik niet", None, "unknown")],
)
def test_under_21(text, intent, value) -> None:
    assert kz.parse_under_21(text, intent).value == value


def test_new_slots_reach_the_answers() -> None:
    answers = kz.answers_from_slots({"kz_savings": "yes", "kz_savings_amount": "20000.00",
                                     "kz_other_adults": "yes", "kz_under_21": "no"})
    assert answers.savings_amount == Decimal("20000.00") and not answers.savings_amount_unknown
    assert (answers.other_adults, answers.under_21) == (YesNo.YES, YesNo.NO)
    assert kz.answers_from_slots({"kz_savings_amount": "unknown"}).savings_amount_unknown


@pytest.mark.parametrize(
    ("text", "value"),
    [("alleen mijn vriend is weg gegaan", "single"), ("mijn vriend is weg", "single"), ("geen partner", "single"),
     ("mijn man is vertrokken, ik heb 2 kinderen", "single_parent"), ("samenwonend met mijn vriend", "couple"),
     ("ik woon met mijn man", "couple"), ("ik woon bij mijn moeder", None)],
)
def test_household_free_text(text: str, value: str | None) -> None:
    assert kz.parse_household(text, None).value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("nee niet weer die vragen", None), ("nee ik wil eerst iets anders vragen", None), ("nee", "no"),
     ("nee hoor", "no"), ("nee ik woon in schiedam", "no"), ("nee, niet in rotterdam", "no"), ("ja", "yes")],
)
def test_nee_followed_by_other_words(text: str, value: str | None) -> None:
    parsed = kz.parse_in_rotterdam(text, "deny" if text.startswith("nee") else "affirm")
    assert parsed.value == value
    if value is None:
        assert "níet" in (parsed.problem or "")


@pytest.mark.parametrize(
    ("question", "text", "explained"),
    [("insurance", "wat is aanvullend", True), ("insurance", "aanvullend", False), ("income", "1200", False),
     ("savings", "wat is vermogen?", True), ("hours", "waarom?", True), ("insurance", "/affirm", False),
     ("insurance", "andere aanvullende verzekering", False)],
)
def test_explain_option(question: str, text: str, explained: bool) -> None:
    assert (kz.explain_option(question, text) is not None) is explained


def test_implausible_slot_values_are_ignored_not_computed_with() -> None:
    answers = kz.answers_from_slots({"kz_hours": 18518518518518518518518519, "kz_income": "1e40",
                                     "kz_savings_amount": "-5"})
    assert (answers.hours, answers.income, answers.savings_amount) == (None, None, None)
    assert kz.answers_from_slots({"kz_hours": "49", "kz_income": "1200.00"}).hours == 49


@pytest.mark.parametrize(
    ("text", "current", "expected"),
    [("wacht hij verdient eigenlijk 2300", "savings", ("income", "2300.00")),
     ("sorry ik heb eigenlijk alleen basisverzekering", "pregnancy", ("insurance", "basic_only")),
     ("nee toch niet, ik had wel bijstand", "used_this_year", None),  # an answer, not an income correction
     ("ja toch wel", "savings", None), ("eigenlijk 2300", "income", None), ("2300", "savings", None)],
)
def test_find_correction(text: str, current: str, expected: tuple | None) -> None:
    found = kz.find_correction(text, current, TODAY)
    assert (None if found is None else (found[0], found[1].value)) == expected
