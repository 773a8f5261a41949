"""Actions that show offering cards from content/offerings/."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.content import card_for_intent, cards, render_detail, render_summary


class ActionShowOffering(Action):
    """Render the card that belongs to the latest ``info_*`` intent."""

    def name(self) -> str:
        return "action_show_offering"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        card = card_for_intent(intent)
        if card is None:
            dispatcher.utter_message(response="utter_capabilities")
            return []
        text, buttons = render_summary(card)
        dispatcher.utter_message(text=text, buttons=buttons, answer_id=f"offering:{card.id}")
        return [SlotSet("offering", card.id)]


class ActionOfferingDetail(Action):
    """Answer 'how do I get this?' / 'is this for me?' for the card in the ``offering`` slot."""

    def name(self) -> str:
        return "action_offering_detail"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        offering = tracker.get_slot("offering")
        card = cards().get(offering) if isinstance(offering, str) else None
        if card is None:
            dispatcher.utter_message(
                text="Over welke hulp gaat je vraag? Noem de naam, of kies hieronder.",
                buttons=[
                    {"title": "Welke hulp is er?", "payload": "/ask_capabilities"},
                    {"title": "Praten met iemand", "payload": "/request_human"},
                ],
            )
            return [SlotSet("offering", None)]
        aspect = "for_whom" if intent == "offering_for_whom" else "how"
        messages, buttons = render_detail(card, aspect)
        for text in messages[:-1]:
            dispatcher.utter_message(text=text, answer_id=f"offering:{card.id}")
        dispatcher.utter_message(text=messages[-1], buttons=buttons, answer_id=f"offering:{card.id}")
        return []
