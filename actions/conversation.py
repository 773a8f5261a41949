"""Clarification on low NLU confidence, leaving forms, and the core fallback."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from bot.intents import topic_label

HUMAN_BUTTON = {"title": "Praten met iemand", "payload": "/request_human"}


class ActionClarify(Action):
    """Ask which topic was meant (buttons); after a second miss, offer a human."""

    def name(self) -> str:
        return "action_clarify"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        if _previous_user_intent(tracker) == "nlu_fallback":
            dispatcher.utter_message(response="utter_human_route")
            return []
        buttons = []
        for ranked in tracker.latest_message.get("intent_ranking") or []:
            label = topic_label(ranked.get("name") or "")
            if label and all(b["title"] != label for b in buttons):
                buttons.append({"title": label, "payload": f"/{ranked['name']}"})
            if len(buttons) == 2:
                break
        buttons.append({"title": "Iets anders", "payload": "/none_of_these"})
        text = (
            "Ik weet niet zeker of ik je goed begrijp. Bedoel je een van deze onderwerpen?"
            if len(buttons) > 1
            else "Ik weet niet zeker of ik je goed begrijp. Kun je het anders zeggen?"
        )
        dispatcher.utter_message(text=text, buttons=buttons, answer_id="clarify")
        return []


def _previous_user_intent(tracker: Tracker) -> str | None:
    """Intent of the user message before the latest one (None if there is none)."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    if len(users) < 2:
        return None
    return ((users[-2].get("parse_data") or {}).get("intent") or {}).get("name")


class ActionStopForm(Action):
    """Leave any active form and forget what was filled in it."""

    def name(self) -> str:
        return "action_stop_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        loop = (tracker.active_loop or {}).get("name")
        if not loop:
            dispatcher.utter_message(response="utter_nothing_to_stop")
            return []
        form = (domain.get("forms") or {}).get(loop) or {}
        events: list[Any] = [ActiveLoop(None), SlotSet("requested_slot", None)]
        events += [SlotSet(slot, None) for slot in form.get("required_slots") or []]
        dispatcher.utter_message(response="utter_form_stopped")
        return events


class ActionDefaultFallback(Action):
    """Dialogue fallback: say so, offer a human, and let the conversation go on."""

    def name(self) -> str:
        return "action_default_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        dispatcher.utter_message(response="utter_default")
        return [UserUtteranceReverted()]
