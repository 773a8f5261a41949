"""What every form understands besides its own question: a person, and a question on the side.

"Ik wil toch liever met een mens praten" typed at a form's question was taken as her answer
("Ik zie geen telefoonnummer"). Forms read free text, so the request reaches the form's
validation action; there she gets the hand-off (who to call, the callback offer) and then
the same question again. "stop" leaves a form through its own rule.

The same holds for a question or remark on the side ("dankje", "wat is Home-Start", "ik ben
de baby verloren", "kan ik me ook aanmelden"): when her message is not an answer to the
question and the classifier is sure it is another topic, that topic is answered here (the
same action the rules would run), then the form asks its question again. Another flow
(the kraamzorg check, a registration, groups) cannot start inside a form: she is offered
to stop first. A baby loss ends a registration; the kraamzorg check may go on without the
pregnancy question.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.referrals import ActionHuman
from bot.conversation import form_side_text, stuck_in_form_text
from bot.languages.conversation import lang_of
from bot.wellbeing.loss import LOSS_SLOT, loss_signal

HUMAN_INTENT = "request_human"
MIN_CONFIDENCE = 0.8  # a typed answer that merely resembles the request stays an answer
SIDE_MIN_CONFIDENCE = 0.8  # the same for a question on the side

# Side topics answered with a line of form_side in content/conversation/texts.yml ...
SIDE_LINES = {"thank": "thanks", "greet": "greet"}
# ... with a domain response ...
SIDE_RESPONSES = {"bot_challenge": "utter_bot_challenge", "feel_lonely": "utter_feel_lonely"}
# A tapped button of a card shown in the middle of a form ("Hoe vraag ik het aan?").
CARD_FOLLOW_UPS = frozenset({"offering_how", "offering_why", "offering_for_whom", "ask_term"})
# ... and intents that start another flow (the form each one starts).
OTHER_FLOWS = {"kraamzorg_check": "kraamzorg_form", "request_registration": "registration_form",
               "find_group": "grp_form"}
REGISTRATION_FORM = "registration_form"


def _side_action(intent: str) -> Action | None:
    """The action the rules run for a side topic (imported here: the action modules import this one)."""
    from actions.offerings import ActionOfferingDetail, ActionShowOffering
    from actions.referrals import ActionExplainTerm, ActionShowReferral
    from actions.wellbeing import ActionBabyLoss, ActionCapabilities, ActionLowMood
    from bot.content import card_for_intent
    from bot.referrals import referral_for_intent

    if intent == "baby_loss":
        return ActionBabyLoss()
    if intent in ("offering_how", "offering_why", "offering_for_whom"):
        return ActionOfferingDetail()
    if intent == "ask_term":
        return ActionExplainTerm()
    if intent == "low_mood":
        return ActionLowMood()
    if intent == "ask_capabilities":
        return ActionCapabilities()
    if intent.startswith("info_") and card_for_intent(intent) is not None:
        return ActionShowOffering()
    if intent.startswith("info_") and referral_for_intent(intent) is not None:
        return ActionShowReferral()
    return None


def _intent(tracker: Tracker) -> tuple[str, float]:
    intent = tracker.latest_message.get("intent") or {}
    return str(intent.get("name") or ""), float(intent.get("confidence") or 0.0)


def wants_person(tracker: Tracker) -> bool:
    """Her message in the form asks for a person (a tapped button or a confident intent)."""
    name, confidence = _intent(tracker)
    if name != HUMAN_INTENT:
        return False
    text = str(tracker.latest_message.get("text") or "")
    return text.startswith("/") or confidence >= MIN_CONFIDENCE


def side_topic(tracker: Tracker) -> str | None:
    """The other topic her message is about, when the classifier is sure (else ``None``).
    A loss said in plain words ("mijn baby is gisteren overleden") is one whatever the classifier made of it."""
    name, confidence = _intent(tracker)
    text = str(tracker.latest_message.get("text") or "")
    if not text.startswith("/") and loss_signal(text) is True:
        return "baby_loss"
    if not name or (confidence < SIDE_MIN_CONFIDENCE and not text.startswith("/")):
        return None
    if name in SIDE_LINES or name in SIDE_RESPONSES or name in OTHER_FLOWS:
        return name
    if name in CARD_FOLLOW_UPS and not text.startswith("/"):
        return None  # typed "hoe vraag ik het aan?" may be about the form's own question
    return name if _side_action(name) is not None else None


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


def _left_open(events: list[dict[str, Any]], asked: str | None) -> bool:
    """The validation did not take her message as the answer to ``asked``."""
    return bool(asked) and any(e.get("event") == "slot" and e.get("name") == asked and e.get("value") is None
                               for e in events)


class PersonOnRequest:
    """Mixin for a ``FormValidationAction``: a request for a person gets the hand-off, a question
    on the side its answer, then the same question again; after ``STUCK_AFTER`` answers to one
    question that were not understood, she is told how to stop and who to call (never an endless
    loop of the same question)."""

    STUCK_AFTER = 3

    def handled_by_form(self, tracker: Tracker) -> bool:
        """The form itself understands this message although it is no answer ('terug', a question
        about an option): then it is not a side question. Forms with such handling override this."""
        return False

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        asked = tracker.get_slot("requested_slot")
        if wants_person(tracker):
            ActionHuman().run(dispatcher, tracker, domain)
            return [SlotSet(asked, None)] if asked else []
        side = side_topic(tracker) if asked and not self.handled_by_form(tracker) else None
        own = CollectingDispatcher()  # the validation's own replies, dropped for a side question
        events = await super().run(own, tracker, domain)  # type: ignore[misc]
        still_open = _left_open(events, asked)
        if still_open and side is not None:
            answered = self._answer_side(side, dispatcher, tracker, domain)
            if answered is not None:
                return events + answered
        dispatcher.messages.extend(own.messages)
        if still_open and answers_to_this_question(tracker) >= self.STUCK_AFTER:
            dispatcher.utter_message(text=stuck_in_form_text(lang_of(tracker)))
        return events

    def _answer_side(self, side: str, dispatcher: CollectingDispatcher, tracker: Tracker,
                     domain: DomainDict) -> list[dict[str, Any]] | None:
        """Answer the side topic; the form then asks its question again (a loss ends a registration).
        ``None``: nothing to say on the side ('verloren' about a card), the form's own reply stands."""
        lang = lang_of(tracker)
        loop = (tracker.active_loop or {}).get("name")
        if side in SIDE_LINES:
            dispatcher.utter_message(text=form_side_text(SIDE_LINES[side], lang))
            return []
        if side in OTHER_FLOWS:
            if OTHER_FLOWS[side] == loop:  # 'ik wil de check doen' in the check: she is in it
                dispatcher.utter_message(text=form_side_text("back", lang))
                return []
            dispatcher.utter_message(text=form_side_text("other_flow", lang),
                                     buttons=[{"title": form_side_text("stop_button", lang), "payload": "/stop"}])
            return []
        if side in SIDE_RESPONSES:
            dispatcher.utter_message(response=SIDE_RESPONSES[side])
            dispatcher.utter_message(text=form_side_text("back", lang))
            return []
        action = _side_action(side)
        side_dispatcher = CollectingDispatcher()
        raw = action.run(side_dispatcher, tracker, domain) if action else []
        side_events = [e for e in raw or [] if e.get("event") == "slot"]  # a follow-up cannot run in a form
        if not side_dispatcher.messages:
            return None
        dispatcher.messages.extend(side_dispatcher.messages)
        lost = any(e.get("name") == LOSS_SLOT and e.get("value") for e in side_events)
        if lost and loop == REGISTRATION_FORM:
            dispatcher.utter_message(text=form_side_text("loss_registration", lang))
            return [*side_events, SlotSet("requested_slot", None), ActiveLoop(None)]
        dispatcher.utter_message(text=form_side_text("loss_kraamzorg" if lost and loop == "kraamzorg_form" else "back",
                                                     lang))
        return side_events
