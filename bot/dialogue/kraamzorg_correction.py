"""A policy for a correction typed right after the kraamzorg outcome.

"oh wacht nee ik heb geen vgz maar alleen basis" or "mijn inkomen is eigenlijk 1500", typed
after the outcome, is a correction of one of her answers, not a new topic: NLU cannot know
that, the conversation can. When the last answer was the kraamzorg outcome (bot.terms context),
her answers of that check are still there (slot ``kz_previous``), the message is not a question
and it names an answer the check understands (bot.kraamzorg.answers.find_correction), this
policy predicts ``action_kraamzorg_correct`` (actions/kraamzorg.py), above the RulePolicy.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.dialogue.stateless import StatelessPolicy
from bot.kraamzorg.answers import find_correction, is_question
from bot.terms import context_from_events

ACTION = "action_kraamzorg_correct"
PREVIOUS_SLOT = "kz_previous"
NEVER = ("safety_", "stop")
RECENT_EVENTS = 120  # the context reaches back a few turns only (bot.terms.CONTEXT_TURNS)


def is_correction_after_outcome(text: str, intent: str, previous: Any, events: list[dict[str, Any]],
                                slots: dict[str, Any], today: dt.date) -> bool:
    """True when ``text`` corrects an answer of the kraamzorg check whose outcome was the last answer."""
    if not isinstance(previous, dict) or not previous or not text or text.lstrip().startswith("/"):
        return False
    if intent.startswith(NEVER) or is_question(text):
        return False
    if context_from_events(events, slots) != "kraamzorg_outcome":
        return False
    return find_correction(text, "", today, need_marker=False) is not None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class KraamzorgCorrectionPolicy(StatelessPolicy):
    """Predict ``action_kraamzorg_correct`` for a correction right after the kraamzorg outcome."""

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: dict[str, Any] | None = None,
                                     **kwargs: Any) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        message = tracker.latest_message
        if (tracker.latest_action_name == ACTION_LISTEN_NAME and ACTION in domain.action_names_or_texts
                and message is not None and not tracker.active_loop_name
                and isinstance(tracker.get_slot(PREVIOUS_SLOT), dict)):
            events = [event.as_dict() for event in list(tracker.events)[-RECENT_EVENTS:]]
            if is_correction_after_outcome(message.text or "", (message.intent or {}).get("name") or "",
                                           tracker.get_slot(PREVIOUS_SLOT), events,
                                           tracker.current_slot_values(), dt.date.today()):
                probabilities[domain.index_for_action(ACTION)] = 1.0
        return self._prediction(probabilities)
