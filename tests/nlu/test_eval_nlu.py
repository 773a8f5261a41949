"""Scoring and report rendering of bot/devtools/eval_nlu.py (no training)."""

from __future__ import annotations

import pytest

from bot.devtools.eval_nlu import ROOT, Prediction, evaluate, load_test_messages, render_markdown, score


def _pred(text: str, expected: str, predicted: str, conf: float = 0.9) -> Prediction:
    p = Prediction(text, expected, "holdout.yml")
    p.views = {"deployed": (predicted, conf), "nlu": (predicted, conf), "top": (predicted, conf)}
    return p


def test_score_per_intent_and_macro() -> None:
    preds = [
        _pred("a", "greet", "greet"),
        _pred("b", "greet", "goodbye", 0.6),
        _pred("c", "goodbye", "goodbye"),
        _pred("d", "goodbye", "nlu_fallback", 0.2),
    ]
    s = score(preds, "deployed", trained={"greet"})
    assert s["per_intent"]["greet"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "support": 2}
    assert s["per_intent"]["goodbye"]["precision"] == 0.5
    assert s["per_intent"]["goodbye"]["recall"] == 0.5
    assert s["macro_f1"] == pytest.approx((2 / 3 + 0.5) / 2)
    assert s["macro_f1_trained"] == pytest.approx(2 / 3)
    assert s["untrained_intents"] == ["goodbye"]
    assert s["accuracy"] == 0.5
    assert s["fallbacks"] == 1
    assert {c["text"] for c in s["confusions"]} == {"b", "d"}


def test_report_renders_every_config() -> None:
    preds = [_pred("hoi", "greet", "greet"), _pred("doei", "goodbye", "greet")]
    results = {"config.yml": evaluate(preds), "rasa_default": evaluate(preds)}
    md = render_markdown(results, {"test_files": ["holdout.yml"], "n_messages": 2, "generated": "now"})
    assert "| config.yml | deployed |" in md and "| rasa_default | top |" in md
    assert "| doei | goodbye | greet | 0.90 |" in md


def test_holdout_loads_with_rasa() -> None:
    rows = load_test_messages(ROOT / "tests" / "nlu")
    assert len(rows) >= 200
    assert all(text and intent for text, intent, _ in rows)
