"""A policy that lets a typed button title do what the button does (in every channel).

When the parent's message is the title of a button the bot showed in this session (small
typos allowed, see :func:`bot.buttons.match_button`) and that button carries an intent payload,
this policy predicts ``action_typed_button`` with confidence 1.0 and a priority above the
RulePolicy. The action (actions/conversation.py) replaces her message by the button's payload,
exactly as if she had tapped it, and the rules take it from there.

It stays out of the way when a form is active (the form reads typed answers itself), for the
safety net's intents and 'stop', for payloads (a tap), and when the classifier already found
the button's intent.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.buttons import match_button, parse_payload, shown_buttons
from bot.dialogue.stateless import StatelessPolicy

ACTION = "action_typed_button"
NEVER = ("safety_", "stop")


def typed_button(tracker: Any) -> dict[str, Any] | None:
    """The button the latest message typed back, when this policy should act on it."""
    message = tracker.latest_message
    if message is None or tracker.active_loop_name:
        return None
    text = message.text or ""
    intent = (message.intent or {}).get("name") or ""
    if not text or text.lstrip().startswith("/") or intent.startswith(NEVER):
        return None
    button = match_button(text, shown_buttons(tracker.events))
    parsed = parse_payload(str(button.get("payload"))) if button else None
    if parsed is None:
        return None
    payload_intent, entities = parsed
    if payload_intent == intent and not entities:
        return None  # the classifier understood it already
    return button


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class TypedButtonPolicy(StatelessPolicy):
    """Predict ``action_typed_button`` right after a message that is a shown button's title."""

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: dict[str, Any] | None = None,
                                     **kwargs: Any) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        if (tracker.latest_action_name == ACTION_LISTEN_NAME and ACTION in domain.action_names_or_texts
                and typed_button(tracker) is not None):
            probabilities[domain.index_for_action(ACTION)] = 1.0
        return self._prediction(probabilities)
