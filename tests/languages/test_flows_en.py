"""The kraamzorg check and the registration in English (issue 11 item 2), at action level.

The same actions as in Dutch, with the conversation language ``en``: questions, re-asks,
outcome, consent, summary and the stored consent record in English; button payloads stay
the Dutch answers, so a tap means the same in both languages.
"""

from __future__ import annotations

import re

import actions.kraamzorg as kz_actions
from actions.registration import ActionAskRegConfirm, ActionAskRegConsent, ActionAskRegHelp
from bot.kraamzorg import answers as kz
from bot.languages.localize import figures
from bot.registration import fields as f
from bot.registration.consent import consent_language, consent_text, consent_version, is_clear_no, is_clear_yes
from bot.registration.preferred_language import parse_preferred_language
from bot.registration.submit import build_input
from bot.store.registrations import get_registration
from tests.helpers import run_action
from tests.kraamzorg.test_actions import FILLED, _after_outcome, _answer, _fixed_date  # noqa: F401 - fixture
from tests.registration.test_registration_actions import filled, form_tracker, store_env, validate  # noqa: F401

EN = {"language": "en"}


# ------------------------------------------------------------------ kraamzorg check
def test_kraamzorg_result_in_english_with_the_same_figures() -> None:
    messages, events = run_action(kz_actions.ActionKraamzorgResult(), _answer("kz_hours", "unknown", {**FILLED, **EN}))
    english = "\n".join(m["text"] for m in messages)
    dutch_messages, _ = run_action(kz_actions.ActionKraamzorgResult(), _answer("kz_hours", "unknown", FILLED))
    # the Dutch answers recap ("Dit heb ik van je begrepen: ...") comes first and is Dutch only
    dutch = "\n".join(m["text"] for m in dutch_messages if not m["text"].startswith("Dit heb ik van je begrepen"))
    assert "You can probably get the own contribution" in english and "Source: gemeente Rotterdam" in english
    assert "Bron:" not in english and "Je krijgt" not in english
    assert figures(english) == figures(dutch)
    assert [b["title"] for b in messages[-1]["buttons"]] == [
        "How do I apply?", "Why?", "Do it again", "Register for help", "Ask something else"]
    assert [b["payload"] for b in messages[-1]["buttons"]] == [b["payload"] for b in dutch_messages[-1]["buttons"]]
    previous = next(e["value"] for e in events if e.get("name") == "kz_previous")
    how, _ = run_action(kz_actions.ActionKraamzorgMore(), _after_outcome("/offering_how", "offering_how", previous,
                                                                        language="en"))
    steps = "\n".join(m["text"] for m in how)
    assert "category 7" in steps and "You are 37 weeks pregnant" in steps and "Je bent" not in steps


def test_kraamzorg_savings_question_and_reasks_in_english() -> None:
    messages, _ = run_action(kz_actions.ActionAskKzSavings(), _answer("kz_savings", None, {"kz_household": "couple", **EN}))
    assert messages[0]["text"].startswith("Do you and your partner together have more than € 16.000")
    assert [b["title"] for b in messages[0]["buttons"]] == ["Yes", "No", "I don't know"]
    messages, events = run_action(kz_actions.ValidateKraamzorgForm(), _answer("kz_household", "no idea what you mean", EN))
    assert messages[0]["text"].startswith("I did not quite understand that. Do you live alone")


def test_kraamzorg_answers_typed_in_english() -> None:
    assert kz.parse_household("I live alone", None, "en").value == "single"
    assert kz.parse_household("alone with my kids", None, "en").value == "single_parent"
    assert kz.parse_household("with my husband", None, "en").value == "couple"
    assert kz.parse_insurance("only the basic insurance", None, "en").value == "basic_only"
    assert kz.parse_yes_no_unknown("not sure", None, "example_debt", "en").value == "unknown"
    assert kz.parse_hours("not yet", None, lang="en").value == "unknown"
    assert kz.parse_income("about 1500 euro a month", None, "en").value == "1500.00"
    assert "Type the net amount per month" in kz.parse_income("lots", None, "en").problem


# ------------------------------------------------------------------ registration
def test_consent_in_english_has_its_own_version_and_the_same_figures() -> None:
    nl, en = consent_text(days=365), consent_text(days=365, lang="en")
    assert en.startswith("Before you register, I ask for your consent.") and en.endswith("Do you give your consent?")
    assert figures(nl) == figures(en)
    assert consent_version(365, "en").endswith("-en") and not consent_version(365).endswith("-en")
    assert consent_language(consent_version(365, "en")) == "en" and consent_language(consent_version(365)) == "nl"
    assert re.fullmatch(r"1-365d-[0-9a-f]{8}", consent_version(365))  # the Dutch version did not change form


def test_a_clear_yes_in_english_and_everything_else_is_no() -> None:
    for yes in ("yes", "Yes, I consent", "I agree", "yes I give my consent", "ok yes"):
        assert is_clear_yes(yes), yes
    for unclear in ("maybe", "yes but why?", "no", "I don't know", "not now", "/affirm"):
        assert not is_clear_yes(unclear), unclear
    assert is_clear_no("no thanks") and is_clear_no("I don't want that")


def test_consent_question_and_help_question_in_english() -> None:
    messages, _ = run_action(ActionAskRegConsent(), form_tracker(f.CONSENT, "", EN))
    consent = "\n".join(m["text"] for m in messages)  # sent as short messages, buttons on the last
    assert messages[0]["text"].startswith("Before you register") and "010 267 26 53" in consent
    assert [b["title"] for b in messages[-1]["buttons"]] == ["Yes, I consent", "No"]
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["Ja, ik geef toestemming", "Nee, ik geef geen toestemming"]
    messages, _ = run_action(ActionAskRegHelp(), form_tracker(f.HELP, "", EN))
    assert messages[0]["text"].startswith("What would you like help with?")
    assert messages[0]["buttons"][0] == {"title": "Pregnancy and baby", "payload": "Zwangerschap en baby"}


def test_consent_given_in_english_stores_the_english_version() -> None:
    _, values = validate(f.CONSENT, "Yes, I consent", {f.PREGNANT: True, f.ROTTERDAM: True, **EN})
    assert values[f.CONSENT] is True and values[f.CONSENT_VERSION].endswith("-en")
    text, values = validate(f.CONSENT, "maybe later", {f.PREGNANT: True, f.ROTTERDAM: True, **EN})
    assert values[f.OUTCOME] == "no_consent" and text.startswith("I am not sure whether you give your consent")


def test_conditions_and_reasks_in_english() -> None:
    text, values = validate(f.PREGNANT, "my baby was born last week", EN)
    assert values[f.OUTCOME] == "born" and text.startswith("Congratulations on your baby!")
    text, values = validate(f.ROTTERDAM, "no, I live in Schiedam", {f.PREGNANT: True, **EN})
    assert values[f.OUTCOME] == "outside_rotterdam" and "own gemeente" in text
    assert validate(f.PREGNANT, "yes I am pregnant", EN)[1][f.PREGNANT] is True
    text, _ = validate(f.PHONE, "call me", {**filled(), **EN})
    assert text.startswith("I do not see a phone number")
    text, values = validate(f.POSTCODE, "I have no fixed address", {**filled(), **EN})
    assert values[f.POSTCODE] == "onbekend"
    text, values = validate(f.DUE, "I am 20 weeks pregnant", {**filled(), **EN})
    assert values[f.WEEKS] == 20
    assert validate(f.NAME, "my name is Sarah", {**filled(), **EN})[1][f.NAME] == "Sarah"
    assert validate(f.REACHABLE, "in the morning", {**filled(), **EN})[1][f.REACHABLE] == "'s ochtends"


def test_preferred_language_and_interpreter() -> None:
    assert parse_preferred_language("Turks, met tolk") == parse_preferred_language("Turkish, with an interpreter")
    assert parse_preferred_language("Bellen in het Nederlands").interpreter is False
    assert parse_preferred_language("English please, no interpreter needed").language == "Engels"
    assert parse_preferred_language("Tigrinya and a bit of Arabic").language == "Tigrinya and a bit of Arabic"
    _, values = validate(f.LANGUAGE, "Arabic, I need an interpreter", {**filled(), **EN})
    assert values[f.LANGUAGE] == "Arabisch" and values[f.INTERPRETER] is True
    _, values = validate(f.LANGUAGE, "weet ik niet", filled())
    assert values[f.LANGUAGE] == "unknown" and values[f.INTERPRETER] is None


def test_summary_in_english_with_the_language_line() -> None:
    slots = filled(**{f.LANGUAGE: "Arabisch", f.INTERPRETER: True, **EN})
    messages, _ = run_action(ActionAskRegConfirm(), form_tracker(f.CONFIRM, "", slots))
    text = messages[0]["text"]
    assert text.startswith("This is what I will send to the aanmeldpunt")
    assert "• Call in: Arabisch, with an interpreter" in text and "Help with: Money and paperwork, Housing" in text
    assert messages[0]["buttons"][0] == {"title": "Correct, send", "payload": "Klopt, versturen"}
    _, values = validate(f.CONFIRM, "my phone number is wrong", slots)
    assert values[f.PHONE] is None


def test_english_registration_is_stored_with_language_consent_text_and_interpreter(store_env: str) -> None:  # noqa: F811
    version = consent_version(lang="en")
    slots = filled(**{f.CONSENT_VERSION: version, f.LANGUAGE: "Arabisch", f.INTERPRETER: True, **EN})
    inp = build_input(slots, "sender-key", "rest")
    assert inp.chat_language == "en" and inp.consent_text == consent_text(lang="en")
    assert inp.language == "Arabisch" and inp.interpreter is True
    text, values = validate(f.CONFIRM, "yes, send it", slots, intent="affirm")
    assert text.startswith("Thank you, Fatima! Your registration has been sent")
    reg = get_registration(values[f.REFERENCE], url=store_env)
    assert reg.chat_language == "en" and reg.consent_text_version == version
    assert reg.language == "Arabisch" and reg.interpreter is True


def test_a_tapped_dutch_payload_keeps_the_conversation_in_english() -> None:
    from rasa_sdk import Tracker

    from actions.languages import ActionValidateSlotMappings

    buttons = [{"title": "Yes, I consent", "payload": "Ja, ik geef toestemming"}]
    def tracker(said: str, reason: str = "default") -> Tracker:
        latest = {"text": said, "intent": {"name": "affirm"}, "language": {"lang": "nl", "reason": reason}}
        events = [{"event": "bot", "text": "Do you give your consent?", "data": {"buttons": buttons}},
                  {"event": "user", "text": said, "parse_data": latest}]
        return Tracker("s", {"language": "en", "language_offered": True}, latest, events, False, None, None,
                       "action_listen")

    _, events = run_action(ActionValidateSlotMappings(), tracker("Ja, ik geef toestemming", "function_words"))
    assert events == []  # tapped: even a clearly Dutch payload keeps English
    said = "ik wil toch liever verder in het Nederlands praten"
    _, events = run_action(ActionValidateSlotMappings(), tracker(said, "function_words"))
    assert any(e.get("name") == "language" and e.get("value") == "nl" for e in events)
