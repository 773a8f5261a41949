"""The English held-out NLU set (issue 11): big enough, every intent real, nothing of it trained on.

The score itself (macro-F1 >= 0.9) is measured by ``make eval-languages`` with the trained model
(bot/devtools/eval_languages.py); these checks keep the set honest.
"""

from __future__ import annotations

from pathlib import Path

from bot.devtools.eval_languages import ENGLISH_SET, messages
from bot.languages.detect import detect
from tests.nlu.test_nlu_data import _examples, domain_intents, normalise

ROOT = Path(__file__).resolve().parents[2]
MIN_MESSAGES = 100


def _training() -> dict[str, str]:
    """Every training example (Dutch and English files) -> its intent."""
    out: dict[str, str] = {}
    for path in sorted((ROOT / "data" / "nlu").rglob("*.yml")):
        for intent, examples in _examples(path).items():
            out.update({normalise(e): intent for e in examples})
    return out


def test_english_holdout_is_big_enough_and_uses_domain_intents() -> None:
    held = _examples(ENGLISH_SET)
    assert sum(len(v) for v in held.values()) >= MIN_MESSAGES
    assert set(held) <= set(domain_intents()), sorted(set(held) - set(domain_intents()))
    assert all(len(v) >= 2 for v in held.values()), "at least two messages per intent"


def test_no_english_holdout_message_is_trained_on() -> None:
    trained = _training()
    leaked = [m for m in messages(ENGLISH_SET) if normalise(m) in trained]
    assert not leaked, leaked


def test_english_holdout_is_mostly_detected_as_english() -> None:
    """Not a target of its own: a guard that the set is English and the detector sees it."""
    texts = messages(ENGLISH_SET)
    english = sum(detect(t).lang == "en" for t in texts)
    assert english / len(texts) >= 0.85, english
