"""The emergency answer, at any moment of the conversation."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from bot.safety import CATEGORIES, detect, emergency_text, safety_texts


class ActionSafety(Action):
    """Give the emergency answer; when a form was active, re-ask its question afterwards."""

    def name(self) -> str:
        return "action_safety"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        category = intent.removeprefix("safety_")
        if category not in CATEGORIES:
            hit = detect(tracker.latest_message.get("text") or "")
            category = hit.category if hit else "medical"
        dispatcher.utter_message(text=emergency_text(category), answer_id=f"safety:{category}")
        loop = (tracker.active_loop or {}).get("name")
        if loop:
            dispatcher.utter_message(text=str(safety_texts()["after_form"]).strip())
            return [FollowupAction(loop)]
        return []
