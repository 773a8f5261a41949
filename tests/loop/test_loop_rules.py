"""Pure functions of the loop: reading her messages, the texts, the rendering."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from bot.content import ContentError
from bot.loop import render, requests
from bot.loop.texts import TEXTS_FILE, dutch_date, load_texts, status_text, validate_texts
from bot.store.models import STATUSES
from bot.store.parent_access import CaseSummary

ROOT = Path(__file__).resolve().parents[2]


def _examples(intent: str) -> list[str]:
    found = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if block.get("intent") == intent:
                found += [line.strip()[2:] for line in block["examples"].splitlines() if line.strip().startswith("- ")]
    assert found, intent
    return found


# ---------------------------------------------------------------- reference codes and digits
@pytest.mark.parametrize("text, code", [
    ("MVR-NWZT-TN", "MVR-NWZT-TN"),
    ("mvr nwzt tn", "MVR-NWZT-TN"),
    ("mijn code is mvr-nwzt-tn, kun je kijken?", "MVR-NWZT-TN"),
    ("MVRNWZTTN", "MVR-NWZT-TN"),
    ("nwzt-tn", "MVR-NWZT-TN"),  # the code alone, without the prefix
    ("MVR-NWZT-TM", None),  # one typo: the check character catches it
    ("heeft iemand mijn aanmelding gezien", None),
    ("ik heet ahmed", None),
    ("", None),
])
def test_find_reference(text, code):
    assert requests.find_reference(text) == code


def test_every_reference_training_example_is_read_by_the_action():
    for example in _examples("give_reference"):
        assert requests.find_reference(example) or requests.mentions_reference(example), example


@pytest.mark.parametrize("text, digits", [
    ("78", "78"), ("7 8", "78"), ("het is 78", "78"), ("0612345678", "78"), ("06-12345678", "78"),
    ("", None), ("zeven acht", None), ("7", None), ("123", None), ("12 en 34", None), ("/affirm", None),
])
def test_parse_two_digits(text, digits):
    assert requests.parse_two_digits(text) == digits


# ---------------------------------------------------------------- explicit requests only
def test_every_withdrawal_example_is_an_explicit_request():
    missing = [e for e in _examples("withdraw_registration") if not requests.is_explicit_withdrawal(e)]
    assert missing == []


@pytest.mark.parametrize("intent", ["ask_registration_status", "ask_privacy", "ask_my_data", "request_callback",
                                    "leave_message", "give_reference", "affirm"])
def test_questions_are_never_withdrawal_requests(intent):
    assert [e for e in _examples(intent) if requests.is_explicit_withdrawal(e)] == []


def test_every_erasure_example_is_an_explicit_request():
    assert [e for e in _examples("delete_my_data") if not requests.is_explicit_erasure(e)] == []


@pytest.mark.parametrize("intent", ["ask_registration_status", "ask_privacy", "ask_my_data", "give_reference", "affirm"])
def test_questions_are_never_erasure_requests(intent):
    assert [e for e in _examples(intent) if requests.is_explicit_erasure(e)] == []


@pytest.mark.parametrize("text", [
    "is mijn aanmelding gelukt?", "is mijn aanmelding goed aangekomen?", "ja graag", "ja", "wat is mijn referentiecode",
    "welke gegevens hebben jullie van mij", "wie kan mijn gegevens zien", "privacy",
])
def test_issue_examples_are_not_destructive(text):
    assert not requests.is_explicit_withdrawal(text) and not requests.is_explicit_erasure(text)


def test_the_bots_own_buttons_count_as_explicit():
    assert requests.is_explicit_withdrawal("/withdraw_registration")
    assert requests.is_explicit_erasure("/delete_my_data")
    assert not requests.is_explicit_erasure("/affirm")


@pytest.mark.parametrize("text, answer", [
    ("Ja, trek mijn aanmelding in", True), ("ja graag", True), ("Ja, verwijder alles", True), ("jazeker", True),
    ("Nee, niet intrekken", False), ("nee", False), ("laat maar", False), ("toch niet", False),
    ("Nee, niet verwijderen", False), ("ja maar niet verwijderen", False),
    ("/affirm", None), ("misschien", None), ("", None),
])
def test_parse_confirmation(text, answer):
    assert requests.parse_confirmation(text) is answer


# ---------------------------------------------------------------- texts
def test_shipped_texts_cover_every_status_of_the_store():
    texts = load_texts()
    assert set(texts.statuses) == set(STATUSES)
    assert [status_text(s).label for s in ("new", "in_progress", "contacted", "unreachable", "closed")] == [
        "nieuw", "in behandeling", "contact gehad", "niet bereikbaar", "afgesloten"]
    assert texts.sources and texts.checked <= dt.date.today()


def _raw() -> dict:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("change, problem", [
    (lambda r: r["statuses"].pop("unreachable"), "statuses.unreachable: missing"),
    (lambda r: r["statuses"].__setitem__("lost", r["statuses"]["new"]), "statuses.lost: not a status"),
    (lambda r: r["texts"].__setitem__("privacy", "Bel 010 123 45 67."), "figure '010 123 45 67'"),
    (lambda r: r["texts"].__setitem__("privacy", "Bel {telefoon}."), "unknown placeholder"),
    (lambda r: r["texts"].pop("erase_done"), "texts.erase_done: missing"),
    (lambda r: r["texts"].__setitem__("erase_dnoe", "x"), "texts.erase_dnoe: not used"),
    (lambda r: r.pop("sources"), "sources"),
])
def test_invalid_texts_are_refused_with_the_field_named(change, problem):
    raw = _raw()
    change(raw)
    with pytest.raises(ContentError, match=problem.replace("(", r"\(").replace("{", r"\{")):
        validate_texts(raw, STATUSES)


def test_dutch_date():
    assert dutch_date(dt.date(2026, 12, 1)) == "1 december 2026"
    # 23:30 UTC on 31 March is already 1 April in Rotterdam
    assert dutch_date(dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.timezone.utc)) == "1 april 2026"


# ---------------------------------------------------------------- rendering
def _case(status="new", kind="registration", ref="MVR-NWZT-TN", deleted=False) -> CaseSummary:
    at = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)
    return CaseSummary(ref, kind, status, "rest", at, at, deleted, None, True)


def test_status_answer_says_date_status_next_step_and_phone():
    body, buttons = render.status_answer([_case()])
    assert "MVR-NWZT-TN" in body and "30 november 2026" in body and "Status: nieuw" in body
    assert "binnen twee weken" in body and "010 267 26 53" in body
    assert [b["payload"] for b in buttons] == ["/request_callback", "/leave_message"]


def test_status_answer_for_each_status_differs_and_closed_offers_registration():
    bodies = {s: render.status_answer([_case(s)])[0] for s in STATUSES}
    assert len(set(bodies.values())) == len(STATUSES)
    assert render.status_answer([_case("closed")])[1][0]["payload"] == "/request_registration"
    assert "Bel me terug" in bodies["unreachable"]


def test_status_answer_mentions_an_open_callback_request_beside_the_registration():
    body, _ = render.status_answer([_case("new", "callback", "MVR-9GV4-Z6"), _case("in_progress")])
    assert body.startswith("Je aanmelding MVR-NWZT-TN") and "terugbelt (MVR-9GV4-Z6). Status: nieuw" in body
    only_callback, _ = render.status_answer([_case("new", "callback", "MVR-9GV4-Z6")])
    assert only_callback.startswith("Je terugbelverzoek MVR-9GV4-Z6")


def test_privacy_answer_uses_the_retention_settings(monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "180")
    monkeypatch.setenv("TRACKER_RETENTION_DAYS", "60")
    body, buttons = render.privacy_answer()
    assert "180 dagen" in body and "Moeders van Rotterdam" in body and "010 267 26 53" in body
    assert "gegevens. Deze chat verwijderen we na 60 dagen." in body
    assert "verwijder mijn gegevens" in body and [b["payload"] for b in buttons] == ["/ask_my_data", "/delete_my_data"]


def test_erase_question_names_what_goes():
    body, _ = render.erase_question([_case(), _case("new", "callback", "MVR-9GV4-Z6")])
    assert "je aanmelding (MVR-NWZT-TN)" in body and "je terugbelverzoek (MVR-9GV4-Z6)" in body and "deze chat" in body
    chat_only, _ = render.erase_question([])
    assert "geen aanmelding" in chat_only and "deze chat" in chat_only


def test_every_loop_button_fits_whatsapp():
    from bot.loop import callback

    buttons = [v for v in vars(render).values() if isinstance(v, dict) and "payload" in v]
    buttons += callback.CONSENT_BUTTONS + callback.MOMENT_BUTTONS
    assert len(buttons) >= 10
    assert [b["title"] for b in buttons if len(b["title"]) > 20] == []
