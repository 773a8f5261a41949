"""Sending a long answer as several short chat messages (issue 16: at most about 60 words each)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.conversation import open_needs_reminder
from bot.languages.conversation import lang_of
from bot.readability import split_message

OPEN_NEEDS_SLOT = "open_needs"


def utter_split(dispatcher: CollectingDispatcher, text: str, buttons: list[dict[str, str]],
                answer_id: str | None = None) -> None:
    """A rendered answer as chat messages of at most 60 words (issue 16); the buttons go with the last."""
    extra = {"answer_id": answer_id} if answer_id else {}
    messages = split_message(text) or [text]
    for message in messages[:-1]:
        dispatcher.utter_message(text=message, **extra)
    dispatcher.utter_message(text=messages[-1], buttons=buttons, **extra)


def remind_open_needs(dispatcher: CollectingDispatcher, tracker: Tracker, answered: str) -> list[dict[str, Any]]:
    """After answering one need of a several-needs answer, name the others again (with buttons).

    The needs still open live in the ``open_needs`` slot (set by action_several_needs); nothing is
    said when ``answered`` was not one of them.
    """
    open_needs = tracker.get_slot(OPEN_NEEDS_SLOT)
    if not isinstance(open_needs, list):
        return []
    reminder = open_needs_reminder([str(n) for n in open_needs], answered, lang_of(tracker))
    if reminder is None:
        return [SlotSet(OPEN_NEEDS_SLOT, None)] if answered in open_needs else []
    text, buttons, left = reminder
    dispatcher.utter_message(text=text, buttons=buttons)
    return [SlotSet(OPEN_NEEDS_SLOT, left)]
