"""The conversation language (issue 11): follow it, switch it, answer other languages.

* ``action_validate_slot_mappings`` - Rasa's hook after slot extraction, called on every message
  before the answer is chosen: applies :func:`bot.languages.conversation.next_state` (sets the
  language slots) and, the first time she writes in English, sends the Nederlands/English offer,
  before the answer. One action server call per message does both: a custom slot mapping action
  could set the slots but not send the offer (Rasa keeps only its SlotSet events), and a second
  call per message cost a round trip to the action server;
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
from bot.languages.conversation import PARSE_KEY, Change, lang_of, next_state, state_from_slots
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


def language_change(tracker: Tracker) -> Change:
    """What this message changes in the conversation language (slots, and whether to offer)."""
    verdict = _verdict(tracker)
    if verdict.get("reason") != "choice" and tapped_button(tracker):
        verdict = {}  # a tapped button's payload is Dutch in both languages: it says nothing about hers
    return next_state(state_from_slots(tracker.current_slot_values()), verdict)


class ActionValidateSlotMappings(Action):
    """Rasa's hook after every slot extraction: follows the conversation language and sends the
    one-time Nederlands/English offer (before the answer) when it switches to English."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        change = language_change(tracker)
        if change.offer:
            dispatcher.utter_message(text=offer_text(), buttons=list(CHOICE_BUTTONS), answer_id="language_offer")
        return [SlotSet(k, v) for k, v in change.slots.items()]


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
