"""The generic maybe line (bot/nlu/safety_component.py): before any action's own events, once
per user message, for responses and custom actions alike; and the component's decisions."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.actions.action import Action
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.safety_component import SAFETY_KEY, _WithMaybeLine, apply_decision, maybe_event
from bot.safety import assess, maybe_text


class _Utter(Action):
    """Stands in for any action: an utter_ response or a custom action returns BotUttered events."""

    def __init__(self, name: str) -> None:
        self._name = name

    def name(self) -> str:
        return self._name

    async def run(self, output_channel, nlg, tracker, domain):
        return [BotUttered(text=f"answer of {self._name}")]


def _tracker(decision: dict | None, *extra) -> DialogueStateTracker:
    parse = {"intent": {"name": "nlu_fallback", "confidence": 0.4}, "entities": [], "text": "x"}
    if decision:
        parse[SAFETY_KEY] = decision
    return DialogueStateTracker.from_events("s", [ActionExecuted("action_listen"), UserUttered("x", parse_data=parse), *extra])


def test_line_comes_before_the_answer_of_any_action() -> None:
    for name in ("utter_capabilities", "action_clarify", "kraamzorg_form"):
        tracker = _tracker({"tier": "maybe", "topic": "baby", "lang": "nl"})
        line = maybe_event(tracker)
        events = asyncio.run(_WithMaybeLine(_Utter(name), line).run(None, None, tracker, None))
        assert [e.text for e in events] == [maybe_text("baby"), f"answer of {name}"]


def test_line_is_sent_once_per_message_and_in_english_when_she_wrote_english() -> None:
    decision = {"tier": "maybe", "topic": "pregnancy", "lang": "en"}
    assert maybe_event(_tracker(decision)).text == maybe_text("pregnancy", "en")
    sent = BotUttered(text=maybe_text("pregnancy", "en"), metadata={"safety_maybe": True})
    assert maybe_event(_tracker(decision, sent)) is None


def test_no_line_without_a_maybe_decision() -> None:
    assert maybe_event(_tracker(None)) is None
    assert maybe_event(_tracker({"tier": "violence", "lang": "nl"})) is None


def _parsed(text: str, ranking: list[tuple[str, float]]) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": ranking[0][0], "confidence": ranking[0][1]})
    message.set("intent_ranking", [{"name": n, "confidence": c} for n, c in ranking])
    apply_decision(message)
    return message


def test_detector_overrides_the_classifier() -> None:
    message = _parsed("mijn man slaat me", [("info_homestart", 0.8)])
    assert message.get("intent")["name"] == "safety_violence"
    assert message.get(SAFETY_KEY)["source"] == "detector"


def test_unsure_classifier_only_safety_prediction_becomes_maybe_not_silence() -> None:
    message = _parsed("er is iets met me aan de hand", [("safety_pregnancy_urgent", 0.6), ("greet", 0.2)])
    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get(SAFETY_KEY)["tier"] == "maybe" and message.get(SAFETY_KEY)["topic"] == "pregnancy"


def test_confident_classifier_only_safety_prediction_with_a_lexical_cue_takes_over() -> None:
    """The detector found no sign, but the words of one are there (a baby, breathing): a confident
    classifier takes over."""
    text = "mijn baby is zo anders, hij ademt"
    assert assess(text).tier is None and assess(text).cues
    message = _parsed(text, [("safety_sick_baby", 0.97), ("greet", 0.01)])
    assert message.get("intent")["name"] == "safety_sick_baby"
    assert message.get(SAFETY_KEY)["source"] == "classifier"


@pytest.mark.parametrize(("text", "intent"), [
    ("ik heb 5 minuten, kun je snel uitleggen hoe de kraamzorg werkt", "safety_pregnancy_urgent"),
    ("im broke lol, what does the kraamzorg cost", "safety_pregnancy_urgent"),
    ("we hebben geen geld voor luiers en rompertjes", "safety_sick_baby"),
    ("ons zoontje heeft maar twee dagen geleefd, hij is overleden", "safety_violence"),
    ("ik voel niks voor mijn kindje, ik ben vast een slechte moeder", "safety_pregnancy_urgent"),
    ("mijn vrouw is sinds de bevalling somber en lusteloos", "safety_sick_baby"),
    ("er is iets heel ergs met me aan de hand", "safety_life"),
])
def test_confident_classifier_without_a_lexical_cue_gives_the_line_not_the_takeover(text: str, intent: str) -> None:
    """No words of any sign: even a sure classifier only gets the maybe line (never silence, no takeover)."""
    assert not assess(text).cues
    message = _parsed(text, [(intent, 0.97), ("greet", 0.01)])
    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get(SAFETY_KEY)["tier"] == "maybe" and message.get(SAFETY_KEY)["source"] == "classifier"


def test_ordinary_message_is_left_alone() -> None:
    message = _parsed("wat is de sleutel van rotterdam", [("info_sleutel_van_rotterdam", 0.95)])
    assert message.get("intent")["name"] == "info_sleutel_van_rotterdam"
    assert message.get(SAFETY_KEY) is None


def test_a_mild_sign_stays_a_line_even_when_the_classifier_is_sure() -> None:
    """The detector judged "een beetje buikpijn" as maybe: a confident classifier does not escalate it."""
    message = _parsed("ik ben 20 weken zwanger en heb een beetje buikpijn", [("safety_pregnancy_urgent", 0.98)])
    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get(SAFETY_KEY)["tier"] == "maybe"
