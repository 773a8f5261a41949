"""The safety net: messages about acute danger get their tier's answer at any moment.

Public API:

* :func:`assess` - the deterministic detector (lexicon + rules + harmless contexts + other
  languages): tier, answer language and the signs that matched;
* :func:`decide` - what the NLU pipeline acts on: the detector, with the trained classifier
  (DIET's ``safety_*`` intents) as a second opinion: a confident classifier-only hit with a lexical
  cue in the message takes over, an unsure one or one without a cue becomes ``maybe`` (one line
  before the normal answer), never silence;
* :func:`emergency_text`, :func:`maybe_text`, :func:`after_form_text` - the answers
  (content/safety.yml).

``detect`` and ``SafetyHit`` keep the old small interface (tier of an emergency or ``None``).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from bot.safety.detector import Assessment, assess
from bot.safety.text import normalise
from bot.safety.texts import after_form_text, emergency_text, maybe_text, safety_texts
from bot.safety.tiers import (
    EMERGENCY_TIERS,
    FORM_NOT_INTENT,
    INTENT_FOR_TIER,
    MAYBE,
    MAYBE_TOPIC_FOR_TIER,
    SAFETY_INTENTS,
    TIERS,
    tier_for_intent,
)

__all__ = [
    "EMERGENCY_TIERS", "FORM_NOT_INTENT", "INTENT_FOR_TIER", "MAYBE", "SAFETY_INTENTS", "TIERS",
    "Assessment", "Decision", "SafetyHit", "after_form_text", "assess", "decide", "detect",
    "emergency_text", "maybe_text", "normalise", "safety_texts", "tier_for_intent",
    "CLASSIFIER_TAKEOVER", "FALLBACK_INTENT",
]

# Old names, kept for callers that only need "which emergency, if any".
CATEGORIES = EMERGENCY_TIERS
INTENT_FOR_CATEGORY = INTENT_FOR_TIER

FALLBACK_INTENT = "nlu_fallback"
# A classifier-only safety prediction at or above this confidence takes over like a detector hit,
# provided the message has a lexical cue of an emergency tier (the words of one of its rules, anywhere:
# ``Assessment.cues``); below it, or without a cue, the message gets the `maybe` line and the normal
# (clarifying) answer. Without the cue, DIET took over on "ik heb 5 minuten, kun je snel uitleggen ...",
# "geen geld voor luiers" or a baby who died: never silence, but no takeover either.
CLASSIFIER_TAKEOVER = 0.9


@dataclass(frozen=True)
class SafetyHit:
    """An emergency found by the detector (old interface: ``category`` is the tier)."""

    tier: str
    pattern: str
    lang: str = "nl"

    @property
    def category(self) -> str:
        return self.tier


def detect(text: str) -> SafetyHit | None:
    """The emergency tier of ``text`` according to the detector alone, or ``None``."""
    found = assess(text)
    if not found.is_emergency:
        return None
    return SafetyHit(str(found.tier), ",".join(found.signs), found.lang)


@dataclass(frozen=True)
class Decision:
    """What the pipeline does with a message.

    ``intent`` replaces the classifier's intent when set (an emergency tier, or
    ``nlu_fallback`` when an unsure safety prediction is withdrawn); ``tier`` is an
    emergency tier or ``maybe``; ``source`` says which layer decided.
    """

    tier: str | None
    intent: str | None = None
    lang: str = "nl"
    topic: str | None = None
    source: str = ""
    signs: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"tier": self.tier, "lang": self.lang, "topic": self.topic, "source": self.source,
                "signs": list(self.signs)}


def _classifier_top(ranking: list[tuple[str, float]]) -> tuple[str, float] | None:
    for name, confidence in ranking:
        if name != FALLBACK_INTENT:
            return name, float(confidence)
    return None


def decide(text: str, ranking: list[tuple[str, float]] | None = None) -> Decision:
    """Combine the detector with the classifier's ranking (best first, may include nlu_fallback)."""
    found = assess(text)
    if found.is_emergency:
        return Decision(found.tier, INTENT_FOR_TIER[str(found.tier)], found.lang, None, "detector", found.signs)
    if found.tier == MAYBE:  # the detector judged it (a mild sign, or a harmless context): it stays a line
        return Decision(MAYBE, _withdrawn(ranking), found.lang, found.topic, "detector", found.signs)
    top = _classifier_top(ranking or [])
    tier = tier_for_intent(top[0]) if top else None
    if top and tier:
        if top[1] >= CLASSIFIER_TAKEOVER and found.cues:
            return Decision(tier, INTENT_FOR_TIER[tier], found.lang, None, "classifier", (top[0],))
        return Decision(MAYBE, FALLBACK_INTENT, found.lang, MAYBE_TOPIC_FOR_TIER[tier], "classifier", (top[0],))
    return Decision(None, None, found.lang)


def _withdrawn(ranking: list[tuple[str, float]] | None) -> str | None:
    """``nlu_fallback`` when the classifier's best intent is a safety intent (it must not take over)."""
    top = _classifier_top(ranking or [])
    return FALLBACK_INTENT if top and tier_for_intent(top[0]) else None


def warm_up(detector: bool = True) -> None:
    """Load the lexicon, lemma tables and signs now, so the first parent does not wait for them.

    ``detector=False``: only the answers (the action server reads the tier the Rasa process decided;
    it runs the detector itself only for a typed ``/safety_...`` payload, and its tables take ~110 MB).
    """
    try:
        if detector:
            assess("warm up: ik bloed, my baby")
        emergency_text("life")
    except Exception:  # noqa: BLE001 - a broken content file shows up in the first real call and in the tests
        logging.getLogger(__name__).exception("safety net warm-up failed")


_warm_up_started = threading.Event()


def start_warm_up(detector: bool = True) -> None:
    """Load the tables in the background, once per process (loading takes a few seconds).

    Called by the servers when they start (the Rasa component, the action server), never at
    import: a thread that imports modules while the importing thread is still busy with them
    can find them half-initialised.
    """
    if not _warm_up_started.is_set():
        _warm_up_started.set()
        threading.Thread(target=warm_up, args=(detector,), name="safety-warm-up", daemon=True).start()
