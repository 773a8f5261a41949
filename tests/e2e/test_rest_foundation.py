"""End to end over the REST channel: Rasa + action server + trained model, for real."""

from __future__ import annotations

import uuid

import pytest

from bot.testing.stack import payloads, texts

PHONE_AANMELDPUNT = "010 267 26 53"


def _sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:10]}"


def test_greeting_offers_a_menu(rasa_stack) -> None:
    replies = rasa_stack.rest(_sender(), "hoi")
    assert "Stevige Start" in texts(replies)
    assert "/kraamzorg_check" in payloads(replies)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("ik heb geen geld voor babyspullen", "Babystartpakket"),
        ("komt er iemand van het cjg bij mij thuis als ik zwanger ben?", "Zwangerschapsgesprek"),
        ("wat is de sleutel van rotterdam", "Sleutel van Rotterdam"),
        ("ik voel me alleen met mijn baby", "Home-Start"),
    ],
)
def test_everyday_questions_get_the_right_answer(rasa_stack, message: str, expected: str) -> None:
    replies = rasa_stack.rest(_sender(), message)
    assert expected.lower() in texts(replies).lower(), replies
    assert payloads(replies), "every answer offers a way forward"


@pytest.mark.parametrize(
    ("message", "must_contain"),
    [
        ("help ik bloed heel erg", "112"),
        ("mn vliezen zijn gebroken geloof ik", "verloskundige"),
        ("mijn man slaat me als hij boos is", "0800-2000"),
        ("ik wil er niet meer zijn", "0800-0113"),
        ("zelfmord", "113"),
    ],
)
def test_emergencies_get_the_emergency_answer(rasa_stack, message: str, must_contain: str) -> None:
    assert must_contain in texts(rasa_stack.rest(_sender(), message))


def test_bot_challenge_and_human_route(rasa_stack) -> None:
    sender = _sender()
    assert "chatbot" in texts(rasa_stack.rest(sender, "ben jij een echt mens?")).lower()
    human = texts(rasa_stack.rest(sender, "ik wil iemand spreken"))
    assert PHONE_AANMELDPUNT in human and "CJG" in human


def test_follow_up_button_gives_how_to_get_it_with_source(rasa_stack) -> None:
    sender = _sender()
    rasa_stack.rest(sender, "wat is home-start")
    detail = texts(rasa_stack.rest(sender, '/offering_how{"offering": "homestart"}'))
    assert "Bron: gemeente Rotterdam (" in detail and "seed" not in detail and ".txt" not in detail


def test_nonsense_twice_ends_with_a_human_never_a_confident_guess(rasa_stack) -> None:
    sender = _sender()
    first = rasa_stack.rest(sender, "qwrtz plofmiep")
    assert "Bron:" not in texts(first), f"a card was shown for nonsense: {first}"
    assert {"/none_of_these", "/request_human"} & set(payloads(first)), first
    second = texts(rasa_stack.rest(sender, "blarp zorgle fnuk"))
    assert PHONE_AANMELDPUNT in second


def test_tracker_is_stored_in_the_sql_tracker_store(rasa_stack) -> None:
    sender = _sender()
    rasa_stack.rest(sender, "hoi")
    assert (rasa_stack.workdir / "tracker.db").exists()
    events = rasa_stack.tracker(sender)["events"]
    assert any(e.get("event") == "user" for e in events)


def test_emergency_in_the_middle_of_a_form_is_answered_and_the_form_goes_on(rasa_stack) -> None:
    sender = _sender()
    rasa_stack.rest(sender, "ik kan de kraamzorg niet betalen")
    question = texts(rasa_stack.rest(sender, "ja"))
    replies = texts(rasa_stack.rest(sender, "ik bloed heel erg"))
    assert "112" in replies and "verloskundige" in replies
    assert question.splitlines()[-1] in replies, "the form's question is asked again after the emergency answer"
    assert "gestopt" in texts(rasa_stack.rest(sender, "stop"))
    assert rasa_stack.tracker(sender).get("active_loop", {}).get("name") in (None, "")
