"""The custom NLU components on Rasa messages (no training): normalise, restore, interpret."""

from __future__ import annotations

from pathlib import Path

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.interpret import Settings
from bot.nlu.interpret_component import MessageInterpreter
from bot.nlu.normaliser import NORMALISED_TEXT, RAW_TEXT, Normaliser, load_slang, vocabulary_from
from bot.nlu.normaliser_component import RestoreRawText, TextNormaliser

ROOT = Path(__file__).resolve().parents[2]
SLANG = load_slang(ROOT / "data" / "lexicon" / "slang.yml")


def _normaliser() -> TextNormaliser:
    vocabulary = vocabulary_from(["ik heb geen geld voor de kraamzorg", "mijn vriendin is zwanger"], SLANG)
    return TextNormaliser({"slang": str(ROOT / "data" / "lexicon" / "slang.yml")}, None, None,  # type: ignore[arg-type]
                          Normaliser(vocabulary, SLANG))


def test_the_classifier_sees_plain_dutch_and_everything_after_sees_her_words() -> None:
    raw = "ff vragen mn vriendin is zwnger, geen doekoe voor de kraam zorg. Bel 06-12345678"
    message = Message(data={TEXT: raw})
    _normaliser().process([message])
    assert message.get(TEXT) == "even vragen mijn vriendin is zwanger, geen geld voor de kraamzorg. bel 06-12345678"
    assert message.get(RAW_TEXT) == raw and message.get(NORMALISED_TEXT) == message.get(TEXT)
    RestoreRawText().process([message])
    assert message.get(TEXT) == raw
    assert NORMALISED_TEXT not in message.as_dict(only_output_properties=True)  # never stored


def test_training_data_is_normalised_the_same_way() -> None:
    data = TrainingData([Message(data={TEXT: "mn kind", "intent": "vague"})])
    _normaliser().process_training_data(data)
    assert data.training_examples[0].get(TEXT) == "mijn kind"


def test_an_untrained_normaliser_leaves_text_alone() -> None:
    message = Message(data={TEXT: "ff vragen"})
    TextNormaliser({}, None, None).process([message])  # type: ignore[arg-type]
    assert message.get(TEXT) == "ff vragen" and message.get(RAW_TEXT) is None


def test_interpreter_sets_intent_and_output_properties() -> None:
    interpreter = MessageInterpreter(Settings())
    message = Message(data={TEXT: "wat is home start en hoe meld ik me aan"})
    message.set("intent", {"name": "request_registration", "confidence": 0.7}, add_to_output=True)
    message.set("intent_ranking", [{"name": "request_registration", "confidence": 0.7}], add_to_output=True)
    interpreter.process([message])
    out = message.as_dict(only_output_properties=True)
    assert out["intent"] == {"name": "info_homestart", "confidence": 1.0}
    assert out["intent_ranking"][0]["name"] == "info_homestart" and out["offering_aspect"] == "how"

    several = Message(data={TEXT: "x"})
    several.set("intent", {"name": "kraamzorg_check", "confidence": 0.8}, add_to_output=True)
    several.set("segments", [{"intent": "feel_lonely", "confidence": 0.7},
                             {"intent": "kraamzorg_check", "confidence": 0.9}])
    interpreter.process([several])
    assert several.get("intent")["name"] == "several_needs"
    assert several.as_dict(only_output_properties=True)["needs"] == ["kraamzorg_check", "feel_lonely"]
