"""The conversation language (issue 11): follow it, switch it, answer other languages.

* ``action_track_language`` - the custom slot mapping of ``language``: runs on every message
  (before the answer is chosen) and applies :func:`bot.languages.conversation.next_state`;
* ``action_validate_slot_mappings`` - Rasa's hook after slot extraction: the first time she
  writes in English it sends the Nederlands/English offer, before the answer;
* ``action_choose_language`` - she typed or tapped "Nederlands" / "English";
* ``action_other_language`` - a message in a language the assistant does not speak: the short
  fixed first answer in that language with the Nederlands/English buttons.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.buttons import shown_buttons, simplify
from bot.languages.conversation import CHOSEN_SLOT, OFFERED_SLOT, PARSE_KEY, lang_of, next_state, state_from_slots
from bot.languages.texts import CHOICE_BUTTONS, first_answer, offer_text, switch_text


def tapped_button(tracker: Tracker) -> bool:
    """Whether her message is the text payload of a button the bot showed in this session.

    Button payloads are the Dutch answers in both languages ("Ja, ik geef toestemming",
    "andere aanvullende verzekering"), so a tap in an English conversation must not switch it
    back to Dutch.
    """
    said = simplify(str((tracker.latest_message or {}).get("text") or ""))
    if not said:
        return False
    return any(simplify(str(b.get("payload"))) == said for b in shown_buttons(tracker.events)
               if not str(b.get("payload")).startswith("/"))


def _verdict(tracker: Tracker) -> dict[str, Any]:
    return (tracker.latest_message or {}).get(PARSE_KEY) or {}


class ActionTrackLanguage(Action):
    def name(self) -> str:
        return "action_track_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        verdict = _verdict(tracker)
        if verdict.get("reason") != "choice" and tapped_button(tracker):
            verdict = {}  # a tapped button's payload is Dutch in both languages: it says nothing about hers
        change = next_state(state_from_slots(tracker.current_slot_values()), verdict)
        # The offer itself is sent by action_validate_slot_mappings: Rasa drops the messages of a
        # custom slot mapping action (it keeps only SlotSet events).
        return [SlotSet(k, v) for k, v in change.slots.items()]


def offer_due(events: list[dict[str, Any]]) -> bool:
    """Whether this turn's slot extraction just set ``language_offered`` (it was not set before).

    ``events`` is the tracker as ``action_validate_slot_mappings`` sees it: the conversation, the
    latest user message, then the slots extracted for it.
    """
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    if last_user < 0:
        return False

    def offered(part: list[dict[str, Any]]) -> list[Any]:
        return [e.get("value") for e in part if e.get("event") == "slot" and e.get("name") == OFFERED_SLOT]

    before = offered(events[:last_user])
    now = offered(events[last_user + 1:])
    chosen = any(e.get("event") == "slot" and e.get("name") == CHOSEN_SLOT and e.get("value") is True
                 for e in events[last_user + 1:])
    # a typed or tapped "English" / "Nederlands" is answered by action_choose_language, not offered
    return bool(now) and now[-1] is True and (not before or before[-1] is not True) and not chosen


class ActionValidateSlotMappings(Action):
    """Rasa's hook after every slot extraction: sends the one-time Nederlands/English offer
    (before the answer) in the turn in which ``action_track_language`` switched to English."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        if offer_due(list(tracker.events)):
            dispatcher.utter_message(text=offer_text(), buttons=list(CHOICE_BUTTONS), answer_id="language_offer")
        return []


class ActionChooseLanguage(Action):
    def name(self) -> str:
        return "action_choose_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        dispatcher.utter_message(text=switch_text("chosen", lang_of(tracker)), answer_id="language_choice")
        return []


class ActionOtherLanguage(Action):
    def name(self) -> str:
        return "action_other_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        lang = str(_verdict(tracker).get("lang") or "")
        text = first_answer(lang)
        if text is None:  # reached without a verdict (a typed /other_language): offer the two languages
            text = offer_text()
        dispatcher.utter_message(text=text, buttons=list(CHOICE_BUTTONS), answer_id=f"first_answer:{lang or 'unknown'}")
        return []
