"""What every form understands besides its own question: a request for a person.

"Ik wil toch liever met een mens praten" typed at a form's question was taken as her answer
("Ik zie geen telefoonnummer"). Forms read free text, so the request reaches the form's
validation action; there she gets the hand-off (who to call, the callback offer) and then
the same question again. "stop" leaves a form through its own rule.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.referrals import ActionHuman
from bot.conversation import stuck_in_form_text
from bot.languages.conversation import lang_of

HUMAN_INTENT = "request_human"
MIN_CONFIDENCE = 0.8  # a typed answer that merely resembles the request stays an answer


def wants_person(tracker: Tracker) -> bool:
    """Her message in the form asks for a person (a tapped button or a confident intent)."""
    intent = tracker.latest_message.get("intent") or {}
    if intent.get("name") != HUMAN_INTENT:
        return False
    text = str(tracker.latest_message.get("text") or "")
    return text.startswith("/") or float(intent.get("confidence") or 0.0) >= MIN_CONFIDENCE


def answers_to_this_question(tracker: Tracker) -> int:
    """How many messages she sent since the form first asked the question it is asking now."""
    asked = tracker.get_slot("requested_slot")
    events = list(tracker.events)
    first_asked = None  # index of the first 'requested_slot = asked' of the current run
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if event.get("event") == "slot" and event.get("name") == "requested_slot":
            if event.get("value") != asked:
                break
            first_asked = index
    if first_asked is None:
        return 0
    return sum(1 for event in events[first_asked:] if event.get("event") == "user")


class PersonOnRequest:
    """Mixin for a ``FormValidationAction``: a request for a person gets the hand-off, then the
    same question again; after ``STUCK_AFTER`` answers to one question that were not understood,
    she is told how to stop and who to call (never an endless loop of the same question)."""

    STUCK_AFTER = 3

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        asked = tracker.get_slot("requested_slot")
        if wants_person(tracker):
            ActionHuman().run(dispatcher, tracker, domain)
            return [SlotSet(asked, None)] if asked else []
        events = await super().run(dispatcher, tracker, domain)  # type: ignore[misc]
        still_open = asked and any(e.get("event") == "slot" and e.get("name") == asked and e.get("value") is None
                                   for e in events)
        if still_open and answers_to_this_question(tracker) >= self.STUCK_AFTER:
            dispatcher.utter_message(text=stuck_in_form_text(lang_of(tracker)))
        return events
