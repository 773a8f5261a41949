"""Rasa NLU component that lets the deterministic safety net override the classifier.

It runs last in the pipeline (after FallbackClassifier), so a message about acute
danger becomes ``safety_<category>`` with confidence 1.0 even when DIET was unsure or
picked another intent.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety import INTENT_FOR_CATEGORY, detect


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class SafetyNet(GraphComponent):
    """Override the predicted intent when :func:`bot.safety.detect` finds danger."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            hit = detect(message.get(TEXT) or "")
            if hit is None:
                continue
            intent = {INTENT_NAME_KEY: INTENT_FOR_CATEGORY[hit.category], "confidence": 1.0}
            ranking = [
                r for r in (message.get(INTENT_RANKING_KEY) or [])
                if r.get(INTENT_NAME_KEY) != intent[INTENT_NAME_KEY]
            ]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        return messages
