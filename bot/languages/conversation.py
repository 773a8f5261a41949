"""The conversation language: Dutch by default, English when she writes or chooses it.

Three slots carry it (domain.yml, ``### languages``):

* ``language`` - "nl" or "en" (empty: Dutch); responses and actions answer in it;
* ``language_chosen`` - she typed or tapped "Nederlands" / "English": from then on only another
  choice changes the language;
* ``language_offered`` - the Nederlands/English switch was offered (once per conversation).

:func:`next_state` is the rule, applied to every message by ``action_validate_slot_mappings``
(Rasa's hook after slot extraction, so it runs before the answer is chosen), with the verdict the
``LanguageDetector`` NLU component put on the message:

* a language choice sets the language and marks it chosen;
* a message in English, when she has not chosen: the conversation goes on in English, and the
  first time the switch is offered (one line with the buttons, before the answer);
* a message that is clearly Dutch (not only Dutch by default: "Yes, I consent" is Dutch for
  lingua at 6%), after an automatic switch to English: back to Dutch;
* too short to tell ("ok", an emoji), another language, or she chose: nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.languages.localize import language

SLOT = "language"
CHOSEN_SLOT = "language_chosen"
OFFERED_SLOT = "language_offered"
PARSE_KEY = "language"  # the detector's verdict in the parse result (bot/nlu/language_component.py)


@dataclass(frozen=True)
class State:
    language: str = "nl"
    chosen: bool = False
    offered: bool = False


@dataclass(frozen=True)
class Change:
    """What to set, and whether to send the one-time offer."""

    slots: dict[str, Any] = field(default_factory=dict)
    offer: bool = False


def state_from_slots(slots: dict[str, Any]) -> State:
    return State(language(slots.get(SLOT)), bool(slots.get(CHOSEN_SLOT)), bool(slots.get(OFFERED_SLOT)))


def lang_of(tracker: Any) -> str:
    """'en' or 'nl' for a rasa_sdk Tracker (or anything with ``get_slot``)."""
    return language(tracker.get_slot(SLOT))


def next_state(state: State, verdict: dict[str, Any] | None) -> Change:
    """The change for one message with the detector's ``verdict`` ({"lang", "reason"}) or None."""
    if not verdict:
        return Change()
    lang, reason = verdict.get("lang"), verdict.get("reason")
    if reason == "choice" and lang in ("nl", "en"):
        return Change({SLOT: lang, CHOSEN_SLOT: True, OFFERED_SLOT: True})
    if state.chosen:
        return Change()
    if lang == "en" and state.language != "en":
        return Change({SLOT: "en", OFFERED_SLOT: True}, offer=not state.offered)
    if lang == "nl" and state.language == "en" and reason != "default":
        return Change({SLOT: "nl"})
    return Change()
