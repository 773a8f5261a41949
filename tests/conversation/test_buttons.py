"""Typed button titles (bot/buttons.py, the TypedButtonPolicy and action_typed_button)."""

from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.conversation import ActionTypedButton
from bot.buttons import match_button, parse_payload, shown_buttons, simplify
from bot.dialogue.typed_buttons import typed_button
from tests.helpers import ROOT, make_tracker, run_action

CAPABILITIES = [{"title": "Hulp thuis", "payload": "/info_homestart"},
                {"title": "Geen geld voor babyspullen", "payload": "/info_babystartpakket"},
                {"title": "Praten met iemand", "payload": "/request_human"}]
CARD = [{"title": "Hoe krijg ik dit?", "payload": '/offering_how{"offering": "homestart"}'},
        {"title": "Is dit voor mij?", "payload": '/offering_for_whom{"offering": "homestart"}'},
        {"title": "Ja", "payload": "/affirm"}]


def bot(buttons: list[dict], text: str = "...") -> dict:
    return {"event": "bot", "text": text, "data": {"buttons": buttons}}


@pytest.mark.parametrize(("typed", "payload"), [
    ("Hulp thuis", "/info_homestart"),
    ("hulp thuis", "/info_homestart"),
    ("hulp thuiss", "/info_homestart"),  # one typo
    ("Hulpthuis!", "/info_homestart"),
    ("geen geld voor baby spullen", "/info_babystartpakket"),
    ("praten met iemant", "/request_human"),
    ("hoe krijg ik dit", '/offering_how{"offering": "homestart"}'),
    ("ja", "/affirm"),
])
def test_typed_title_matches_its_button(typed: str, payload: str) -> None:
    button = match_button(typed, [*CARD, *CAPABILITIES])
    assert button is not None and button["payload"] == payload


@pytest.mark.parametrize("typed", ["hulp", "ik wil hulp thuis voor mijn moeder en mijn zus en mijn oma ook graag", "je",
                                   "/info_homestart", "praten", "hoe krijg ik dat geld"])
def test_other_messages_match_no_button(typed: str) -> None:
    assert match_button(typed, [*CARD, *CAPABILITIES]) is None


def test_the_most_recent_message_wins_and_sessions_start_fresh() -> None:
    old = [{"title": "Meer groepen", "payload": "/more_groups"}]
    new = [{"title": "Meer groepen", "payload": "/find_group"}]
    events = [bot(old), {"event": "user"}, bot(new)]
    assert match_button("meer groepen", shown_buttons(events))["payload"] == "/find_group"
    assert shown_buttons([bot(old), {"event": "action", "name": "action_session_start"}, bot(new)]) == new


def test_parse_payload() -> None:
    assert parse_payload('/offering_how{"offering": "homestart"}') == ("offering_how", {"offering": "homestart"})
    assert parse_payload("/affirm") == ("affirm", {})
    assert parse_payload("weet ik niet") is None
    assert parse_payload('/x{"a": ') is None
    assert simplify("Oké, DOEI 👋") == "oke doei"


def _rasa_tracker(text: str, intent: str, buttons: list[dict], active_loop: str | None = None) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen"), UserUttered("hoi", {"name": "greet", "confidence": 1.0}),
              ActionExecuted("utter_capabilities"), BotUttered("...", data={"buttons": buttons}),
              ActionExecuted("action_listen"), UserUttered(text, {"name": intent, "confidence": 0.6})]
    tracker = DialogueStateTracker.from_events("u", events)
    if active_loop:
        tracker.change_loop_to(active_loop)
    return tracker


def test_policy_condition_on_rasa_trackers() -> None:
    assert typed_button(_rasa_tracker("Hulp thuis", "feel_lonely", CAPABILITIES))["payload"] == "/info_homestart"
    assert typed_button(_rasa_tracker("Hulp thuis", "info_homestart", CAPABILITIES)) is None  # NLU got it
    assert typed_button(_rasa_tracker("Hulp thuis", "safety_medical", CAPABILITIES)) is None
    assert typed_button(_rasa_tracker("Hulp thuis", "feel_lonely", CAPABILITIES, "kraamzorg_form")) is None
    assert typed_button(_rasa_tracker("hulp thuis", "feel_lonely", [])) is None
    text_payload = [{"title": "Weet ik niet", "payload": "weet ik niet"}]
    assert typed_button(_rasa_tracker("weet ik niet", "deny", text_payload)) is None


def test_policy_acts_in_the_trained_assistant() -> None:
    """The policy is in config.yml with a priority above the RulePolicy, and the action is in the domain."""
    import yaml

    config = yaml.safe_load((ROOT / "config.yml").read_text())
    names = [p["name"] for p in config["policies"]]
    assert "bot.dialogue.typed_buttons.TypedButtonPolicy" in names
    assert "action_typed_button" in Domain.load(str(ROOT / "domain.yml")).action_names_or_texts


def test_action_replaces_the_message_by_the_payload() -> None:
    card = [{"title": "Hoe krijg ik dit?", "payload": '/offering_how{"offering": "voorzorg"}'}]
    tracker = make_tracker(intent="nlu_fallback", text="hoe krijg ik dit", events=[bot(card)])
    messages, events = run_action(ActionTypedButton(), tracker)
    assert messages == []
    kinds = [e["event"] for e in events]
    assert kinds[:3] == ["rewind", "action", "user"]
    assert events[1]["name"] == "action_listen"
    assert events[2]["text"] == '/offering_how{"offering": "voorzorg"}'
    assert events[2]["parse_data"]["intent"] == {"name": "offering_how", "confidence": 1.0}
    assert {"event": "slot", "name": "offering", "value": "voorzorg"}.items() <= events[3].items()


def test_action_without_a_match_says_so() -> None:
    messages, events = run_action(ActionTypedButton(), make_tracker(intent="greet", text="hallo"))
    assert messages[0]["response"] == "utter_default"
    assert [e["event"] for e in events] == ["rewind"]


def test_session_started_event_objects() -> None:
    assert shown_buttons([BotUttered("x", data={"buttons": CARD}), SessionStarted()]) == []
