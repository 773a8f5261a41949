"""Action tests for the registration form (rasa_sdk Tracker + dispatcher); the withdrawal's are in
tests/loop/test_loop_actions.py.

The store is real (a fresh SQLite database per test); only the network is not involved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from cryptography.fernet import Fernet
from rasa_sdk import Tracker

from actions.registration import (
    ActionAskRegConfirm,
    ActionAskRegConsent,
    ActionAskRegHelp,
    ActionRegistrationFinish,
    ActionRegistrationStart,
    ValidateRegistrationForm,
)
from bot.privacy.pseudonym import sender_key
from bot.readability import MAX_MESSAGE_WORDS, words
from bot.registration import fields as f
from bot.store.registrations import get_registration, list_registrations
from bot.store.testing import temp_database_url
from tests.helpers import run_action

SENDER = "chat-user-1"


@pytest.fixture(autouse=True)
def store_env(tmp_path, monkeypatch) -> str:
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("APP_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    monkeypatch.setenv("PSEUDONYM_SECRET", "test-secret")
    for name in ("NOTIFY_TO", "RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    with temp_database_url("sqlite", tmp_path) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        yield url


def form_tracker(slot: str, text: str, slots: dict[str, Any] | None = None, intent: str = "nlu_fallback",
                 sender_id: str = SENDER, form: str = f.FORM) -> Tracker:
    """The tracker as the form's validation action sees it: the answer was just extracted into ``slot``."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": [], "intent_ranking": []}
    all_slots = {**(slots or {}), slot: text, "requested_slot": slot}
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"},
        {"event": "slot", "name": slot, "value": text},
    ]
    return Tracker(sender_id, all_slots, latest, events, False, None, {"name": form}, "action_listen")


def validate(slot: str, text: str, slots: dict[str, Any] | None = None, **kw) -> tuple[str, dict[str, Any]]:
    messages, events = run_action(ValidateRegistrationForm(), form_tracker(slot, text, slots, **kw))
    values = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    return "\n".join(m.get("text") or "" for m in messages), values


CONSENTED = {f.PREGNANT: True, f.ROTTERDAM: True}


def filled(**over) -> dict[str, Any]:
    slots = {
        **CONSENTED, f.CONSENT: True, f.CONSENT_AT: "2026-01-10T10:00:00+00:00", f.CONSENT_VERSION: "1-365d-abc",
        f.INSTANCE: "inst-1", f.NAME: "Fatima", f.PHONE: "+31612345678", f.POSTCODE: "3072 AB",
        f.GEBIED: "Feijenoord", f.DUE: (dt.date.today() + dt.timedelta(weeks=20)).isoformat(), f.WEEKS: 20,
        f.HELP: ["geld", "wonen"], f.HELP_PICKED: ["geld", "wonen"], f.REACHABLE: "'s ochtends",
    }
    slots.update(over)
    return slots


# ------------------------------------------------------------------ start and conditions
def test_start_explains_and_resets_every_slot() -> None:
    messages, events = run_action(ActionRegistrationStart(), form_tracker(f.NAME, "x"))
    assert messages[0]["response"] == "utter_registration_intro"
    assert {e["name"] for e in events} == {*f.ALL_SLOTS, "requested_slot"}
    assert all(e["value"] is None for e in events)


def test_already_given_birth_goes_to_cjg_and_ends() -> None:
    text, values = validate(f.PREGNANT, "Nee, mijn baby is al geboren")
    assert "CJG" in text and "niets" in text
    assert values[f.OUTCOME] == "born" and values["requested_slot"] is None


def test_outside_rotterdam_goes_to_own_gemeente_and_ends() -> None:
    text, values = validate(f.ROTTERDAM, "ik woon in Schiedam", {f.PREGNANT: True})
    assert "eigen gemeente" in text
    assert values[f.OUTCOME] == "outside_rotterdam" and values["requested_slot"] is None


def test_unclear_condition_is_asked_again() -> None:
    text, values = validate(f.PREGNANT, "hmm")
    assert values[f.PREGNANT] is None and f.OUTCOME not in values and "knoppen" in text


# ------------------------------------------------------------------ consent
def test_consent_question_states_everything(monkeypatch) -> None:
    monkeypatch.setenv("RETENTION_DAYS", "200")
    messages, _ = run_action(ActionAskRegConsent(), form_tracker(f.CONSENT, ""))
    said = "\n".join(m["text"] for m in messages)  # all its points, in messages of at most 60 words
    assert "200 dagen" in said and "010 267 26 53" in said
    assert [b["title"] for b in messages[-1]["buttons"]][0].startswith("Ja")
    assert all(len(words(m["text"])) <= MAX_MESSAGE_WORDS for m in messages) and len(messages) == 2


def test_clear_yes_sets_consent_with_time_version_and_instance() -> None:
    _, values = validate(f.CONSENT, "Ja, ik geef toestemming", CONSENTED, intent="affirm")
    assert values[f.CONSENT] is True
    assert dt.datetime.fromisoformat(values[f.CONSENT_AT]).tzinfo is not None
    assert values[f.CONSENT_VERSION].startswith("1-365d-")
    assert values[f.INSTANCE]


@pytest.mark.parametrize(("text", "answer"), [
    ("wat is een intake precies?", "eerste gesprek"),
    ("wie kan mijn gegevens zien? ook de IND?", "alleen aan het aanmeldpunt"),
    ("what do you do with my data", "alleen aan het aanmeldpunt"),
    ("hoe lang duurt het", "010 267 26 53"),
    ("wat betekent toestemming", "niet verplicht"),
    ("mag ik later nog stoppen?", "trek mijn aanmelding in"),
])
def test_a_question_at_consent_is_answered_and_asked_again_nothing_stored(text: str, answer: str,
                                                                           store_env: str) -> None:
    message, values = validate(f.CONSENT, text, CONSENTED, intent="nlu_fallback")
    assert answer in message
    assert values[f.CONSENT] is None and f.OUTCOME not in values  # the form asks for consent again
    assert list_registrations(url=store_env) == []


@pytest.mark.parametrize("text", ["/affirm", '/request_registration{"reg_consent": true}', "misschien", "nee"])
def test_no_or_unclear_consent_stores_nothing_and_gives_the_phone_number(text: str, store_env: str) -> None:
    message, values = validate(f.CONSENT, text, CONSENTED, intent="affirm")
    assert values[f.CONSENT] is False and values[f.OUTCOME] == "no_consent"
    assert "010 267 26 53" in message and "niets" in message
    assert values["requested_slot"] is None
    assert list_registrations(url=store_env) == []


def test_consent_not_accepted_when_another_question_was_asked() -> None:
    tracker = form_tracker(f.CONSENT, "ja", CONSENTED, intent="affirm")
    tracker.slots["requested_slot"] = f.NAME
    _, events = run_action(ValidateRegistrationForm(), tracker)
    assert {e["name"]: e["value"] for e in events}.get(f.CONSENT) is not True


# ------------------------------------------------------------------ personal fields
def test_invalid_phone_is_reasked_with_example() -> None:
    text, values = validate(f.PHONE, "+32 470 12 34 56", filled(**{f.PHONE: None}))
    assert values[f.PHONE] is None and "06 12345678" in text


def test_valid_fields_are_normalised() -> None:
    assert validate(f.PHONE, "0031 6 12345678", {})[1][f.PHONE] == "+31612345678"
    _, values = validate(f.POSTCODE, "3072ab", {})
    assert values[f.POSTCODE] == "3072 AB" and values[f.GEBIED] == "Feijenoord"
    _, values = validate(f.DUE, "20 weken", {})
    assert values[f.WEEKS] == 20 and values[f.DUE]


def test_postcode_outside_rotterdam_explains_and_points_to_own_gemeente() -> None:
    text, values = validate(f.POSTCODE, "1012 AB", {})
    assert values[f.POSTCODE] is None and "eigen gemeente" in text


def test_help_areas_multiple_choice_until_klaar() -> None:
    _, values = validate(f.HELP, "Wonen", {})
    assert values[f.HELP] is None and values[f.HELP_PICKED] == ["wonen"]
    messages, _ = run_action(ActionAskRegHelp(), form_tracker(f.HELP, "", {f.HELP_PICKED: ["wonen"]}))
    assert "Gekozen: Wonen" in messages[0]["text"]
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "Klaar" in titles and "Wonen" not in titles
    _, values = validate(f.HELP, "geld", {f.HELP_PICKED: ["wonen"]})
    assert values[f.HELP_PICKED] == ["wonen", "geld"] and values[f.HELP] is None
    _, values = validate(f.HELP, "Klaar", {f.HELP_PICKED: ["wonen", "geld"]})
    assert values[f.HELP] == ["wonen", "geld"]
    text, values = validate(f.HELP, "klaar", {})
    assert values[f.HELP] is None and "minstens" in text
    _, values = validate(f.HELP, "Weet ik nog niet", {})
    assert values[f.HELP] == ["weet_niet"]


def test_help_in_her_own_words_is_kept_for_the_aanmeldpunt(store_env: str) -> None:
    _, values = validate(f.HELP, "Ik heb schulden en mijn huis is te klein", {})
    assert values[f.HELP_PICKED] == ["wonen", "geld"] or set(values[f.HELP_PICKED]) == {"wonen", "geld"}
    assert values[f.HELP_TEXT] == "Ik heb schulden en mijn huis is te klein"
    # not understood: still kept, and asked again
    text, values = validate(f.HELP, "dat vertel ik liever aan de telefoon", {f.HELP_TEXT: "eerste zin hier"})
    assert "begreep ik niet" in text and values[f.HELP_TEXT] == "eerste zin hier\ndat vertel ik liever aan de telefoon"
    # a question she asks us is not her need: not passed on as her words
    for question in ("is mijn aanmelding aangekomen?", "wat gebeurt er met mijn gegevens"):
        _, values = validate(f.HELP, question, {f.HELP_TEXT: "eerste zin hier"})
        assert f.HELP_TEXT not in values, question
    # a button or a single word is a choice, not her own words
    for choice in ("Wonen", "Klaar", "Weet ik nog niet", "schulden"):
        _, values = validate(f.HELP, choice, {f.HELP_PICKED: ["geld"]})
        assert f.HELP_TEXT not in values, choice
    own = "Ik heb schulden en weet niet waar ik moet beginnen."
    messages, _ = run_action(ActionAskRegConfirm(), form_tracker(f.CONFIRM, "", filled(**{f.HELP_TEXT: own})))
    assert f"In je eigen woorden: {own}" in messages[0]["text"]
    _, values = validate(f.CONFIRM, "Hulp aanpassen", filled(**{f.HELP_TEXT: own}))
    assert values[f.HELP_TEXT] is None  # corrected: asked again
    _, values = validate(f.CONFIRM, "Klopt, versturen", filled(**{f.HELP_TEXT: own}), intent="affirm")
    reg = get_registration(values[f.REFERENCE], url=store_env)
    assert reg.own_words == own


# ------------------------------------------------------------------ summary, correction, sending
def test_summary_and_correction() -> None:
    messages, _ = run_action(ActionAskRegConfirm(), form_tracker(f.CONFIRM, "", filled()))
    assert "Fatima" in messages[0]["text"] and "06 12345678" in messages[0]["text"]
    _, values = validate(f.CONFIRM, "mijn nummer klopt niet", filled())
    assert values[f.PHONE] is None and values[f.CONFIRM] is None
    _, values = validate(f.CONFIRM, "Postcode aanpassen", filled())
    assert values[f.POSTCODE] is None and values[f.GEBIED] is None


def test_confirm_stores_once_with_consent_record(store_env: str) -> None:
    text, values = validate(f.CONFIRM, "Klopt, versturen", filled(), intent="affirm")
    reference = values[f.REFERENCE]
    assert reference and reference in text and values[f.OUTCOME] == "registered"
    assert "kennismaking (de intake)" in text and "Soms is een advies genoeg" in text
    assert values["requested_slot"] is None
    # a repeated confirmation (same form instance) never duplicates
    _, again = validate(f.CONFIRM, "klopt", filled(), intent="affirm")
    assert again[f.REFERENCE] == reference
    regs = list_registrations(url=store_env)
    assert [r.reference for r in regs] == [reference]
    reg = get_registration(reference, url=store_env)
    assert reg.name == "Fatima" and reg.phone == "+31612345678" and reg.postcode == "3072 AB"
    assert reg.consent_text_version == "1-365d-abc" and reg.channel == "rest"
    assert reg.help_areas == ["Geld en administratie", "Wonen"] and reg.weeks_pregnant == 20


def test_database_down_then_retry_creates_exactly_one(store_env: str, monkeypatch, caplog) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:1/nope")
    text, values = validate(f.CONFIRM, "Klopt, versturen", filled())
    assert "010 267 26 53" in text and "storing" in text
    assert values[f.CONFIRM] is None and f.REFERENCE not in values  # the form asks again
    assert "Fatima" not in caplog.text and "612345678" not in caplog.text
    assert "unavailable" in caplog.text
    monkeypatch.setenv("DATABASE_URL", store_env)
    _, values = validate(f.CONFIRM, "Klopt, versturen", filled())
    _, values2 = validate(f.CONFIRM, "Klopt, versturen", filled())
    assert values[f.REFERENCE] == values2[f.REFERENCE]
    assert len(list_registrations(url=store_env)) == 1


def test_finish_clears_personal_slots() -> None:
    _, events = run_action(ActionRegistrationFinish(), form_tracker(f.CONFIRM, "", filled()))
    cleared = {e["name"] for e in events if e["value"] is None}
    assert {f.NAME, f.PHONE, f.POSTCODE, f.DUE, f.HELP, f.REACHABLE, f.CONSENT}.issubset(cleared)


def test_sender_key_is_what_the_store_gets(store_env: str) -> None:
    _, values = validate(f.CONFIRM, "klopt", filled())
    from bot.store.registrations import withdraw_by_sender

    assert withdraw_by_sender(sender_key(SENDER), url=store_env) == [values[f.REFERENCE]]


def test_form_start_with_reset_slots_validates_nothing() -> None:
    """At activation rasa_sdk validates the trailing SlotSet(None) events of action_registration_start:
    those are not answers (no re-asks, no 'no consent')."""
    latest = {"text": "ik wil me aanmelden", "intent": {"name": "request_registration", "confidence": 1.0},
              "entities": []}
    events = [{"event": "user", "text": "ik wil me aanmelden", "parse_data": latest},
              {"event": "action", "name": "action_registration_start"},
              *[{"event": "slot", "name": slot, "value": None} for slot in f.ALL_SLOTS]]
    tracker = Tracker(SENDER, {}, latest, events, False, None, {"name": f.FORM}, "action_registration_start")
    messages, events_out = run_action(ValidateRegistrationForm(), tracker)
    assert messages == []
    assert all(e.get("value") is None for e in events_out if e.get("name") in (f.OUTCOME, f.CONSENT))


def test_help_question_is_explained_and_removal_works() -> None:
    text, values = validate(f.HELP, "wat betekent instanties?", {f.HELP_PICKED: ["wonen"]})
    assert "organisaties, zoals de gemeente" in text and values[f.HELP] is None and values[f.HELP_PICKED] == ["wonen"]
    assert f.HELP_TEXT not in values  # a question is not her own words for the aanmeldpunt
    text, values = validate(f.HELP, "nee haal instanties weg", {f.HELP_PICKED: ["wonen", "instanties"]})
    assert values[f.HELP_PICKED] == ["wonen"] and "Weggehaald: Instanties" in text
    _, values = validate(f.HELP, "geldzorgen en huisvesting", {})
    assert set(values[f.HELP_PICKED]) == {"wonen", "geld"}
    text, values = validate(f.HELP, "liefst na 3 uur bellen", {})
    assert values[f.HELP] is None and not values.get(f.HELP_PICKED)


@pytest.mark.parametrize("text", ["nee", "ik wil toch niet"])
def test_summary_no_offers_cancel(text: str) -> None:
    message, values = validate(f.CONFIRM, text, filled())
    assert values[f.CONFIRM] is None and "Niet versturen" in message and "stop" in message
    messages, _ = run_action(ActionAskRegConfirm(), form_tracker(f.CONFIRM, "", filled()))
    assert {"title": "Niet versturen", "payload": "/stop"} in messages[0]["buttons"]


@pytest.mark.parametrize("slot", [f.PHONE, f.CONSENT, f.NAME])
def test_asking_for_a_person_in_the_form_gets_the_hand_off_then_the_same_question(slot: str, store_env: str) -> None:
    """'ik wil toch liever met een mens praten' at a question is not her answer to it."""
    messages, values = validate(slot, "ik wil toch liever met een mens praten", CONSENTED, intent="request_human")
    assert "010 267 26 53" in messages  # the hand-off: who to call
    assert values == {slot: None}  # nothing stored; the form asks the same question again
    assert list_registrations(url=store_env) == []
    # a confident answer that only resembles the request stays an answer
    _, values = validate(f.PHONE, "0612345678", CONSENTED, intent="inform")
    assert values[f.PHONE] == "+31612345678"


def test_three_answers_not_understood_tell_her_the_way_out() -> None:
    """Never an endless loop: after three answers to one question, how to stop and who to call."""
    from actions.form_help import answers_to_this_question
    from bot.conversation import stuck_in_form_text

    def tracker_after(answers: list[str]) -> Tracker:
        events = [{"event": "slot", "name": "requested_slot", "value": f.NAME},
                  {"event": "user", "text": "Fatima"}, {"event": "slot", "name": f.NAME, "value": "Fatima"},
                  {"event": "slot", "name": "requested_slot", "value": f.PHONE}]
        for answer in answers[:-1]:
            events += [{"event": "user", "text": answer}, {"event": "slot", "name": "requested_slot", "value": f.PHONE}]
        # the form just extracted her latest answer into the slot
        events += [{"event": "user", "text": answers[-1]}, {"event": "slot", "name": f.PHONE, "value": answers[-1]}]
        latest = {"text": answers[-1], "intent": {"name": "nlu_fallback", "confidence": 0.4}, "entities": []}
        return Tracker(SENDER, {**CONSENTED, f.PHONE: answers[-1], "requested_slot": f.PHONE}, latest, events,
                       False, None, {"name": f.FORM}, "action_listen")

    assert answers_to_this_question(tracker_after(["weet ik niet"])) == 1  # the name answer does not count
    messages, _ = run_action(ValidateRegistrationForm(), tracker_after(["weet ik niet", "hmm"]))
    assert stuck_in_form_text() not in [m.get("text") for m in messages]
    messages, events = run_action(ValidateRegistrationForm(), tracker_after(["weet ik niet", "hmm", "geen idee"]))
    assert messages[-1]["text"] == stuck_in_form_text() and "010 267 26 53" in messages[-1]["text"]
    assert {"event": "slot", "name": f.PHONE, "value": None, "timestamp": None} in events


@pytest.mark.parametrize("said", ["Klopt, versturen", "Nummer aanpassen", "Yes, send it"])
def test_another_questions_button_is_no_answer_to_the_language_question(said: str) -> None:
    """Staff saw "Bellen in: Klopt, versturen": a button title typed or tapped at the language question."""
    from bot.registration.texts import is_button_title

    text, values = validate(f.LANGUAGE, said, CONSENTED)
    if is_button_title(said):
        assert values == {f.LANGUAGE: None} and text  # asked again
    else:
        assert values[f.LANGUAGE] == said  # her own words are kept
    _, values = validate(f.LANGUAGE, "Turks, met tolk", CONSENTED)
    assert values[f.LANGUAGE] == "Turks" and values[f.INTERPRETER] is True
