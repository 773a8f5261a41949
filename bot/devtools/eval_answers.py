"""End-to-end evaluation on the independent set: does the bot *answer* a parent's first message?

``make eval`` runs ``python -m bot.devtools.eval_answers``. Each message of
tests/nlu/independent.yml is sent as the first message of a fresh conversation to a real
Rasa server + action server (REST channel, in-memory tracker store). The tracker's bot
messages of that turn give the answer ids (eval/answer_map.yml explains where they come
from); a message counts as answered when:

- ``expect: [a, b]``: at least one of the labels is answered (they are alternatives);
- ``expect_all: [a, b]``: every label is answered (several needs in one message).

A clarifying question with the right button does not answer a topic: only the label
``clarify`` is answered by it. Writes reports/independent/<target>.json and report.md with
the hit rate per theme and every miss, and prints the per-theme table.

``--target NAME=ROOT[:MODEL]`` scores another checkout with its own code and model, e.g.
the baseline for "before" figures:
``python -m bot.devtools.eval_answers --target before=/work/baseline:/work/baseline/models/stevige-start.tar.gz``.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SET = "tests/nlu/independent.yml"
DEFAULT_MAP = "eval/answer_map.yml"
DEFAULT_MODEL = "models/stevige-start.tar.gz"
MULTI_PREFIX = "multi:"


# ---------------------------------------------------------------- the mapping


@dataclass(frozen=True)
class AnswerMap:
    """eval/answer_map.yml: label -> accepted answer ids, response names and legacy actions -> ids."""

    labels: dict[str, tuple[str, ...]]
    responses: dict[str, str]
    legacy_actions: dict[str, str]

    def accepted(self, label: str) -> tuple[str, ...]:
        return self.labels.get(label, ())

    def answers(self, label: str, ids: set[str]) -> bool:
        """Whether any of ``ids`` (several-needs ids already split) answers ``label``."""
        return any(fnmatch.fnmatchcase(i, pattern) for pattern in self.accepted(label) for i in ids)


def load_map(path: Path = ROOT / DEFAULT_MAP) -> AnswerMap:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    labels = {str(k): tuple(str(v) for v in (vals if isinstance(vals, list) else [vals]))
              for k, vals in (data.get("labels") or {}).items()}
    return AnswerMap(
        labels=labels,
        responses={str(k): str(v) for k, v in (data.get("responses") or {}).items()},
        legacy_actions={str(k): str(v) for k, v in (data.get("legacy_actions") or {}).items()},
    )


# ---------------------------------------------------------------- replies and their ids


@dataclass
class Reply:
    """One bot message: the ids it answers, its text and button titles, and the action that sent it."""

    ids: list[str]
    text: str
    buttons: list[str]
    action: str | None


def split_ids(answer_id: str) -> list[str]:
    """``multi:offering:homestart+kraamzorg_check`` -> its parts; other ids -> themselves."""
    if answer_id.startswith(MULTI_PREFIX):
        return [part for part in answer_id[len(MULTI_PREFIX):].split("+") if part]
    return [answer_id]


def replies_from_events(events: list[dict[str, Any]], amap: AnswerMap) -> list[Reply]:
    """The bot messages after the last user message, each with its answer ids.

    Events are the tracker's serialised events (Rasa puts an action's messages after its
    ``ActionExecuted``, followed by its other events such as ``SlotSet``).
    """
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    slots: dict[str, Any] = {}
    for event in events[: last_user + 1]:
        if event.get("event") == "slot":
            slots[event.get("name")] = event.get("value")
    intent = ((events[last_user].get("parse_data") or {}).get("intent") or {}).get("name") if last_user >= 0 else None
    turn = events[last_user + 1:]

    replies: list[Reply] = []
    pending: list[tuple[Reply, str | None]] = []  # untagged replies, resolved once the action's slots are known
    action: str | None = None
    for event in turn:
        kind = event.get("event")
        if kind == "action":
            _resolve_legacy(pending, slots, intent, amap)
            action = event.get("name")
        elif kind == "slot":
            slots[event.get("name")] = event.get("value")
        elif kind == "bot":
            meta = event.get("metadata") or {}
            data = event.get("data") or {}
            reply = Reply(
                ids=[], text=event.get("text") or "",
                buttons=[str(b.get("title")) for b in data.get("buttons") or [] if isinstance(b, dict)],
                action=action,
            )
            if meta.get("answer_id"):
                reply.ids = split_ids(str(meta["answer_id"]))
            elif meta.get("utter_action") and str(meta["utter_action"]) in amap.responses:
                reply.ids = [amap.responses[str(meta["utter_action"])]]
            elif meta.get("utter_action"):
                reply.ids = [str(meta["utter_action"])]
            else:
                pending.append((reply, action))
            replies.append(reply)
    _resolve_legacy(pending, slots, intent, amap)
    return replies


def _resolve_legacy(pending: list[tuple[Reply, str | None]], slots: dict[str, Any], intent: str | None,
                    amap: AnswerMap) -> None:
    for reply, action in pending:
        template = amap.legacy_actions.get(action or "")
        if template is None:
            reply.ids = [f"untagged:{action}"]
            continue
        offering = slots.get("offering")
        if "{offering}" in template and not offering:
            reply.ids = ["clarify"]  # a detail question without a known card asks which offering
            continue
        reply.ids = [template.format(offering=offering, intent=str(intent or "").removeprefix("safety_"))]
    pending.clear()


# ---------------------------------------------------------------- the set and judging


@dataclass
class Item:
    text: str
    theme: str
    labels: tuple[str, ...]
    all_required: bool
    need: str = ""


@dataclass
class Result:
    item: Item
    hit: bool
    ids: list[str]
    replies: list[Reply] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def load_set(path: Path) -> list[Item]:
    """Read the independent set (a list of items, or a mapping with one list of items)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) != 1:
            raise ValueError(f"{path}: expected one list of items")
        data = lists[0]
    items = []
    for n, raw in enumerate(data or [], 1):
        if not isinstance(raw, dict) or not str(raw.get("text") or "").strip():
            raise ValueError(f"{path}: item {n} has no text")
        labels = raw.get("expect_all") if raw.get("expect_all") is not None else raw.get("expect")
        if isinstance(labels, str):
            labels = [labels]
        if not labels:
            raise ValueError(f"{path}: item {n} ({raw['text'][:40]!r}) has no expect/expect_all")
        items.append(Item(
            text=str(raw["text"]), theme=str(raw.get("theme") or "?"), labels=tuple(str(x) for x in labels),
            all_required=raw.get("expect_all") is not None, need=str(raw.get("need") or ""),
        ))
    return items


def judge(item: Item, replies: list[Reply], amap: AnswerMap) -> Result:
    ids = [i for r in replies for i in r.ids]
    answered = [label for label in item.labels if amap.answers(label, set(ids))]
    hit = len(answered) == len(item.labels) if item.all_required else bool(answered)
    missing = [label for label in item.labels if label not in answered]
    return Result(item=item, hit=hit, ids=ids, replies=replies, missing=missing)


def unknown_labels(items: list[Item], amap: AnswerMap) -> list[str]:
    return sorted({label for item in items for label in item.labels if label not in amap.labels})


# ---------------------------------------------------------------- running a target


# The action server only runs actions for requests with its token (bot/security/action_server.py):
# without the header every answer would be the apology. In-memory tracker store: nothing is kept.
EVAL_ENDPOINTS = ("action_endpoint:\n  url: ${ACTION_ENDPOINT_URL}\n"
                  "  headers:\n    Authorization: Bearer ${ACTION_SERVER_TOKEN}\n")


def run_target(root: Path, model: Path, items: list[Item], amap: AnswerMap, workers: int = 3) -> list[Result]:
    """Start Rasa + actions of checkout ``root`` with ``model`` and judge every item."""
    from bot.testing.stack import RasaStack

    with tempfile.TemporaryDirectory(prefix="eval-answers-") as tmp:
        work = Path(tmp)
        (work / "endpoints.yml").write_text(EVAL_ENDPOINTS)
        (work / "credentials.yml").write_text("rest:\n")
        stack = RasaStack(model=model, workdir=work / "stack", root=root,
                          endpoints=str(work / "endpoints.yml"), credentials=str(work / "credentials.yml"))
        stack.start()
        try:
            def one(item: Item) -> Result:
                sender = f"eval-{uuid.uuid4().hex[:12]}"
                stack.rest(sender, item.text, timeout=120)
                events = stack.tracker(sender).get("events") or []
                return judge(item, replies_from_events(events, amap), amap)

            with ThreadPoolExecutor(max(1, workers)) as pool:
                return list(pool.map(one, items))
        finally:
            stack.stop()


# ---------------------------------------------------------------- scoring and report


def per_theme(results: list[Result]) -> dict[str, dict[str, Any]]:
    themes: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        themes[r.item.theme].append(r)
    table = {t: {"n": len(rs), "hits": sum(r.hit for r in rs), "rate": sum(r.hit for r in rs) / len(rs)}
             for t, rs in sorted(themes.items())}
    table["ALL"] = {"n": len(results), "hits": sum(r.hit for r in results),
                    "rate": sum(r.hit for r in results) / len(results) if results else 0.0}
    return table


def result_json(results: list[Result]) -> dict[str, Any]:
    return {
        "per_theme": per_theme(results),
        "answer_ids": dict(Counter(i for r in results for i in r.ids).most_common()),
        "items": [
            {"text": r.item.text, "theme": r.item.theme, "labels": list(r.item.labels),
             "all": r.item.all_required, "hit": r.hit, "ids": r.ids, "missing": r.missing,
             "reply": " | ".join(rep.text[:100].replace("\n", " ") for rep in r.replies),
             "buttons": [b for rep in r.replies for b in rep.buttons]}
            for r in results
        ],
    }


def render_markdown(scored: dict[str, dict[str, Any]], meta: dict[str, Any]) -> str:
    names = list(scored)
    themes = sorted({t for s in scored.values() for t in s["per_theme"]} - {"ALL"}) + ["ALL"]
    out = ["# Independent evaluation: answers end to end", "",
           f"Set: {meta['set']} ({meta['n']} messages). Mapping: {meta['map']}. Generated {meta['generated']}.", "",
           "A message counts when the bot's reply answers its label (`expect`: one of them; "
           "`expect_all`: every one). A clarifying question does not answer a topic.", "",
           "| theme | n | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for theme in themes:
        n = next(s["per_theme"][theme]["n"] for s in scored.values() if theme in s["per_theme"])
        cells = []
        for name in names:
            row = scored[name]["per_theme"].get(theme)
            cells.append(f"{row['rate'] * 100:.0f}% ({row['hits']})" if row else "-")
        out.append(f"| {theme} | {n} | " + " | ".join(cells) + " |")
    if meta.get("unknown_labels"):
        out += ["", f"Labels not in the mapping (always a miss): {', '.join(meta['unknown_labels'])}."]
    for name in names:
        misses = [i for i in scored[name]["items"] if not i["hit"]]
        out += ["", f"## Misses: {name} ({len(misses)})", "", "| theme | message | expected | answered | reply |",
                "|---|---|---|---|---|"]
        for i in sorted(misses, key=lambda x: (x["theme"], x["text"])):
            expected = ("all of " if i["all"] else "") + ", ".join(i["labels"])
            text = i["text"].replace("|", "/").replace("\n", " ")
            reply = i["reply"].replace("|", "/")[:120]
            out.append(f"| {i['theme']} | {text} | {expected} | {', '.join(i['ids']) or '(nothing)'} | {reply} |")
    return "\n".join(out) + "\n"


def _parse_target(spec: str) -> tuple[str, Path, Path]:
    name, _, rest = spec.partition("=")
    root_s, _, model_s = rest.partition(":")
    root = (ROOT / root_s).resolve() if root_s else ROOT
    model = Path(model_s) if model_s else root / DEFAULT_MODEL
    return name, root, model if model.is_absolute() else root / model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default=DEFAULT_SET, help="the independent set (YAML)")
    parser.add_argument("--map", default=DEFAULT_MAP, help="label -> answer id mapping")
    parser.add_argument("--target", action="append", metavar="NAME=ROOT[:MODEL]",
                        help="checkout and model to score (default: now=.:models/stevige-start.tar.gz)")
    parser.add_argument("--out", default="reports/independent", help="report directory")
    parser.add_argument("--workers", type=int, default=3, help="messages in flight at once")
    parser.add_argument("--limit", type=int, default=0, help="only the first N messages (quick check)")
    args = parser.parse_args(argv)

    set_path = ROOT / args.set
    if not set_path.exists():
        print(f"no independent set at {set_path}", file=sys.stderr)
        return 1
    amap = load_map(ROOT / args.map)
    items = load_set(set_path)[: args.limit or None]
    unknown = unknown_labels(items, amap)
    if unknown:
        print(f"warning: labels without a mapping (scored as misses): {', '.join(unknown)}", file=sys.stderr)

    out_dir = ROOT / args.out
    out_dir.mkdir(parents=True, exist_ok=True)
    scored: dict[str, dict[str, Any]] = {}
    for spec in args.target or [f"now=.:{DEFAULT_MODEL}"]:
        name, root, model = _parse_target(spec)
        if name == "now" and root == ROOT and not model.exists():
            from bot.devtools.train_if_changed import train
            train(model)
        print(f"[{name}] scoring {len(items)} messages with {model} (code from {root}) ...", flush=True)
        started = time.monotonic()
        scored[name] = result_json(run_target(root, model, items, amap, args.workers))
        scored[name]["model"], scored[name]["root"] = str(model), str(root)
        print(f"[{name}] done in {time.monotonic() - started:.0f} s", flush=True)
        (out_dir / f"{name}.json").write_text(json.dumps(scored[name], indent=2, ensure_ascii=False))

    # Earlier targets' results (e.g. the baseline) appear next to this run's in the report.
    for path in sorted(out_dir.glob("*.json")):
        if path.stem not in scored:
            scored[path.stem] = json.loads(path.read_text())
    meta = {"set": args.set, "map": args.map, "n": len(items), "generated": time.strftime("%Y-%m-%d %H:%M:%S"),
            "unknown_labels": unknown}
    (out_dir / "report.md").write_text(render_markdown(scored, meta), encoding="utf-8")
    print(f"\nReport: {out_dir / 'report.md'}")
    themes = sorted({t for s in scored.values() for t in s["per_theme"]} - {"ALL"}) + ["ALL"]
    print(f"{'theme':<22}" + "".join(f"{n:>14}" for n in scored))
    for theme in themes:
        cells = []
        for s in scored.values():
            row = s["per_theme"].get(theme)
            cells.append(f"{row['rate'] * 100:>8.1f}% {row['hits']:>4}" if row else f"{'-':>14}")
        print(f"{theme:<22}" + "".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
