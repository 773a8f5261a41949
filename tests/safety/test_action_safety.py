"""ActionSafety: the text of the tier in the message's language, and back to the form afterwards."""

from __future__ import annotations

import pytest

from actions.safety import ActionSafety
from bot.safety import after_form_text, emergency_text
from tests.helpers import make_tracker, run_action


def _tracker(intent: str, text: str, lang: str | None = None, **kwargs):
    tracker = make_tracker(intent=intent, text=text, **kwargs)
    if lang:
        tracker.latest_message["safety"] = {"tier": intent.removeprefix("safety_"), "lang": lang}
    return tracker


@pytest.mark.parametrize(
    ("intent", "text", "tier", "number"),
    [
        ("safety_life", "mijn baby ademt niet", "life", "112"),
        ("safety_pregnancy_urgent", "mijn vliezen zijn gebroken", "pregnancy_urgent", "112"),
        ("safety_sick_baby", "mijn baby van 3 weken heeft koorts", "sick_baby", "112"),
        ("safety_violence", "mijn man slaat me", "violence", "0800-2000"),
        ("safety_suicide", "ik wil dood", "suicide", "113"),
        ("safety_mental_crisis", "ik heb een paniekaanval", "mental_crisis", "113"),
    ],
)
def test_text_per_tier(intent: str, text: str, tier: str, number: str) -> None:
    messages, events = run_action(ActionSafety(), _tracker(intent, text, "nl"))
    assert [m["text"] for m in messages] == [emergency_text(tier)]
    assert number in messages[0]["text"]
    assert events == []


def test_english_and_other_languages_from_the_decision() -> None:
    messages, _ = run_action(ActionSafety(), _tracker("safety_violence", "my husband hits me", "en"))
    assert messages[0]["text"] == emergency_text("violence", "en")
    messages, _ = run_action(ActionSafety(), _tracker("safety_suicide", "intihar etmek istiyorum", "tr"))
    assert messages[0]["text"] == emergency_text("suicide", "tr") != emergency_text("suicide")


def test_tier_from_the_detector_when_the_intent_is_not_a_safety_intent() -> None:
    """E.g. reached via a payload or another path: the detector decides on the text."""
    messages, _ = run_action(ActionSafety(), make_tracker(intent="greet", text="hij heeft me geslagen"))
    assert messages[0]["text"] == emergency_text("violence")


def test_unknown_defaults_to_the_pregnancy_answer() -> None:
    messages, _ = run_action(ActionSafety(), make_tracker(intent="nlu_fallback", text="help"))
    assert messages[0]["text"] == emergency_text("pregnancy_urgent")


def test_form_is_resumed_after_the_emergency_text() -> None:
    tracker = _tracker("safety_suicide", "ik wil niet meer leven", "nl", active_loop="registration_form")
    messages, events = run_action(ActionSafety(), tracker)
    assert [m["text"] for m in messages] == [emergency_text("suicide"), after_form_text()]
    assert events == [{"event": "followup", "timestamp": None, "name": "registration_form"}]


def test_no_followup_without_a_form() -> None:
    _, events = run_action(ActionSafety(), _tracker("safety_pregnancy_urgent", "mijn vliezen zijn gebroken"))
    assert not any(e.get("event") == "followup" for e in events)
