"""Pure rules of the registration: consent, conditions, validators, help areas, summary."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.registration import help_areas
from bot.registration.conditions import BORN, NOT_PREGNANT, PREGNANT, parse_pregnant, parse_rotterdam
from bot.registration.consent import consent_text, consent_version, is_clear_yes
from bot.registration.submit import idempotency_key, missing_fields
from bot.registration.summary import CANCEL, CONFIRM, parse_confirmation, render_summary, summary_buttons
from bot.registration.validators import (
    UNKNOWN_POSTCODE,
    check_due,
    check_name,
    check_phone,
    check_postcode,
    check_reachable,
)

TODAY = dt.date(2026, 1, 10)


# ------------------------------------------------------------------ consent
@pytest.mark.parametrize("text", ["ja", "Ja, ik geef toestemming", "ja hoor", "akkoord", "ik ga akkoord",
                                  "Jaaa!", "ja dat is goed", "ik geef toestemming"])
def test_clear_yes(text: str) -> None:
    assert is_clear_yes(text, "affirm")
    assert is_clear_yes(text, None)


@pytest.mark.parametrize("text", ["/affirm", '/request_registration{"reg_consent": true}', "misschien",
                                  "ja maar wat doen jullie ermee?", "ja nee", "nee", "oké", "weet ik niet",
                                  "ja, maar eerst wil ik bellen", "", "jazeker niet"])
def test_not_a_clear_yes(text: str) -> None:
    assert not is_clear_yes(text, "affirm")


def test_deny_intent_vetoes() -> None:
    assert not is_clear_yes("ja", "deny")


def test_consent_text_states_what_who_why_how_long_and_withdrawal(monkeypatch) -> None:
    monkeypatch.setenv("RETENTION_DAYS", "180")
    text = consent_text()
    for part in ("naam", "telefoonnummer", "postcode", "aanmeldpunt Moeders van Rotterdam", "Waarom",
                 "180 dagen", "trek mijn aanmelding in", "010 267 26 53"):
        assert part in text
    version = consent_version()
    assert version.startswith("1-180d-")
    monkeypatch.setenv("RETENTION_DAYS", "365")
    assert consent_version() != version
    assert "365 dagen" in consent_text()


# ------------------------------------------------------------------ conditions
@pytest.mark.parametrize(("text", "expected"), [
    ("Ja, ik ben zwanger", PREGNANT), ("ja", PREGNANT), ("ik ben 20 weken zwanger", PREGNANT),
    ("Nee, mijn baby is al geboren", BORN), ("ik ben vorige week bevallen", BORN),
    ("nee", NOT_PREGNANT), ("Nee, ik ben niet zwanger", NOT_PREGNANT),
    ("weet ik niet", None), ("/affirm", None), ("hoi", None),
])
def test_parse_pregnant(text: str, expected: str | None) -> None:
    assert parse_pregnant(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("ja", True), ("Ja, ik woon in Rotterdam", True), ("in Charlois", True), ("nee", False),
    ("ik woon in Schiedam", False), ("ik woon niet in rotterdam", False), ("weet niet", None), ("/affirm", None),
])
def test_parse_rotterdam(text: str, expected: bool | None) -> None:
    assert parse_rotterdam(text) == expected


# ------------------------------------------------------------------ validators
@pytest.mark.parametrize(("text", "expected"), [
    ("Fatima", "Fatima"), ("ik heet fatima el amrani", "Fatima el Amrani"), ("Mijn naam is Sanne", "Sanne"),
    ("noem me maar Lisa", "Lisa"),
])
def test_name_ok(text: str, expected: str) -> None:
    assert check_name(text).value == expected


@pytest.mark.parametrize("text", ["hoe lang duurt het?", "06 12345678", "ja", "", "/inform", "x" * 70,
                                  "trek mijn aanmelding in"])
def test_name_rejected_with_example(text: str) -> None:
    checked = check_name(text)
    assert not checked.ok and "bijvoorbeeld" in checked.problem


@pytest.mark.parametrize(("text", "e164"), [
    ("06 12345678", "+31612345678"), ("0612345678", "+31612345678"), ("06-12 34 56 78", "+31612345678"),
    ("+31 6 12345678", "+31612345678"), ("0031612345678", "+31612345678"), ("010-1234567", "+31101234567"),
    ("+31 10 123 4567", "+31101234567"), ("mijn nummer is 0612345678", "+31612345678"),
])
def test_phone_ok(text: str, e164: str) -> None:
    assert check_phone(text).value == e164


@pytest.mark.parametrize(("text", "reason"), [
    ("+32 470 12 34 56", "Nederlands"), ("+44 7911 123456", "Nederlands"), ("0800 2000", "mobiel of vast"),
    ("0900 1234567", "mobiel of vast"), ("06123", "cijfers"), ("geen idee", "telefoonnummer"), ("/affirm", "telefoonnummer"),
    ("06 98765432", "verkeerd hebt getypt"),  # ten digits, but no Dutch number starts with 069: not "digits missing"
])
def test_phone_rejected_with_clear_reask(text: str, reason: str) -> None:
    checked = check_phone(text)
    assert not checked.ok
    assert reason in checked.problem and "bijvoorbeeld 06 12345678" in checked.problem


def test_postcode() -> None:
    ok = check_postcode("3072ab")
    assert ok.value == "3072 AB" and ok.extra["gebied"] == "Feijenoord"
    assert "2 letters" in check_postcode("3072").problem
    outside = check_postcode("1012 AB")
    assert "niet in Rotterdam" in outside.problem and "eigen gemeente" in outside.problem
    assert "postbus" in check_postcode("3001 AA").problem
    assert "4 cijfers en 2 letters" in check_postcode("hoi").problem
    assert check_postcode("ik heb geen vast adres").value == UNKNOWN_POSTCODE


def test_due_date_and_weeks() -> None:
    by_weeks = check_due("20 weken", TODAY)
    assert by_weeks.extra["weeks"] == 20
    assert by_weeks.value == (TODAY + dt.timedelta(weeks=20)).isoformat()
    by_date = check_due("15 maart", TODAY)
    assert by_date.value == "2026-03-15" and 30 <= by_date.extra["weeks"] <= 32
    assert not check_due("45 weken", TODAY).ok
    assert not check_due("1 januari 2025", TODAY).ok  # long past
    assert not check_due("15 maart 2027", TODAY).ok  # more than 42 weeks ahead
    assert "bijvoorbeeld" in check_due("geen idee", TODAY).problem
    assert not check_due("/affirm", TODAY).ok


def test_reachable() -> None:
    assert check_reachable("Ochtend").value == "'s ochtends"
    assert check_reachable("maandag na 13 uur").value == "maandag na 13 uur"
    assert not check_reachable("x" * 200).ok
    assert not check_reachable("").ok


@pytest.mark.parametrize("said", ["mag ik ook niet bellen maar appen?", "wat gaan ze dan met me bespreken eigenlijk",
                                  "dankjewel!!", "ok thanks"])
def test_a_question_or_thanks_is_no_moment_to_call(said: str) -> None:
    """The persona test: these were saved as the moment to call her."""
    checked = check_reachable(said)
    assert not checked.ok and "bellen" in (checked.problem or "")


# ------------------------------------------------------------------ help areas
def test_help_areas_from_facts() -> None:
    labels = [a.label for a in help_areas.HELP_AREAS]
    assert len(labels) == 8 and all(len(label) <= 24 for label in labels)
    assert len(help_areas.buttons()) <= 10


@pytest.mark.parametrize(("text", "areas", "done"), [
    ("Wonen", ("wonen",), False), ("ik heb schulden en geen huis", ("wonen", "geld"), False),
    ("klaar", (), True), ("Zwangerschap en baby, klaar", ("zwangerschap",), True),
    ("ik voel me eenzaam", ("netwerk",), False),
])
def test_parse_help(text: str, areas: tuple, done: bool) -> None:
    answer = help_areas.parse_help(text)
    assert set(answer.areas) == set(areas) and answer.done == done


def test_parse_help_unknown_and_unclear() -> None:
    assert help_areas.parse_help("weet ik nog niet").unknown
    assert help_areas.parse_help("blabla") is None


# ------------------------------------------------------------------ summary
SLOTS = {
    "reg_name": "Fatima", "reg_phone": "+31612345678", "reg_postcode": "3072 AB", "reg_gebied": "Feijenoord",
    "reg_due": "2026-03-15", "reg_weeks": 31, "reg_help": ["geld", "wonen"], "reg_reachable": "'s ochtends",
}


def test_summary_shows_every_field() -> None:
    text = render_summary(SLOTS)
    for part in ("Fatima", "06 12345678", "3072 AB (Feijenoord)", "15 maart 2026", "31 weken",
                 "Geld en administratie, Wonen", "'s ochtends"):
        assert part in text
    titles = [b["title"] for b in summary_buttons()]
    assert titles[0].startswith("Klopt") and "Naam aanpassen" in titles and len(titles) <= 10


@pytest.mark.parametrize(("text", "expected"), [
    ("Klopt, versturen", CONFIRM), ("klopt", CONFIRM), ("ja", CONFIRM),
    ("mijn nummer klopt niet", "reg_phone"), ("Naam aanpassen", "reg_name"), ("postcode is fout", "reg_postcode"),
    ("de datum is verkeerd", "reg_due"), ("Bereikbaar aanpassen", "reg_reachable"),
    ("/affirm", None), ("nee", CANCEL), ("ik wil toch niet", CANCEL), ("Nee hoor.", CANCEL), ("hoi", None),
    ("nee mijn nummer klopt niet", "reg_phone"),
    # the persona test: agreement in several words, a typo, English
    ("yes ok send", CONFIRM), ("klopt versturn", CONFIRM), ("ja is goed hoor", CONFIRM),
    ("ja maar mijn nummer is anders", "reg_phone"), ("what is intake", None), ("is het goed zo?", None),
])
def test_parse_confirmation(text: str, expected: str | None) -> None:
    assert parse_confirmation(text) == expected


def test_missing_fields_and_idempotency_key() -> None:
    assert missing_fields({**SLOTS})[0] == "reg_consent"
    full = {**SLOTS, "reg_consent": True, "reg_consent_at": "2026-01-10T10:00:00+00:00",
            "reg_consent_version": "1-365d-x", "reg_instance": "abc"}
    assert missing_fields(full) == []
    assert missing_fields({**full, "reg_consent": "ja"})[0] == "reg_consent"  # only the boolean set by validation
    assert idempotency_key("k", "abc") == idempotency_key("k", "abc") != idempotency_key("k", "abd")


def test_summary_has_a_cancel_button() -> None:
    buttons = summary_buttons()
    assert buttons[-1] == {"title": "Niet versturen", "payload": "/stop"}
    assert len(buttons) <= 10 and all(len(b["title"]) <= 24 for b in buttons)  # WhatsApp list


@pytest.mark.parametrize("name", ["Ayşe", "Ayşe O'Neil", "Ayşe Yılmaz", "فاطمة", "محمد علي", "Zoë", "Jean-Luc",
                                  "Nguyễn Thị"])
def test_names_in_any_script_are_accepted(name: str) -> None:
    assert check_name(name).value == name


@pytest.mark.parametrize("text", ["Gezondheid", "Aanpassen", "Naam aanpassen", "Wonen", "Geld en administratie",
                                  "Klopt, versturen", "x1"])
def test_button_titles_are_not_names(text: str) -> None:
    assert check_name(text).value is None


@pytest.mark.parametrize(("text", "areas"), [
    ("geldzorgen en huisvesting", ("wonen", "geld")),
    ("ik heb schulden en geen huis", ("wonen", "geld")),
    ("wonen, geld en gezondheid", ("wonen", "geld", "gezondheid")),
    ("huisarts", ("gezondheid",)),
])
def test_parse_help_selects_every_area_named(text: str, areas: tuple) -> None:
    assert help_areas.parse_help(text).areas == areas


def test_parse_help_question_removal_and_reachability() -> None:
    asked = help_areas.parse_help("wat betekent instanties?")
    assert asked.asked_about == ("instanties",) and asked.areas == ()
    removed = help_areas.parse_help("nee haal instanties weg")
    assert removed.removed == ("instanties",) and removed.areas == ()
    assert help_areas.parse_help("liefst na 3 uur bellen") is None
    assert set(help_areas.EXPLANATIONS) == set(help_areas.BY_CODE)


@pytest.mark.parametrize("text", ["ik heb geen eigen telefoon", "geen telefoon", "mijn telefoon is kapot"])
def test_no_own_phone_gets_an_alternative(text: str) -> None:
    checked = check_phone(text)
    assert checked.value is None and "nummer geven van iemand" in checked.problem and "verloskundige" in checked.problem
    assert check_phone("geen eigen telefoon, wel van mijn zus: 06 12345678").value == "+31612345678"
