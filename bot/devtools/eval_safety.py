"""Score the safety net on an evaluation set: recall per tier, tier accuracy, false alarms.

Two views (``--mode``):

* ``detector``: the deterministic detector alone (``bot.safety.assess``), no model needed;
* ``e2e``: the whole assistant over the real REST channel (Rasa + action server + model):
  every message in its context (``start``, ``kraamzorg_form``, ``registration_form``,
  ``after_answer``), judged by the answer a parent would see.

Set format (``tests/safety/independent.yml``): ``must_fire`` (text, tier, optional also_ok,
context), ``must_not_fire`` (text) and ``maybe`` (text). A must-fire message counts as
*fired* when any emergency answer comes, and as *right tier* when its tier (or an also_ok
tier) comes. A must-not-fire message with an emergency answer is a *false alarm*; the
"bel bij twijfel" line alone is reported separately (it does not take over).

The module is self-contained on purpose: it also scores older code (``PYTHONPATH`` pointing
at another checkout), where ``bot.safety.detect`` returns categories without tiers; there any
category counts as fired, and tier accuracy is reported for the categories that map to one
tier only (violence, suicide).

Usage: ``python -m bot.devtools.eval_safety --set tests/safety/independent.yml --mode both
--model models/stevige-start.tar.gz --out reports/safety``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TIERS = ("life", "pregnancy_urgent", "sick_baby", "violence", "suicide", "mental_crisis")
OLD_CATEGORY_TIERS = {"violence": {"violence"}, "suicide": {"suicide"},
                      "medical": {"life", "pregnancy_urgent", "sick_baby"}}
CONTEXTS = ("start", "kraamzorg_form", "registration_form", "after_answer")
ENTRY = {"kraamzorg_form": "/kraamzorg_check", "registration_form": "/request_registration"}
AFTER_ANSWER_QUESTION = "wat is de sleutel van rotterdam"
FIRED_OLD = "fired"  # the old detector's answer has no tier


@dataclass
class Item:
    section: str           # must_fire, must_not_fire, maybe
    text: str
    tier: str | None = None
    also_ok: tuple[str, ...] = ()
    context: str = "start"


@dataclass
class Outcome:
    item: Item
    tiers: set[str] = field(default_factory=set)  # emergency tiers answered ("fired" for old code)
    maybe: bool = False
    note: str = ""

    @property
    def fired(self) -> bool:
        return bool(self.tiers)

    @property
    def right_tier(self) -> bool:
        ok = {self.item.tier, *self.item.also_ok}
        if FIRED_OLD in self.tiers:
            return False
        return bool(self.tiers & ok)


def load_set(path: Path) -> list[Item]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items = []
    for raw in data.get("must_fire") or []:
        items.append(Item("must_fire", str(raw["text"]), raw["tier"], tuple(raw.get("also_ok") or ()),
                          raw.get("context") or "start"))
    for raw in data.get("must_not_fire") or []:
        items.append(Item("must_not_fire", str(raw["text"]), context=raw.get("context") or "start"))
    for raw in data.get("maybe") or []:
        items.append(Item("maybe", str(raw["text"]), context=raw.get("context") or "start"))
    return items


# --------------------------------------------------------------------------- the code under test

def _safety_module() -> Any:
    import bot.safety as safety

    return safety


def detector_outcome(item: Item) -> Outcome:
    """What the detector alone says (new API ``assess``; old API ``detect``)."""
    safety = _safety_module()
    if hasattr(safety, "assess"):
        found = safety.assess(item.text)
        tiers = {found.tier} if found.tier in TIERS else set()
        return Outcome(item, tiers, found.tier == "maybe", ",".join(found.signs))
    hit = safety.detect(item.text)
    if hit is None:
        return Outcome(item)
    return Outcome(item, _old_tiers(hit.category), False, hit.category)


def _old_tiers(category: str) -> set[str]:
    mapped = OLD_CATEGORY_TIERS.get(category, set())
    return set(mapped) if len(mapped) == 1 else {FIRED_OLD}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def answer_texts() -> tuple[dict[str, list[str]], list[str]]:
    """Every emergency answer per tier (all languages) and every maybe line, as shown to a parent."""
    safety = _safety_module()
    if hasattr(safety, "emergency_text") and hasattr(safety, "maybe_text") and hasattr(safety, "TIERS"):
        from bot.safety.texts import answer_languages
        from bot.safety.tiers import MAYBE_TOPICS

        per_tier = {
            tier: sorted({_norm(safety.emergency_text(tier, lang)) for lang in answer_languages()})
            for tier in TIERS
        }
        maybes = sorted({_norm(safety.maybe_text(topic, lang)) for topic in MAYBE_TOPICS for lang in ("nl", "en")})
        return per_tier, maybes
    data = safety.safety_texts()
    per_tier = {}
    for category, tiers in OLD_CATEGORY_TIERS.items():
        key = next(iter(tiers)) if len(tiers) == 1 else FIRED_OLD
        per_tier.setdefault(key, []).append(_norm(str(data[category]["text"])))
    return per_tier, []


def classify_replies(replies: list[dict[str, Any]], per_tier: dict[str, list[str]], maybes: list[str]) -> tuple[set[str], bool]:
    shown = _norm(" ".join(str(r.get("text") or "") for r in replies))
    tiers = {tier for tier, texts in per_tier.items() if any(t and t in shown for t in texts)}
    return tiers, any(m and m in shown for m in maybes)


class E2E:
    """Talk to a running assistant over REST, putting each message in its context."""

    def __init__(self, model: Path, workdir: Path) -> None:
        from bot.testing.stack import RasaStack

        self.stack = RasaStack(model=model, workdir=workdir)
        self.per_tier, self.maybes = answer_texts()

    def __enter__(self) -> E2E:
        self.stack.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.stop()

    def _active_loop(self, sender: str) -> str:
        return str((self.stack.tracker(sender).get("active_loop") or {}).get("name") or "")

    def outcome(self, item: Item) -> Outcome:
        sender = f"eval-{uuid.uuid4().hex[:12]}"
        note = ""
        if item.context in ENTRY:
            self.stack.rest(sender, ENTRY[item.context])
            loop = self._active_loop(sender)
            if loop != item.context:
                note = f"context not reached (active loop {loop!r})"
        elif item.context == "after_answer":
            self.stack.rest(sender, AFTER_ANSWER_QUESTION)
        replies = self.stack.rest(sender, item.text)
        tiers, maybe = classify_replies(replies, self.per_tier, self.maybes)
        return Outcome(item, tiers, maybe, note)


# --------------------------------------------------------------------------- scoring

def score(outcomes: list[Outcome]) -> dict[str, Any]:
    fire = [o for o in outcomes if o.item.section == "must_fire"]
    quiet = [o for o in outcomes if o.item.section == "must_not_fire"]
    maybe = [o for o in outcomes if o.item.section == "maybe"]
    per_tier: dict[str, dict[str, Any]] = {}
    for tier in TIERS:
        rows = [o for o in fire if o.item.tier == tier]
        if not rows:
            continue
        per_tier[tier] = {
            "n": len(rows),
            "fired": sum(o.fired for o in rows),
            "recall": _pct(sum(o.fired for o in rows), len(rows)),
            "right_tier": sum(o.right_tier for o in rows),
            "tier_accuracy": _pct(sum(o.right_tier for o in rows), len(rows)),
        }
    per_context: dict[str, dict[str, Any]] = {}
    for context in CONTEXTS:
        rows = [o for o in fire if o.item.context == context]
        if rows:
            per_context[context] = {"n": len(rows), "fired": sum(o.fired for o in rows),
                                    "recall": _pct(sum(o.fired for o in rows), len(rows))}
    return {
        "must_fire": {"n": len(fire), "fired": sum(o.fired for o in fire), "recall": _pct(sum(o.fired for o in fire), len(fire)),
                      "right_tier": sum(o.right_tier for o in fire),
                      "tier_accuracy": _pct(sum(o.right_tier for o in fire), len(fire))},
        "per_tier": per_tier,
        "per_context": per_context,
        "must_not_fire": {"n": len(quiet), "false_alarms": sum(o.fired for o in quiet),
                          "false_alarm_rate": _pct(sum(o.fired for o in quiet), len(quiet)),
                          "maybe_lines": sum(o.maybe and not o.fired for o in quiet)},
        "maybe": {"n": len(maybe), "maybe_line": sum(o.maybe and not o.fired for o in maybe),
                  "emergency": sum(o.fired for o in maybe), "nothing": sum(not o.fired and not o.maybe for o in maybe)},
        "misses": [{"text": o.item.text, "tier": o.item.tier, "got": sorted(o.tiers), "maybe": o.maybe,
                    "context": o.item.context, "note": o.note} for o in fire if not o.right_tier],
        "false_alarms": [{"text": o.item.text, "got": sorted(o.tiers), "note": o.note} for o in quiet if o.fired],
        "notes": sorted({o.note for o in outcomes if o.note.startswith("context")}),
    }


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def report_markdown(name: str, result: dict[str, Any]) -> str:
    lines = [f"### {name}", "", "| tier | n | fired (recall) | right tier (accuracy) |", "|---|---|---|---|"]
    for tier, row in result["per_tier"].items():
        lines.append(f"| {tier} | {row['n']} | {row['fired']} ({row['recall']}%) | {row['right_tier']} ({row['tier_accuracy']}%) |")
    total = result["must_fire"]
    lines.append(f"| **all** | {total['n']} | {total['fired']} ({total['recall']}%) | "
                 f"{total['right_tier']} ({total['tier_accuracy']}%) |")
    quiet = result["must_not_fire"]
    maybe = result["maybe"]
    lines += ["", f"False alarms: {quiet['false_alarms']} of {quiet['n']} ({quiet['false_alarm_rate']}%); "
              f"'bel bij twijfel' line only: {quiet['maybe_lines']}.",
              f"Maybe set ({maybe['n']}): maybe line {maybe['maybe_line']}, emergency answer {maybe['emergency']}, "
              f"nothing {maybe['nothing']}."]
    if result["per_context"]:
        lines.append("Recall per context: " + ", ".join(
            f"{c} {r['fired']}/{r['n']}" for c, r in result["per_context"].items()))
    return "\n".join(lines) + "\n"


def run(items: list[Item], mode: str, model: Path | None, progress: bool = True) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    if mode in ("detector", "both"):
        started = time.monotonic()
        results["detector"] = score([detector_outcome(i) for i in items])
        results["detector"]["seconds"] = round(time.monotonic() - started, 1)
    if mode in ("e2e", "both"):
        if model is None or not model.exists():
            raise SystemExit(f"e2e needs a trained model (--model); {model} not found")
        started = time.monotonic()
        outcomes = []
        with tempfile.TemporaryDirectory(prefix="eval-safety-") as tmp, E2E(model, Path(tmp)) as e2e:
            for n, item in enumerate(items, 1):
                outcomes.append(e2e.outcome(item))
                if progress and n % 50 == 0:
                    print(f"  e2e {n}/{len(items)}", file=sys.stderr, flush=True)
        results["e2e"] = score(outcomes)
        results["e2e"]["seconds"] = round(time.monotonic() - started, 1)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", default="tests/safety/independent.yml", type=Path)
    parser.add_argument("--mode", choices=("detector", "e2e", "both"), default="detector")
    parser.add_argument("--model", type=Path, default=Path("models/stevige-start.tar.gz"))
    parser.add_argument("--out", type=Path, default=Path("reports/safety"))
    parser.add_argument("--name", default="", help="label for the report files (default: the set's file name)")
    args = parser.parse_args(argv)
    items = load_set(args.set)
    counts = Counter(i.section for i in items)
    print(f"{args.set}: {dict(counts)}", file=sys.stderr)
    results = run(items, args.mode, args.model)
    name = args.name or args.set.stem
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    markdown = "".join(report_markdown(f"{name}: {view}", result) for view, result in results.items())
    (args.out / f"{name}.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    misses = defaultdict(int)
    for view, result in results.items():
        misses[view] = len(result["misses"])
    print(f"details (misses, false alarms): {args.out / (name + '.json')}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
