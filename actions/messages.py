"""Sending a long answer as several short chat messages (issue 16: at most about 60 words each)."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from bot.readability import split_message


def utter_split(dispatcher: CollectingDispatcher, text: str, buttons: list[dict[str, str]],
                answer_id: str | None = None) -> None:
    """A rendered answer as chat messages of at most 60 words (issue 16); the buttons go with the last."""
    extra = {"answer_id": answer_id} if answer_id else {}
    messages = split_message(text) or [text]
    for message in messages[:-1]:
        dispatcher.utter_message(text=message, **extra)
    dispatcher.utter_message(text=messages[-1], buttons=buttons, **extra)
