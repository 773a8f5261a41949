"""Meeting groups nearby: thin adapters between Rasa and bot.groups / bot.places.

Flow: find_group -> action_grp_start (location and audience from the question) ->
grp_form (asks for postcode or wijk only when unknown) -> action_grp_show (3 groups and a
'Meer groepen' button) ; more_groups -> action_grp_more (the next 3).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.history import recent_user_texts
from actions.messages import remind_open_needs
from bot.groups.answer import Answer, groups_answer, read_location
from bot.groups.ranking import audience_from_text, kinds_from_text
from bot.parsing.dates import life_stage
from bot.places.resolve import CITYWIDE, OUTSIDE, location_from_key, location_key, resolve_location
from bot.safety.tiers import FORM_NOT_INTENT
from bot.wellbeing.loss import in_loss_conversation

FORM = "grp_form"
ANSWER_ID = "find_group"
# Intents whose message is never read as a location (like not_intent on a from_text mapping).
NOT_A_LOCATION = set(FORM_NOT_INTENT)
# A clear question about something else (no place in it) is left to the rules, not re-asked.
OWN_INTENTS = {"find_group", "give_location", "more_groups", "nlu_fallback", "affirm", "deny", "none_of_these",
               "bare_number"}  # a bare number answering "waar woon je?" is read as a place
OTHER_TOPIC_CONFIDENCE = 0.8


def _valid_key(value: Any) -> str | None:
    """A slot value we produced ourselves, re-checked (slots can be set from outside)."""
    if value in (OUTSIDE, CITYWIDE):
        return value
    return value if location_from_key(value) is not None else None


def _listed(tracker: Tracker, slot: str) -> list[str]:
    value = tracker.get_slot(slot)
    return [a for a in value.split(",") if a] if isinstance(value, str) else []


def _stage(tracker: Tracker) -> str | None:
    """Pregnant or baby born, from what she said in this conversation (groups that do not fit go)."""
    return life_stage(recent_user_texts(tracker), dt.date.today())


def _say(dispatcher: CollectingDispatcher, answer: Answer) -> None:
    """Every part as its own short message; the buttons go with the last one."""
    *first, last = answer.messages
    for text in first:
        dispatcher.utter_message(text=text, answer_id=ANSWER_ID)
    dispatcher.utter_message(text=last, buttons=answer.buttons, answer_id=ANSWER_ID)


class ActionGrpStart(Action):
    """Read location and audience from the question; the form asks only what is missing."""

    def name(self) -> str:
        return "action_grp_start"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = tracker.latest_message.get("text") or ""
        if text.startswith("/"):
            text = ""  # a button or typed payload: no free text to read
        result = resolve_location(text)
        key = location_key(result)
        if key is None and result.kind == "unknown" and result.reason in {"po_box", "no_gebied", "too_broad"}:
            dispatcher.utter_message(text=read_location(text).message, answer_id=ANSWER_ID)
        elif key is None and result.reason in {"empty", "no_match"}:
            remembered = _valid_key(tracker.get_slot("grp_location"))
            key = remembered if remembered not in (None, OUTSIDE) else None
        audience = ",".join(sorted(audience_from_text(text)))
        kinds = ",".join(sorted(kinds_from_text(text)))
        return [SlotSet("grp_location", key), SlotSet("grp_audience", audience or None),
                SlotSet("grp_kind", kinds or None), SlotSet("grp_offset", 0.0)]


class ValidateGrpForm(FormValidationAction):
    """Read the answer to 'waar woon je?' into an area key; re-ask with an example otherwise."""

    def name(self) -> str:
        return "validate_grp_form"

    async def extract_grp_location(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.active_loop_name != FORM or tracker.get_slot("requested_slot") != "grp_location":
            return {}
        intent = tracker.latest_message.get("intent") or {}
        if intent.get("name") in NOT_A_LOCATION:
            return {}
        text = tracker.latest_message.get("text") or ""
        reply = read_location(text)
        other_topic = intent.get("name") not in OWN_INTENTS and (intent.get("confidence") or 0) >= OTHER_TOPIC_CONFIDENCE
        if reply.key is None and other_topic and resolve_location(text).reason == "no_match":
            return {}
        if reply.message:
            dispatcher.utter_message(text=reply.message, answer_id=ANSWER_ID)
        return {"grp_location": reply.key}

    def validate_grp_location(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"grp_location": _valid_key(slot_value)}


class ActionGrpShow(Action):
    """Show the first 3 groups for the location and audience in the slots."""

    def name(self) -> str:
        return "action_grp_show"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        key = _valid_key(tracker.get_slot("grp_location"))
        audience, kinds = _listed(tracker, "grp_audience"), _listed(tracker, "grp_kind")
        answer, next_offset = groups_answer(key, audience, 0, kinds=kinds, after_loss=in_loss_conversation(tracker.slots),
                                            stage=_stage(tracker))
        _say(dispatcher, answer)
        events: list[EventType] = [SlotSet("grp_offset", None if next_offset is None else float(next_offset))]
        if key == OUTSIDE:
            events.append(SlotSet("grp_location", None))
        return events + remind_open_needs(dispatcher, tracker, "find_group")


class ActionGrpMore(Action):
    """'Meer': the next 3 groups of the last search."""

    def name(self) -> str:
        return "action_grp_more"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        key = _valid_key(tracker.get_slot("grp_location"))
        offset = tracker.get_slot("grp_offset")
        if key is None or key == OUTSIDE:
            answer, _ = groups_answer(None)
            _say(dispatcher, answer)
            return []
        if not isinstance(offset, (int, float)) or offset <= 0:
            dispatcher.utter_message(
                text="Dit waren alle groepen die ik ken. Het CJG weet vaak nog meer plekken bij jou in de buurt.",
                buttons=[{"title": "Praten met iemand", "payload": "/request_human"},
                         {"title": "Andere vraag", "payload": "/ask_capabilities"}],
                answer_id=ANSWER_ID,
            )
            return []
        audience, kinds = _listed(tracker, "grp_audience"), _listed(tracker, "grp_kind")
        answer, next_offset = groups_answer(key, audience, int(offset), kinds=kinds,
                                            after_loss=in_loss_conversation(tracker.slots), stage=_stage(tracker))
        _say(dispatcher, answer)
        return [SlotSet("grp_offset", None if next_offset is None else float(next_offset))]
