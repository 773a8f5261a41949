"""Cap the length of a user message before NLU, so one long message cannot take Rasa down.

DIET's transformer attends from every token to every other token: a 20,000-word message
asks for a 20,000 x 20,000 attention matrix per head (several GB). Found by the hostile-input
run (bot/loadtest/hostile.py): such a message made TensorFlow fail with an out-of-memory
error (the parent got no answer), and an 80,000-word message got the Rasa process killed.
WhatsApp and Telegram allow 4,096 characters; the REST channel (web chat) allows anything.

This component runs first in the pipeline. A text longer than ``max_chars`` keeps its
beginning and its end (where people put the question and, in an emergency, the cry for
help), joined by " … ". Safety detection (bot.safety, last in the pipeline) sees the same
shortened text.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

DEFAULT_MAX_CHARS = 2000
SEPARATOR = " … "


def shorten_text(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """``text`` itself when short enough, else its head and tail within ``max_chars``."""
    if not isinstance(text, str) or len(text) <= max_chars:
        return text
    keep = max(2, max_chars - len(SEPARATOR))
    head = keep * 2 // 3
    return text[:head].rstrip() + SEPARATOR + text[len(text) - (keep - head):].lstrip()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MessageLengthLimit(GraphComponent):
    """Shorten over-long user messages before any other NLU component sees them."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"max_chars": DEFAULT_MAX_CHARS}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageLengthLimit:
        return cls(int(config.get("max_chars") or DEFAULT_MAX_CHARS))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if isinstance(text, str) and len(text) > self.max_chars:
                message.set(TEXT, shorten_text(text, self.max_chars))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
