"""ActionSafety: the right emergency text per category, and back to the form afterwards."""

from __future__ import annotations

import pytest

from actions.safety import ActionSafety
from bot.safety import emergency_text, safety_texts
from tests.helpers import make_tracker, run_action


@pytest.mark.parametrize(
    ("intent", "text", "category", "number"),
    [
        ("safety_medical", "ik bloed heel erg", "medical", "112"),
        ("safety_violence", "mijn man slaat me", "violence", "0800-2000"),
        ("safety_suicide", "ik wil dood", "suicide", "0800-0113"),
    ],
)
def test_text_per_category(intent: str, text: str, category: str, number: str) -> None:
    messages, events = run_action(ActionSafety(), make_tracker(intent=intent, text=text))
    assert [m["text"] for m in messages] == [emergency_text(category)]
    assert number in messages[0]["text"]
    assert events == []


def test_category_from_text_when_intent_is_not_a_safety_intent() -> None:
    """E.g. reached via a rule after another intent: fall back to the detector on the text."""
    messages, _ = run_action(ActionSafety(), make_tracker(intent="greet", text="hij heeft me geslagen"))
    assert messages[0]["text"] == emergency_text("violence")


def test_unknown_category_defaults_to_medical() -> None:
    messages, _ = run_action(ActionSafety(), make_tracker(intent="nlu_fallback", text="help"))
    assert messages[0]["text"] == emergency_text("medical")


def test_form_is_resumed_after_the_emergency_text() -> None:
    tracker = make_tracker(intent="safety_suicide", text="ik wil niet meer leven", active_loop="registration_form")
    messages, events = run_action(ActionSafety(), tracker)
    assert [m["text"] for m in messages] == [emergency_text("suicide"), str(safety_texts()["after_form"]).strip()]
    assert events == [{"event": "followup", "timestamp": None, "name": "registration_form"}]


def test_no_followup_without_a_form() -> None:
    _, events = run_action(ActionSafety(), make_tracker(intent="safety_medical", text="mijn vliezen zijn gebroken"))
    assert not any(e.get("event") == "followup" for e in events)
