"""Rasa component around :mod:`bot.nlu.interpret` (after the FallbackClassifier, before the safety net)."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.interpret import (
    BABY_LOSS,
    FALLBACK,
    Decision,
    Settings,
    decide,
    load_need_phrases,
    load_offering_names,
    settle_close_call,
    without_loss,
)
from bot.nlu.normaliser import GIBBERISH, NORMALISED_TEXT, RAW_TEXT
from bot.nlu.segments import SEGMENTS
from bot.wellbeing.loss import loss_signal

NEEDS = "needs"
OFFERING_ASPECT = "offering_aspect"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class MessageInterpreter(GraphComponent):
    """Several needs, bare numbers and 'wat is X en hoe meld ik me aan' (see bot/nlu/interpret.py)."""

    def __init__(self, settings: Settings) -> None:
        from bot.content import cards

        self.settings = settings
        catalogue = cards()
        self.known_offerings = set(catalogue)
        self.offering_names = load_offering_names(cards=catalogue)
        self.need_phrases = load_need_phrases()
        self.topic_names = load_need_phrases("alone")

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> MessageInterpreter:
        # Thresholds live in code (bot/nlu/interpret.py) and act without retraining: nothing is learnt.
        return cls(Settings())

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._process(message)
        return messages

    def _process(self, message: Message) -> None:
        intent = message.get(INTENT) or {}
        raw = message.get(RAW_TEXT) or message.get(TEXT) or ""
        text = message.get(NORMALISED_TEXT) or message.get(TEXT) or ""
        loss = loss_signal(raw)
        segments = message.get(SEGMENTS) or []
        settled = settle_close_call(message.get(INTENT_RANKING_KEY) or []) if intent.get(INTENT_NAME_KEY) == FALLBACK else None
        if settled is not None:  # the family is as sure as a plain answer: it may stand beside a named offering
            intent = {**settled, "confidence": max(float(settled["confidence"]), self.settings.message_threshold)}
        replaced = settled is not None or (loss is False and intent.get(INTENT_NAME_KEY) == BABY_LOSS)
        if loss is False:
            # "ik ben de brief verloren", "ik voel me zo verloren": whatever the classifier heard, no baby loss
            intent, segments = without_loss(intent, message.get(INTENT_RANKING_KEY) or [], segments)
        decision = decide(raw, text, str(intent.get(INTENT_NAME_KEY) or ""), float(intent.get("confidence") or 0.0),
                          segments, self.offering_names, self.known_offerings, self.settings,
                          baby_loss=loss is True, gibberish=bool(message.get(GIBBERISH)),
                          need_phrases=self.need_phrases, topic_names=self.topic_names)
        if decision is None and replaced:
            decision = Decision(str(intent.get(INTENT_NAME_KEY)), float(intent.get("confidence") or 0.0))
        if decision is None:
            return
        new = {INTENT_NAME_KEY: decision.intent, "confidence": decision.confidence}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != decision.intent]
        message.set(INTENT, new, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [new, *ranking], add_to_output=True)
        if decision.needs:
            message.set(NEEDS, decision.needs, add_to_output=True)
        if decision.aspect:
            message.set(OFFERING_ASPECT, decision.aspect, add_to_output=True)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
