"""Rasa side of the language detection: the ``LanguageDetector`` NLU component.

It runs after ``RestoreRawText`` (so it reads the parent's own words) and before the
``SafetyNet`` (an emergency always wins). For every message it adds the verdict of
:func:`bot.languages.detect.detect` to the parse result as ``language`` ({"lang", "reason"}),
where ``action_validate_slot_mappings`` reads it, and

* a typed language choice ("English", "Nederlands") becomes the intent ``choose_language``;
* a message in a language the assistant does not speak (Turkish, Arabic, Polish, Spanish,
  French, Portuguese, Papiamento) becomes ``other_language``, answered with a short fixed
  text in that language (content/languages/first_answers.yml);

both with confidence 1.0 and never trained. English and Dutch messages keep the classifier's
intent: the NLU is trained in both languages.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.languages.conversation import PARSE_KEY
from bot.languages.detect import FOREIGN_LANGUAGES, detect
from bot.languages.texts import first_answers

log = logging.getLogger(__name__)

CHOOSE_INTENT = "choose_language"
OTHER_INTENT = "other_language"


def verdict_intent(verdict: dict[str, Any]) -> str | None:
    """The intent a verdict sets, if any."""
    if verdict.get("reason") == "choice":
        return CHOOSE_INTENT
    if verdict.get("lang") in FOREIGN_LANGUAGES and verdict.get("lang") in first_answers():
        return OTHER_INTENT
    return None


def apply_detection(message: Message) -> None:
    """Detect the language of one parsed message (changes it in place)."""
    text = message.get(TEXT) or ""
    if not text or text.lstrip().startswith("/"):
        return
    found = detect(text)
    verdict = {"lang": found.lang, "reason": found.reason}
    message.set(PARSE_KEY, verdict, add_to_output=True)
    intent_name = verdict_intent(verdict)
    if intent_name is None:
        return
    intent = {INTENT_NAME_KEY: intent_name, "confidence": 1.0}
    ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get(INTENT_NAME_KEY) != intent_name]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageDetector(GraphComponent):
    """Add the language verdict to every message (see the module docstring)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        first_answers()  # fail at load time, not on a parent's message, when the content is invalid
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            try:
                apply_detection(message)
            except Exception:  # noqa: BLE001 - detection is an extra; the Dutch answer must still come
                log.exception("language detection failed")
        return messages
