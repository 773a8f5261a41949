"""The emergency answer of a safety tier, at any moment of the conversation."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from bot.safety import after_form_text, assess, emergency_text, tier_for_intent

# The decision the SafetyNet component added to the parse result (bot/nlu/safety_component.py).
SAFETY_KEY = "safety"


class ActionSafety(Action):
    """Give the answer of the message's tier (in its language); when a form was active,
    say that she can go on and re-ask the form's question afterwards."""

    def name(self) -> str:
        return "action_safety"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        latest = tracker.latest_message or {}
        decision = latest.get(SAFETY_KEY) or {}
        tier = tier_for_intent((latest.get("intent") or {}).get("name"))
        lang = str(decision.get("lang") or "")
        if tier is None or not lang:
            # Reached without the component's decision (e.g. a /safety_... payload): ask the detector.
            found = assess(latest.get("text") or "")
            tier = tier or (found.tier if found.is_emergency else "pregnancy_urgent")
            lang = lang or found.lang
        dispatcher.utter_message(text=emergency_text(tier, lang), answer_id=f"safety:{tier}")
        loop = (tracker.active_loop or {}).get("name")
        if loop:
            dispatcher.utter_message(text=after_form_text(lang))
            return [FollowupAction(loop)]
        return []
