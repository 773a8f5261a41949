"""The loop's answers in English (issue 11 item 2): status, privacy, erasure, callback consent.

Same actions and store as tests/loop/test_loop_actions.py, with the conversation language
``en``: the texts come from the ``en:`` block of content/loop/texts.yml, with the same phone
number and the same button payloads as in Dutch.
"""

from __future__ import annotations

from typing import Any

import pytest

from actions import loop as a
from bot.languages.localize import figures
from bot.loop import slots as s
from bot.loop.callback import CALL, consent_text, consent_version
from bot.readability import split_message
from bot.store.cases import set_status
from bot.store.registrations import get_registration
from tests.helpers import make_tracker, run_action
from tests.loop.test_loop_actions import HER, _cb, _events, _register, _said, form_tracker

EN = {"language": "en"}


@pytest.fixture(autouse=True)
def _store(sqlite_url):
    return sqlite_url


def _payloads(messages: list[dict[str, Any]]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def test_status_without_a_registration_in_english():
    english, _ = run_action(a.ActionLoopStatus(), make_tracker("ask_registration_status", "did my registration arrive?",
                                                                slots=EN))
    dutch, _ = run_action(a.ActionLoopStatus(), make_tracker("ask_registration_status", "is mijn aanmelding gelukt?"))
    said = _said(english)
    assert said.startswith("I cannot find a registration from you through this chat.")
    assert "Questions? Call the aanmeldpunt Moeders van Rotterdam: 010 267 26 53." in said
    assert "aanmelding van je" not in said
    assert [b["title"] for b in english[0]["buttons"]] == ["Register", "Call me back"]
    assert _payloads(english) == _payloads(dutch) and figures(said) == figures(_said(dutch))


def test_status_of_her_registration_in_english():
    ref = _register()
    tracker = make_tracker("ask_registration_status", "when will they call?", sender_id=HER, slots=EN)
    said = _said(run_action(a.ActionLoopStatus(), tracker)[0])
    assert f"Your registration {ref} came in on" in said and "Status: new." in said
    assert "within two weeks" in said and "010 267 26 53" in said
    assert not any(month in said for month in ("januari", "februari", "maart", "mei", "juni", "juli", "augustus",
                                               "oktober"))
    set_status(ref, "unreachable", "anna")
    said = _said(run_action(a.ActionLoopStatus(), tracker)[0])
    assert "Status: not reachable." in said and "could not reach you" in said and "niet bereikbaar" not in said


def test_privacy_answer_in_english():
    english, _ = run_action(a.ActionLoopPrivacy(), make_tracker("ask_privacy", "who can see my data", slots=EN))
    dutch, _ = run_action(a.ActionLoopPrivacy(), make_tracker("ask_privacy", "wie kan mijn gegevens zien"))
    said = _said(english)
    assert said.startswith("This is how we handle your data:")
    assert "Only the staff of the aanmeldpunt Moeders van Rotterdam" in said and "365 days" in said
    assert "Alleen de medewerkers" not in said and figures(said) == figures(_said(dutch))
    assert [b["title"] for b in english[-1]["buttons"]] == ["What do you know?", "Delete my data"]
    assert _payloads(english) == _payloads(dutch)


def test_erase_question_in_english():
    ref = _register()
    messages, _ = run_action(a.ActionAskLoopEraseOk(), make_tracker(sender_id=HER, slots=EN))
    said = _said(messages)
    assert said.startswith(f"Do you want us to delete all your data? Then we delete your registration ({ref})")
    assert [b["title"] for b in messages[0]["buttons"]] == ["Yes, delete all", "No"]


def test_callback_consent_in_english_is_versioned_by_the_text_she_read():
    english, _ = run_action(a.ActionAskCbConsent(), make_tracker(slots=EN))
    assert [m["text"] for m in english] == split_message(consent_text(CALL, lang="en"))  # short messages
    assert english[0]["text"].startswith("The aanmeldpunt can call you back.")
    assert [b["title"] for b in english[-1]["buttons"]] == ["Yes, that is fine", "No"]
    assert _payloads(english) == ["Ja, dat is goed", "Nee, liever niet"]
    assert consent_version(CALL, lang="en") != consent_version(CALL)
    said, values = _cb(s.CALLBACK_FORM, s.CB_CONSENT, "Ja, dat is goed", slots=EN)
    assert values[s.CB_CONSENT] is True and values[s.CB_CONSENT_VERSION] == consent_version(CALL, lang="en")
    said, values = _cb(s.CALLBACK_FORM, s.CB_CONSENT, "Nee, liever niet", intent="deny", slots=EN)
    assert "then I will not keep anything" in said and "010 267 26 53" in said


def test_her_own_data_in_english():
    ref = _register()
    messages, _ = run_action(a.ActionLoopMyData(), make_tracker("ask_my_data", "what do you know about me",
                                                                 sender_id=HER, slots=EN))
    said = _said(messages)
    assert said.startswith("This is what we know about you:")
    for expected in (f"Registration {ref}, came in on", "Name: Fatima Zwanenburg", "Phone number: 06 12345678",
                     "Due date: 1 May 2026", "Weeks pregnant when you registered: 22", "Permission: given on 3 November 2025",
                     "010 267 26 53", "delete my data"):
        assert expected in said, expected
    for dutch in ("Naam:", "binnengekomen", "Toestemming", "mei"):
        assert dutch not in said, dutch
    assert [b["title"] for b in messages[0]["buttons"]] == ["Delete my data"]


def test_withdrawal_in_english():
    ref = _register()
    messages, _ = run_action(a.ActionAskRegWithdrawOk(), make_tracker(sender_id=HER, slots=EN))
    question = _said(messages)
    assert question.startswith(f"Do you want to withdraw your registration {ref}") and "cannot be undone" in question
    assert [b["title"] for b in messages[0]["buttons"]] == ["Yes, withdraw", "No"]
    assert _payloads(messages) == ["Ja, trek mijn aanmelding in", "Nee, niet intrekken"]
    done = make_tracker(slots={s.WITHDRAW_OK: "yes", s.ARMED: "withdraw:1", **EN}, sender_id=HER,
                        events=[{"event": "user", "text": "...", "parse_data": {}}])
    said = _said(run_action(a.ActionRegistrationWithdraw(), done)[0])
    assert said.startswith(f"Your registration has been withdrawn ({ref}).") and "010 267 26 53" in said
    assert get_registration(ref).name is None
    kept = make_tracker(slots={s.WITHDRAW_OK: "no", **EN}, sender_id="someone-else")
    assert _said(run_action(a.ActionRegistrationWithdraw(), kept)[0]).startswith("Okay, I will not change anything")


def test_an_unclear_consent_answer_in_english():
    said, values = _cb(s.CALLBACK_FORM, s.CB_CONSENT, "/affirm", slots=EN)
    assert values[s.CB_CONSENT] is None and said == "I am not sure whether that is okay for you."
    earlier = [{"event": "active_loop", "name": s.CALLBACK_FORM},
               {"event": "bot", "text": "I am not sure whether that is okay for you."}]
    messages, events = run_action(a.ValidateLoopCallbackForm(), form_tracker(
        s.CALLBACK_FORM, s.CB_CONSENT, "/affirm", EN, earlier=earlier))
    assert _events(events)[s.CB_CONSENT] is False
    assert _said(messages).startswith("I am not sure whether that is okay for you. Okay, then I will not keep anything.")
