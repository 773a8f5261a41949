"""Clarification (the last resort), several needs at once, typed button titles, leaving forms,
and the core fallback."""

from __future__ import annotations

import inspect
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, FollowupAction, SlotSet, UserUtteranceReverted, UserUttered
from rasa_sdk.executor import CollectingDispatcher

from actions.messages import OPEN_NEEDS_SLOT, utter_split
from actions.wellbeing import ActionBabyLoss, ActionCapabilities, ActionLowMood
from bot.buttons import match_button, parse_payload, shown_buttons
from bot.content import card_for_intent
from bot.conversation import bare_number_message, clarify_message, several_needs_answer
from bot.intents import topic_labeller
from bot.languages.conversation import lang_of
from bot.referrals import referral_for_intent
from bot.terms import context_from_events, is_follow_up_question
from bot.wellbeing.loss import in_loss_conversation, suppressed_cards


class ActionClarify(Action):
    """Ask which topic was meant: only topics close to the best guess, plus the human route.

    A second miss in a row gets the human route only; a bare number gets a question about
    what the number means (it is not read as a postcode or an age outside a form).
    """

    def name(self) -> str:
        return "action_clarify"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        lang = lang_of(tracker)
        if intent == "bare_number":
            text, buttons = bare_number_message(topic_labeller(lang), lang)
            dispatcher.utter_message(text=text, buttons=buttons, answer_id="clarify")
            return []
        if is_follow_up_question(str(tracker.latest_message.get("text") or "")) and context_from_events(
                tracker.events, tracker.slots):
            # "binnen hoeveel dagen?" right after a card or an outcome is about that answer
            return [FollowupAction("action_explain_term")]
        if _previous_user_intent(tracker) == "nlu_fallback":
            dispatcher.utter_message(response="utter_human_route")
            return []
        text, buttons = clarify_message(tracker.latest_message.get("intent_ranking") or [], topic_labeller(lang), lang)
        dispatcher.utter_message(text=text, buttons=buttons, answer_id="clarify")
        return []


def _previous_user_intent(tracker: Tracker) -> str | None:
    """Intent of the user message before the latest one (None if there is none)."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    if len(users) < 2:
        return None
    return ((users[-2].get("parse_data") or {}).get("intent") or {}).get("name")


# Parts of a several-needs message that have a conversation of their own go first, with that
# conversation's own action (baby loss before anything else); short replies are responses.
CONVERSATIONS: dict[str, type[Action]] = {"baby_loss": ActionBabyLoss, "low_mood": ActionLowMood}
OPENERS = {"bot_challenge": "utter_bot_challenge", "ask_capabilities": "utter_capabilities"}
CLOSERS = {"thank": "utter_thank", "goodbye": "utter_goodbye"}


# Features for pregnant women only: not offered beside or after a loss (her registration, if any,
# gets its own choice in the loss answer).
PREGNANCY_FEATURES = frozenset({"request_registration"})


def _suppressed_after_loss(intent: str) -> bool:
    """A pregnancy or newborn card (content/wellbeing/baby_loss.yml) or a pregnancy feature is never
    offered after a loss."""
    if intent in PREGNANCY_FEATURES:
        return True
    card = card_for_intent(intent) or getattr(referral_for_intent(intent), "card", None)
    return card is not None and card.id in suppressed_cards()


class ActionSeveralNeeds(Action):
    """One short answer to the two or three needs the NLU found in a long message.

    Order: a conversation of its own (baby loss, low mood: their own actions), then a short
    reply (bot challenge, capabilities), then one message with a line and a button per other
    need ("Ik hoor drie dingen: ... Waar wil je mee beginnen?"), then thanks / goodbye.
    """

    def name(self) -> str:
        return "action_several_needs"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        needs = [n for n in tracker.latest_message.get("needs") or [] if isinstance(n, str)]
        events: list[Any] = []
        answered = False
        for intent in [n for n in CONVERSATIONS if n in needs]:
            action = CONVERSATIONS[intent]()
            before = len(dispatcher.messages)
            if isinstance(action, ActionLowMood):
                action.answer(dispatcher, tracker)  # no reminder of needs from an earlier menu here
                answered = True
                continue
            result = action.run(dispatcher, tracker, domain)
            if inspect.isawaitable(result):
                result = await result
            # Its own follow-ups (e.g. "not a loss after all": clarify) do not apply here.
            events += [e for e in result or [] if e.get("event") != "followup"]
            answered = answered or len(dispatcher.messages) > before
        for intent in [n for n in OPENERS if n in needs]:
            if intent == "ask_capabilities":  # its own action: after a loss, no pregnancy offerings
                ActionCapabilities().run(dispatcher, tracker, domain)
            else:
                dispatcher.utter_message(response=OPENERS[intent])
            answered = True
        rest = [n for n in needs if n not in CONVERSATIONS and n not in OPENERS and n not in CLOSERS]
        if "baby_loss" in needs or in_loss_conversation(tracker.slots):
            rest = [n for n in rest if not _suppressed_after_loss(n)]
        lang = lang_of(tracker)
        answer = several_needs_answer(rest, after_other_answer=answered, lang=lang) if rest else None
        if answer is not None:
            text, buttons, answer_id = answer
            utter_split(dispatcher, text, buttons, answer_id=answer_id)
            answered = True
            # the needs she can pick from: after one is answered, the others are named again
            picks = [b["payload"].lstrip("/") for b in buttons]
            if len(picks) >= 2:
                # a menu, not one card: "is dat gratis?" next is not about the card shown before it
                events += [SlotSet(OPEN_NEEDS_SLOT, picks), SlotSet("offering", None)]
        for intent in [n for n in CLOSERS if n in needs]:
            dispatcher.utter_message(response=CLOSERS[intent])
            answered = True
        if not answered:
            text, buttons = clarify_message(tracker.latest_message.get("intent_ranking") or [], topic_labeller(lang), lang)
            dispatcher.utter_message(text=text, buttons=buttons, answer_id="clarify")
        return events


class ActionTypedButton(Action):
    """The parent typed a button's title: replace her message by the button's payload.

    Predicted by ``bot.dialogue.typed_buttons.TypedButtonPolicy``. The message is replaced as
    Rasa's two-stage fallback does it (revert, listen, the new user message), so the rules then
    act exactly as for a tap; slots the payload fills (``{"offering": ...}``) are set too.
    """

    def name(self) -> str:
        return "action_typed_button"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        text = tracker.latest_message.get("text") or ""
        button = match_button(text, shown_buttons(tracker.events))
        parsed = parse_payload(str(button.get("payload"))) if button else None
        if button is None or parsed is None:
            dispatcher.utter_message(response="utter_default")
            return [UserUtteranceReverted()]
        intent, entities = parsed
        payload = str(button["payload"])
        parse_data = {
            "text": payload,
            "intent": {"name": intent, "confidence": 1.0},
            "intent_ranking": [{"name": intent, "confidence": 1.0}],
            "entities": [{"entity": k, "value": v, "start": 0, "end": len(payload)} for k, v in entities.items()],
        }
        return [
            UserUtteranceReverted(),
            ActionExecuted("action_listen"),
            UserUttered(payload, parse_data=parse_data),
            *_slots_from_entities(entities, domain),
        ]


def _slots_from_entities(entities: dict[str, Any], domain: dict[str, Any]) -> list[SlotSet]:
    """SlotSet for every unconditional from_entity mapping of the payload's entities."""
    events = []
    for slot, spec in (domain.get("slots") or {}).items():
        for mapping in (spec or {}).get("mappings") or []:
            if (mapping.get("type") == "from_entity" and mapping.get("entity") in entities
                    and not mapping.get("conditions")):
                events.append(SlotSet(slot, entities[mapping["entity"]]))
                break
    return events


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
