"""The conversation language (issue 11): follow it, switch it, answer other languages.

* ``action_track_language`` - the custom slot mapping of ``language``: runs on every message
  (before the answer is chosen) and applies :func:`bot.languages.conversation.next_state`; the
  first time she writes in English it sends the Nederlands/English offer before the answer;
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
from bot.languages.conversation import PARSE_KEY, lang_of, next_state, state_from_slots
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
