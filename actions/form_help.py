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

HUMAN_INTENT = "request_human"
MIN_CONFIDENCE = 0.8  # a typed answer that merely resembles the request stays an answer


def wants_person(tracker: Tracker) -> bool:
    """Her message in the form asks for a person (a tapped button or a confident intent)."""
    intent = tracker.latest_message.get("intent") or {}
    if intent.get("name") != HUMAN_INTENT:
        return False
    text = str(tracker.latest_message.get("text") or "")
    return text.startswith("/") or float(intent.get("confidence") or 0.0) >= MIN_CONFIDENCE


class PersonOnRequest:
    """Mixin for a ``FormValidationAction``: the hand-off first, then the same question again."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if wants_person(tracker):
            ActionHuman().run(dispatcher, tracker, domain)
            asked = tracker.get_slot("requested_slot")
            return [SlotSet(asked, None)] if asked else []
        return await super().run(dispatcher, tracker, domain)  # type: ignore[misc]
