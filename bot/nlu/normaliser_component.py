"""Rasa components around :mod:`bot.nlu.normaliser`: normalise before featurisation, restore after.

In config.yml::

    - name: bot.nlu.normaliser_component.TextNormaliser     # right after MessageLengthLimit
    ...tokenizer, featurizers, classifiers...
    - name: bot.nlu.normaliser_component.RestoreRawText     # before the SafetyNet
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.normaliser import (
    DEFAULT_SLANG,
    GIBBERISH,
    NORMALISED_TEXT,
    RAW_TEXT,
    Normaliser,
    file_fingerprint,
    from_json,
    load_slang,
    to_json,
    vocabulary_from,
)

STORED_FILE = "normaliser.json"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TextNormaliser(GraphComponent):
    """Replace the text by its normalised form; keep the parent's own text under ``text_raw``."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"slang": DEFAULT_SLANG}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        # The slang list is read from a file Rasa does not know: retrain when it changes.
        return file_fingerprint(Path(config.get("slang") or DEFAULT_SLANG))

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 normaliser: Normaliser | None = None) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.normaliser = normaliser

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> TextNormaliser:
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> TextNormaliser:
        try:
            with model_storage.read_from(resource) as directory:
                vocabulary, slang = from_json((directory / STORED_FILE).read_text(encoding="utf-8"))
        except ValueError:  # not trained (Rasa gives a ValueError for a missing resource)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, Normaliser(vocabulary, slang))

    def train(self, training_data: TrainingData) -> Resource:
        slang = load_slang(Path(self.config.get("slang") or DEFAULT_SLANG))
        texts = [m.get(TEXT) for m in training_data.training_examples if m.get(TEXT)]
        vocabulary = vocabulary_from(texts, slang)
        self.normaliser = Normaliser(vocabulary, slang)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / STORED_FILE).write_text(to_json(vocabulary, slang), encoding="utf-8")
        return self._resource

    def _normalise(self, message: Message) -> None:
        text = message.get(TEXT)
        if self.normaliser is None or not isinstance(text, str) or not text or message.get(RAW_TEXT) is not None:
            return
        normalised = self.normaliser.normalise(text) or text
        message.set(RAW_TEXT, text)
        message.set(NORMALISED_TEXT, normalised)
        message.set(TEXT, normalised)
        if not text.lstrip().startswith("/") and self.normaliser.is_gibberish(text):
            message.set(GIBBERISH, True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._normalise(message)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._normalise(message)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RestoreRawText(GraphComponent):
    """Put the parent's own text back once the classifiers are done."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> RestoreRawText:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            raw = message.get(RAW_TEXT)
            if isinstance(raw, str):
                message.set(TEXT, raw)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
