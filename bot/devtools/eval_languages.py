"""Language detection on the Dutch evaluation sets: how often is a Dutch parent taken for foreign?

``make eval-languages`` runs ``python -m bot.devtools.eval_languages --out reports/languages``.
It runs :func:`bot.languages.detect.detect` over every message of

* the Dutch held-out sets (``tests/nlu/holdout*.yml`` in Rasa's NLU format, not the English one),
* the independent Dutch set (``tests/nlu/independent.yml``: read only to measure this rate),

and reports the false-foreign rate per set (messages detected as another language, English
included) with the messages themselves, and the English detection rate on the English held-out
set (``tests/nlu/holdout_en.yml``) when it is there. Nothing is trained or tuned here.
Target (issue 11): at most 0.5% false foreign on the Dutch sets.

With ``--model PATH`` (a trained Rasa model, e.g. models/stevige-start.tar.gz) it also parses the
English held-out set with that model and reports per-intent F1 and macro-F1 (the views of
:mod:`bot.devtools.eval_nlu`; "deployed" = classifier + fallback + interpretation + safety net).
Target (issue 11): English macro-F1 >= 0.9.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import yaml

from bot.languages.detect import ENGLISH, detect

ROOT = Path(__file__).resolve().parents[2]
NLU_TESTS = ROOT / "tests" / "nlu"
ENGLISH_SET = NLU_TESTS / "holdout_en.yml"
INDEPENDENT_SET = NLU_TESTS / "independent.yml"
TARGET = 0.005
TARGET_EN_MACRO_F1 = 0.9


def messages(path: Path) -> list[str]:
    """The message texts of a Rasa NLU file (``nlu:`` / ``examples``) or of a ``messages:`` set."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if "messages" in data:
        return [str(m["text"]) for m in data["messages"] if isinstance(m, dict) and m.get("text")]
    out: list[str] = []
    for block in data.get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                out.append(line[2:].strip())
    return out


def dutch_sets() -> dict[str, Path]:
    sets = {p.stem: p for p in sorted(NLU_TESTS.glob("holdout*.yml")) if p != ENGLISH_SET}
    if INDEPENDENT_SET.exists():
        sets[INDEPENDENT_SET.stem] = INDEPENDENT_SET
    return sets


def score_dutch(texts: list[str]) -> dict[str, Any]:
    started = time.perf_counter()
    foreign = []
    for text in texts:
        found = detect(text)
        if found.foreign:
            foreign.append({"text": text, "lang": found.lang, "reason": found.reason,
                            "confidence": round(found.confidence, 3)})
    seconds = time.perf_counter() - started
    return {
        "messages": len(texts),
        "false_foreign": len(foreign),
        "rate": len(foreign) / len(texts) if texts else 0.0,
        "ms_per_message": round(1000 * seconds / max(len(texts), 1), 3),
        "detected_foreign": foreign,
    }


def score_english(texts: list[str]) -> dict[str, Any]:
    verdicts = [detect(t) for t in texts]
    missed = [{"text": t, "lang": v.lang, "reason": v.reason} for t, v in zip(texts, verdicts, strict=True)
              if v.lang != ENGLISH]
    return {
        "messages": len(texts),
        "detected_english": len(texts) - len(missed),
        "rate": (len(texts) - len(missed)) / len(texts) if texts else 0.0,
        "not_detected": missed,
    }


def english_nlu(model: Path) -> dict[str, Any]:
    """Macro-F1 of ``model`` on the English held-out set (all three views of eval_nlu)."""
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.devtools.eval_nlu import VIEWS, predict, score, trained_intents

    data = load_data(str(ENGLISH_SET))
    rows = [(m.get("text"), m.get("intent"), ENGLISH_SET.name) for m in data.intent_examples]
    predictions = predict(model, rows)
    trained = trained_intents()
    result: dict[str, Any] = {view: score(predictions, view, trained) for view in VIEWS}
    result["model"] = str(model)
    result["target_macro_f1"] = TARGET_EN_MACRO_F1
    return result


def evaluate() -> dict[str, Any]:
    report: dict[str, Any] = {"target_false_foreign": TARGET, "dutch": {}}
    total = wrong = 0
    for name, path in dutch_sets().items():
        result = score_dutch(messages(path))
        report["dutch"][name] = result
        total += result["messages"]
        wrong += result["false_foreign"]
    report["dutch_total"] = {"messages": total, "false_foreign": wrong, "rate": wrong / total if total else 0.0}
    if ENGLISH_SET.exists():
        report["english"] = score_english(messages(ENGLISH_SET))
    return report


def render(report: dict[str, Any]) -> str:
    lines = ["# Language detection", "", "| set | messages | detected as foreign | rate |", "|---|---|---|---|"]
    for name, result in report["dutch"].items():
        lines.append(f"| {name} | {result['messages']} | {result['false_foreign']} | {result['rate']:.2%} |")
    tot = report["dutch_total"]
    lines += [f"| **all Dutch sets** | {tot['messages']} | {tot['false_foreign']} | {tot['rate']:.2%} |", "",
              f"Target: at most {report['target_false_foreign']:.1%}.", ""]
    for name, result in report["dutch"].items():
        for item in result["detected_foreign"]:
            lines.append(f"- {name}: {item['text']!r} -> {item['lang']} ({item['reason']})")
    if "english" in report:
        en = report["english"]
        lines += ["", f"English held-out set: {en['detected_english']}/{en['messages']} detected as English "
                      f"({en['rate']:.1%})."]
        lines += [f"- not English: {m['text']!r} -> {m['lang']} ({m['reason']})" for m in en["not_detected"]]
    if "english_nlu" in report:
        nlu = report["english_nlu"]
        dep = nlu["deployed"]
        lines += ["", "# English NLU (held-out set, tests/nlu/holdout_en.yml)", "",
                  f"Model: {nlu['model']}. Messages: {dep['n']}, intents: {len(dep['per_intent'])}.", "",
                  "| view | macro-F1 | accuracy | fallbacks |", "|---|---|---|---|"]
        lines += [f"| {view} | {nlu[view]['macro_f1']:.3f} | {nlu[view]['accuracy']:.3f} | {nlu[view]['fallbacks']} |"
                  for view in ("deployed", "nlu", "top")]
        lines += ["", f"Target: macro-F1 (deployed) at least {nlu['target_macro_f1']}.", "", "Confusions (deployed):"]
        lines += [f"- {c['text']!r}: expected {c['expected']}, got {c['predicted']} ({c['confidence']})"
                  for c in dep["confusions"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "languages")
    parser.add_argument("--model", type=Path, help="also score this Rasa model on the English held-out set")
    args = parser.parse_args(argv)
    report = evaluate()
    if args.model:
        report["english_nlu"] = english_nlu(args.model)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    text = render(report)
    (args.out / "report.md").write_text(text, encoding="utf-8")
    print(text)
    ok = report["dutch_total"]["rate"] <= TARGET
    if "english_nlu" in report:
        ok = ok and report["english_nlu"]["deployed"]["macro_f1"] >= TARGET_EN_MACRO_F1
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
