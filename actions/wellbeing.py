"""Baby loss and low mood (issue 12 items 1 and 2).

Thin adapters: texts in content/wellbeing/, rules in bot/wellbeing/. After a loss the slot
``baby_loss`` keeps pregnancy content silent for the rest of the conversation.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.messages import remind_open_needs, utter_split
from bot.content import human_button
from bot.languages.conversation import lang_of
from bot.parsing.common import looks_like_question
from bot.privacy.pseudonym import sender_key
from bot.wellbeing import registration_choice as choice
from bot.wellbeing.loss import LOSS_SLOT, in_loss_conversation, loss_is_certain, loss_signal, told_about_someone_else
from bot.wellbeing.texts import TextSet, text_set

log = logging.getLogger(__name__)

# A confirmed loss comes back as the payload itself (certain); "nee" is most often sadness.
# Button titles live in the content files (``buttons:``), in Dutch and English.
def _confirm_buttons(texts: TextSet) -> list[dict[str, str]]:
    return [texts.button("confirm", "/baby_loss"), texts.button("baby_alive", "/low_mood"),
            texts.button("something_else", "/none_of_these")]


def _choice_buttons(texts: TextSet) -> list[dict[str, str]]:
    return [texts.button("keep", "/registration_keep"), texts.button("pause", "/registration_pause"),
            texts.button("withdraw", "/withdraw_registration")]


def _cjg_button(texts: TextSet) -> dict[str, str]:
    return texts.button("cjg", "/info_cjg")


def _low_mood_buttons(texts: TextSet, lang: str) -> list[dict[str, str]]:
    return [texts.button("home_start", "/info_homestart"), texts.button("groups", "/find_group"), human_button(lang)]


def _text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def _sender(tracker: Tracker) -> str:
    try:
        return sender_key(tracker.sender_id)
    except Exception:  # noqa: BLE001 - no pseudonym secret: then no registration lookup
        log.warning("no sender key: registration lookup skipped")
        return ""


class ActionBabyLoss(Action):
    """Acknowledge first; then where to get care and support; then (if she registered in this
    chat) one clear choice about her registration. Sets the ``baby_loss`` slot."""

    def name(self) -> str:
        return "action_baby_loss"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        text = _text(tracker)
        if not text.startswith("/") and loss_signal(text) is False:
            # 'Verloren' about a card, a game, a job: not a loss of a baby.
            return [FollowupAction("action_clarify")]
        lang = lang_of(tracker)
        texts = text_set("wellbeing/baby_loss", lang)
        if not loss_is_certain(text, tracker.slots):
            # Only the classifier heard a loss ("ik huil de hele dag sinds de bevalling"): ask first.
            dispatcher.utter_message(text=texts.render("confirm_question"), buttons=_confirm_buttons(texts),
                                     answer_id="baby_loss_confirm")
            return []
        again = in_loss_conversation(tracker.slots)  # told before: no second condolence, no second choice
        key = "acknowledgement_other" if told_about_someone_else(text) else "acknowledgement"
        dispatcher.utter_message(text=texts.render("acknowledgement_again" if again else key), answer_id="baby_loss")
        care = f"{texts.render('care')}\n\n{texts.source_tag}"
        utter_split(dispatcher, care, [human_button(lang)], answer_id="baby_loss")
        found = choice.open_references(_sender(tracker)) if not again else None
        if found and found.references:
            utter_split(dispatcher, texts.render("registration_question"), _choice_buttons(texts), answer_id="baby_loss")
        return [SlotSet(LOSS_SLOT, True)]


class ActionRegistrationChoice(Action):
    """Keep or pause her registration (withdrawal is the existing withdrawal form)."""

    def name(self) -> str:
        return "action_registration_choice"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        pause = intent == "registration_pause"
        loss = in_loss_conversation(tracker.slots)
        lang = lang_of(tracker)
        texts = text_set("wellbeing/baby_loss", lang)
        if looks_like_question(_text(tracker)):
            # "wat is het verschil tussen pauzeren en intrekken": explain the choice, change nothing
            utter_split(dispatcher, texts.render("registration_question"), _choice_buttons(texts), answer_id="baby_loss")
            return []
        staff = text_set("wellbeing/baby_loss")  # notes for the aanmeldpunt stay Dutch
        if loss:
            result = choice.record_choice(_sender(tracker), staff.render("note_paused" if pause else "note_kept"))
        elif pause:
            result = choice.record_choice(_sender(tracker), staff.render("note_paused_plain"))
        else:  # keep, nothing to tell the aanmeldpunt
            result = choice.open_references(_sender(tracker))
        if result.unavailable:
            key = "store_unavailable"
        elif not result.references:
            key = "no_registration"
        else:
            key = "paused" if pause else ("kept" if loss else "kept_plain")
        extra = {"answer_id": "baby_loss"} if loss else {}
        dispatcher.utter_message(text=texts.render(key), buttons=[human_button(lang)], **extra)
        return []


class ActionLowMood(Action):
    """Low mood or anxiety (not acute): it is common, help works, who to tell, the 113
    route in one line, and Home-Start and groups as extra support."""

    def name(self) -> str:
        return "action_low_mood"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        self.answer(dispatcher, tracker)
        return remind_open_needs(dispatcher, tracker, "low_mood")

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        """The answer alone (also a part of a several-needs answer, where no reminder belongs)."""
        lang = lang_of(tracker)
        texts = text_set("wellbeing/low_mood", lang)
        loss = in_loss_conversation(tracker.slots)
        extra = texts.render("extra_support_after_loss" if loss else "extra_support")
        answer = texts.render("answer_after_loss" if loss else "answer")
        text = f"{answer}\n\n{texts.render('crisis_line')}\n\n{extra}\n\n{texts.source_tag}"
        buttons = [_cjg_button(texts), human_button(lang)] if loss else _low_mood_buttons(texts, lang)
        utter_split(dispatcher, text, buttons, answer_id="low_mood")


class ActionFeelLonely(Action):
    """Feeling alone: the short answer (utter_feel_lonely), then the other needs she named, if any."""

    def name(self) -> str:
        return "action_feel_lonely"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        dispatcher.utter_message(response="utter_feel_lonely")
        return remind_open_needs(dispatcher, tracker, "feel_lonely")


class ActionCapabilities(Action):
    """'Wat kun je?' / 'welke hulp is er?': the menu; after a loss one without pregnancy offerings."""

    def name(self) -> str:
        return "action_capabilities"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        if not in_loss_conversation(tracker.slots):
            dispatcher.utter_message(response="utter_capabilities")
            return []
        lang = lang_of(tracker)
        texts = text_set("wellbeing/baby_loss", lang)
        buttons = [texts.button("where_to_go", "/baby_loss"), _cjg_button(text_set("wellbeing/low_mood", lang)),
                   human_button(lang)]
        dispatcher.utter_message(text=texts.render("capabilities"), buttons=buttons, answer_id="capabilities")
        return []
