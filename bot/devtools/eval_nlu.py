"""NLU evaluation on the held-out set: our config.yml against Rasa's default pipeline.

`make eval` runs ``python -m bot.devtools.eval_nlu --out reports/nlu``. For each config it
trains an NLU-only model from data/nlu into models/eval/ (skipped when the inputs did not
change), parses every message of every file in tests/nlu/ and scores three views:

- ``deployed``: what the assistant acts on: classifier + FallbackClassifier + safety net
  (bot/safety.py; in config.yml it is the SafetyNet component, for the baseline it is
  applied after parsing, exactly as the component would);
- ``nlu``: the same without the safety net (FallbackClassifier predictions count as wrong);
- ``top``: the classifier's best intent, ignoring the fallback and the safety net.

Writes report.md and report.json (per-intent precision/recall/F1, macro-F1, accuracy,
confusions with confidence, and a comparison table) and prints the macro-F1 per config.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIGS = {"config.yml": "config.yml", "rasa_default": "eval/config_rasa_default.yml"}
# bot/safety.py is not an input: the SafetyNet component calls it at run time, nothing of it is trained.
MODEL_INPUTS = ("data/nlu", "data/lexicon", "bot/nlu")
VIEWS = ("deployed", "nlu", "top")
FALLBACK = "nlu_fallback"


@dataclass
class Prediction:
    text: str
    expected: str
    file: str
    views: dict[str, tuple[str, float]] = field(default_factory=dict)  # view -> (intent, confidence)


# ---------------------------------------------------------------- training


def inputs_hash(config: Path) -> str:
    """Hash of the config and every input that changes an NLU model."""
    digest = hashlib.sha256(config.read_bytes())
    for name in MODEL_INPUTS:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def train_nlu(name: str, config: Path, models_dir: Path, force: bool = False) -> Path:
    """Train an NLU-only model for ``config`` unless an up-to-date one exists."""
    model = models_dir / f"nlu-{name.replace('.', '_')}.tar.gz"
    stamp = model.with_suffix(".hash")
    wanted = inputs_hash(config)
    if not force and model.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        print(f"[{name}] model {model.relative_to(ROOT)} is up to date ({wanted})", flush=True)
        return model
    models_dir.mkdir(parents=True, exist_ok=True)
    print(f"[{name}] training NLU model with {config.relative_to(ROOT)} ...", flush=True)
    started = time.monotonic()
    cmd = [
        sys.executable, "-m", "rasa", "train", "nlu", "--config", str(config), "--nlu", "data/nlu",
        "--out", str(models_dir), "--fixed-model-name", model.name.removesuffix(".tar.gz"),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}
    subprocess.run(cmd, cwd=ROOT, check=True, env=env)
    stamp.write_text(wanted)
    print(f"[{name}] trained in {time.monotonic() - started:.0f} s", flush=True)
    return model


# ---------------------------------------------------------------- test data


def load_test_messages(test_dir: Path) -> list[tuple[str, str, str]]:
    """(text, expected intent, file name) for every example in every file of ``test_dir``."""
    from rasa.shared.nlu.training_data.loading import load_data

    rows = []
    # independent*.yml are end-to-end sets in their own format (bot/devtools/eval_answers.py).
    for path in sorted(p for p in test_dir.iterdir()
                       if p.suffix in {".yml", ".yaml"} and not p.name.startswith("independent")):
        data = load_data(str(path))
        for message in data.intent_examples:
            rows.append((message.get("text"), message.get("intent"), path.name))
    return rows


# ---------------------------------------------------------------- parsing


@contextlib.contextmanager
def safety_net_disabled() -> Iterator[None]:
    """Make the SafetyNet component a no-op (to see what the classifier alone predicts)."""
    from bot.safety import Decision

    with mock.patch("bot.nlu.safety_component.decide", lambda text, ranking=None: Decision(None)):
        yield


def _top(parse: dict[str, Any]) -> tuple[str, float]:
    intent = parse.get("intent") or {}
    return str(intent.get("name")), float(intent.get("confidence") or 0.0)


def _top_ignoring_fallback(parse: dict[str, Any]) -> tuple[str, float]:
    for ranked in parse.get("intent_ranking") or []:
        if ranked.get("name") != FALLBACK:
            return str(ranked["name"]), float(ranked.get("confidence") or 0.0)
    return _top(parse)


def predict(model: Path, rows: list[tuple[str, str, str]]) -> list[Prediction]:
    """Parse every message with and without the safety net."""
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    from bot.safety import decide

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)  # no per-message debug lines
    agent = Agent.load(str(model))

    async def parse_all() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text, _, _ in rows]

    with safety_net_disabled():
        plain = asyncio.run(parse_all())
    predictions = []
    for (text, expected, file), parse in zip(rows, plain, strict=True):
        pred = Prediction(text, expected, file)
        pred.views["nlu"] = _top(parse)
        pred.views["top"] = _top_ignoring_fallback(parse)
        # the SafetyNet component runs last and does exactly this (bot.nlu.safety_component.apply_decision)
        ranking = [(str(r["name"]), float(r.get("confidence") or 0.0)) for r in parse.get("intent_ranking") or []]
        decision = decide(text, ranking)
        pred.views["deployed"] = (decision.intent, 1.0) if decision.intent else pred.views["nlu"]
        predictions.append(pred)
    if _has_safety_component(agent):
        _check_component_agrees(agent, rows, predictions)
    return predictions


def _has_safety_component(agent: Any) -> bool:
    schema = agent.processor.model_metadata.predict_schema
    return any("SafetyNet" in str(node.uses) for node in schema.nodes.values())


def _check_component_agrees(agent: Any, rows: list[tuple[str, str, str]], predictions: list[Prediction]) -> None:
    """With the real SafetyNet in the pipeline, the deployed view must equal the pipeline output."""

    async def parse_all() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text, _, _ in rows]

    for pred, parse in zip(predictions, asyncio.run(parse_all()), strict=True):
        intent, conf = _top(parse)
        if intent != pred.views["deployed"][0]:
            raise RuntimeError(f"pipeline and emulated safety net disagree on {pred.text!r}: {intent} vs {pred.views}")
        pred.views["deployed"] = (intent, conf)


# ---------------------------------------------------------------- scoring


def score(predictions: list[Prediction], view: str, trained: set[str] | None = None) -> dict[str, Any]:
    """Per-intent precision/recall/F1 over the expected intents, macro-F1, accuracy, confusions.

    ``macro_f1_trained`` averages only over intents that have training data (others' features may
    still be missing theirs while the held-out set already covers them).
    """
    labels = sorted({p.expected for p in predictions})
    per_intent: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(1 for p in predictions if p.expected == label and p.views[view][0] == label)
        fp = sum(1 for p in predictions if p.expected != label and p.views[view][0] == label)
        fn = sum(1 for p in predictions if p.expected == label and p.views[view][0] != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    correct = sum(1 for p in predictions if p.views[view][0] == p.expected)
    confusions = [
        {"text": p.text, "expected": p.expected, "predicted": p.views[view][0],
         "confidence": round(p.views[view][1], 3), "file": p.file}
        for p in predictions if p.views[view][0] != p.expected
    ]
    confusions.sort(key=lambda c: (c["expected"], -c["confidence"]))
    with_data = [v["f1"] for k, v in per_intent.items() if trained is None or k in trained]
    return {
        "macro_f1": sum(v["f1"] for v in per_intent.values()) / len(per_intent) if per_intent else 0.0,
        "macro_f1_trained": sum(with_data) / len(with_data) if with_data else 0.0,
        "untrained_intents": sorted(k for k in per_intent if trained is not None and k not in trained),
        "accuracy": correct / len(predictions) if predictions else 0.0,
        "n": len(predictions),
        "fallbacks": sum(1 for p in predictions if p.views[view][0] == FALLBACK),
        "per_intent": per_intent,
        "confusions": confusions,
    }


def trained_intents() -> set[str]:
    """Intents with at least one example in data/nlu."""
    from rasa.shared.nlu.training_data.loading import load_data

    return set(load_data(str(ROOT / "data" / "nlu")).intents)


def evaluate(predictions: list[Prediction], trained: set[str] | None = None) -> dict[str, Any]:
    files = sorted({p.file for p in predictions})
    result: dict[str, Any] = {view: score(predictions, view, trained) for view in VIEWS}
    if len(files) > 1:
        result["per_file"] = {f: {v: score([p for p in predictions if p.file == f], v)["macro_f1"] for v in VIEWS}
                              for f in files}
    return result


# ---------------------------------------------------------------- report


def render_markdown(results: dict[str, dict[str, Any]], meta: dict[str, Any]) -> str:
    names = list(results)
    out = [
        "# NLU evaluation (held-out set)", "",
        f"Test files: {', '.join(meta['test_files'])} ({meta['n_messages']} messages). "
        f"Generated {meta['generated']}.", "",
        "Views: **deployed** = classifier + FallbackClassifier + safety net (what the bot acts on); "
        "**nlu** = without the safety net (nlu_fallback counts as wrong); "
        "**top** = the classifier's best intent, ignoring fallback and safety net.", "",
        "## Comparison", "",
        "| config | view | macro-F1 | macro-F1 (intents with training data) | accuracy | fallbacks |",
        "|---|---|---|---|---|---|",
    ]
    for name in names:
        for view in VIEWS:
            s = results[name][view]
            out.append(f"| {name} | {view} | {s['macro_f1']:.3f} | {s['macro_f1_trained']:.3f} | {s['accuracy']:.3f} "
                       f"| {s['fallbacks']} |")
    untrained = results[names[0]]["deployed"]["untrained_intents"]
    if untrained:
        out += ["", f"Intents in the test set without training data yet: {', '.join(untrained)}."]
    out += ["", "## Per intent (F1, deployed view)", "",
            "| intent | support | " + " | ".join(f"{n} P | {n} R | {n} F1" for n in names) + " |",
            "|---|---|" + "---|---|---|" * len(names)]
    intents = sorted(results[names[0]]["deployed"]["per_intent"])
    for intent in intents:
        cells = []
        for name in names:
            m = results[name]["deployed"]["per_intent"][intent]
            cells.append(f"{m['precision']:.2f} | {m['recall']:.2f} | {m['f1']:.2f}")
        support = results[names[0]]["deployed"]["per_intent"][intent]["support"]
        out.append(f"| {intent} | {support} | " + " | ".join(cells) + " |")
    for name in names:
        out += ["", f"## Confusions: {name} (deployed view)", "",
                "| message | expected | predicted | confidence |", "|---|---|---|---|"]
        for c in results[name]["deployed"]["confusions"]:
            text = c["text"].replace("|", "/")
            out.append(f"| {text} | {c['expected']} | {c['predicted']} | {c['confidence']:.2f} |")
        if not results[name]["deployed"]["confusions"]:
            out.append("| (none) | | | |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="reports/nlu", help="report directory")
    parser.add_argument("--tests", default="tests/nlu", help="directory with held-out NLU files")
    parser.add_argument("--models", default="models/eval", help="where the eval models go")
    parser.add_argument("--config", action="append", metavar="NAME=PATH",
                        help="configs to compare (default: config.yml and eval/config_rasa_default.yml)")
    parser.add_argument("--force", action="store_true", help="retrain even when the inputs did not change")
    args = parser.parse_args(argv)

    configs = dict(c.split("=", 1) for c in args.config) if args.config else DEFAULT_CONFIGS
    out_dir, models_dir, test_dir = ROOT / args.out, ROOT / args.models, ROOT / args.tests
    rows = load_test_messages(test_dir)
    if not rows:
        print(f"no test messages in {test_dir}", file=sys.stderr)
        return 1

    results: dict[str, dict[str, Any]] = {}
    trained = trained_intents()
    for name, config in configs.items():
        model = train_nlu(name, ROOT / config, models_dir, force=args.force)
        results[name] = evaluate(predict(model, rows), trained)
        results[name]["config"] = config
        results[name]["model"] = str(model.relative_to(ROOT))

    meta = {
        "generated": time.strftime("%Y-%m-%d %H:%M:%S"),
        "test_files": sorted({f for _, _, f in rows}),
        "n_messages": len(rows),
        "views": {"deployed": "classifier + fallback + safety net", "nlu": "without safety net",
                  "top": "best classifier intent, no fallback, no safety net"},
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2, ensure_ascii=False))
    (out_dir / "report.md").write_text(render_markdown(results, meta), encoding="utf-8")
    print(f"\nReport: {out_dir / 'report.md'}")
    for name, res in results.items():
        print(f"{name:>14}: macro-F1 deployed {res['deployed']['macro_f1']:.3f} "
              f"(intents with data {res['deployed']['macro_f1_trained']:.3f}) | nlu {res['nlu']['macro_f1']:.3f} "
              f"| top {res['top']['macro_f1']:.3f} | accuracy (deployed) {res['deployed']['accuracy']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
