"""Random and hostile messages over the REST channel: no 5xx, no crash, every reply valid.

Run against a fresh local stack (Rasa + action server, trained model from this checkout)::

    python -m bot.loadtest.hostile --n 10000

or against a running server with ``--url http://127.0.0.1:5005 --token ...``. Writes
reports/hostile.json and prints a summary. The messages are reproducible (``--seed``):
very long text, emoji, control characters, other scripts, right-to-left and zero-width
characters, SQL/HTML/script injection, format strings, ``/intent{...}`` payloads with
hostile slot values, malformed JSON payloads, numbers at the extremes, and empty text.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import string
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.loadtest.stats import percentile

INJECTIONS = [
    "'; DROP TABLE events; --",
    "1' OR '1'='1",
    "\" OR 1=1 --",
    "Robert'); DROP TABLE registrations;--",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "<b>vet</b><i>schuin</i>",
    "javascript:alert(document.cookie)",
    "{{7*7}} ${7*7} #{7*7} <%= 7*7 %>",
    "%s %s %s %n %x {0} {name}",
    "../../../../etc/passwd",
    "$(rm -rf /) `reboot`",
    "\\x00\\u0000 \\n \\r",
    "null", "undefined", "NaN", "None", "true", "[]", "{}",
    '{"sender": "other", "message": "hoi"}',
    "<!--", "]]>", "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY y SYSTEM 'file:///etc/passwd'>]><x>&y;</x>",
]
PAYLOADS = [
    "/greet", "/affirm", "/deny", "/stop", "/nlu_fallback", "/restart", "/session_start", "/action_listen",
    "/this_intent_does_not_exist", "/request_registration", "/kraamzorg_check", "/find_group",
    '/request_registration{"registration_phone": "<script>alert(1)</script>"}',
    '/affirm{"registration_consent": true}',
    '/greet{"offering": 12345}',
    '/greet{"offering": ["a", "b"]}',
    '/greet{"offering": {"nested": {"deep": null}}}',
    '/info_homestart{"offering": "../../etc/passwd"}',
    '/greet{"requested_slot": "registration_name"}',
    "/greet{", '/greet{"a":', "/greet}", "/", "//", "/ /", "/" + "a" * 300,
    '/offering_how{"offering": "homestart"}', '/offering_how{"offering": null}',
]
SCRIPTS = [
    "مرحبا، أنا حامل وأحتاج مساعدة", "Merhaba, hamileyim ve yardıma ihtiyacım var", "你好，我怀孕了", "Привет, я беременна",
    "ሰላም፣ ነፍሰ ጡር ነኝ", "Dzień dobry, jestem w ciąży", "नमस्ते मैं गर्भवती हूँ", "שלום אני בהריון",
    "Olá, estou grávida", "Salam, ana hamla", "ⵣ ⴰⵎⴰⵣⵉⵖ", "𝔥𝔬𝔦 𝔦𝔨 𝔟𝔢𝔫 𝔷𝔴𝔞𝔫𝔤𝔢𝔯",
]
EMOJI = ["🤰", "👶🏽", "🍼", "❤️", "👍", "😭😭😭", "🏳️‍🌈", "👨‍👩‍👧‍👦", "🇳🇱", "🙏🏾", "\U0001f9d1\u200d\U0001f37c"]
CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x1b[31m", "\x7f", "\u200b", "\u200d", "\u202e", "\u2066", "\ufeff",
           "\ud7ff", "\r\n", "\t", "\x0b", "\x0c", "\u2028", "\u2029", "\U0010ffff"]
DUTCH = [
    "hoi", "ik ben zwanger", "ik heb geen geld voor babyspullen", "wat is home-start", "kraamzorg betalen",
    "ik wil me aanmelden", "stop", "ja", "nee", "weet ik niet", "1200 euro", "32 weken", "3011 AB", "0612345678",
    "ik bloed heel erg", "ben jij een robot", "dank je wel", "doei",
]
NUMBERS = ["0", "-1", "99999999999999999999999999", "1e308", "-0.0", "1.250,50", "€ -90.000", "NaN", "∞",
           "0612345678" * 20, "+31 6 12345678", "31-02-2027", "00-00-0000", "9999 ZZ", "0000 AA"]


def _random_unicode(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        cp = rng.choice((rng.randint(0x20, 0x7E), rng.randint(0xA0, 0x2FFF), rng.randint(0x1F300, 0x1FAFF),
                         rng.randint(0x0, 0x1F), rng.randint(0x4E00, 0x9FFF)))
        if 0xD800 <= cp <= 0xDFFF:
            cp = 0xFFFD
        out.append(chr(cp))
    return "".join(out)


def hostile_message(rng: random.Random) -> tuple[str, str]:
    """One message and its category."""
    kind = rng.choices(
        ["long", "emoji", "control", "script", "injection", "payload", "empty", "random", "mixed", "numbers", "dutch"],
        weights=[6, 8, 10, 8, 14, 12, 5, 12, 12, 6, 7],
    )[0]
    if kind == "long":
        unit = rng.choice(["ik ben zwanger ", "a", "🤰", "€1.200 ", "<script>", "3011AB ", "\u200b"])
        return kind, unit * rng.choice([500, 2000, 5000, 20000])
    if kind == "emoji":
        return kind, "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 40)))
    if kind == "control":
        return kind, "".join(rng.choice(CONTROL + list(DUTCH[rng.randrange(len(DUTCH))])) for _ in range(rng.randint(1, 60)))
    if kind == "script":
        return kind, rng.choice(SCRIPTS)
    if kind == "injection":
        return kind, rng.choice(INJECTIONS)
    if kind == "payload":
        return kind, rng.choice(PAYLOADS)
    if kind == "empty":
        return kind, rng.choice(["", " ", "   ", "\n", "\t\t", "\u00a0", "\u200b", ".", "?", "!!!"])
    if kind == "random":
        return kind, _random_unicode(rng, rng.randint(1, 200))
    if kind == "numbers":
        return kind, rng.choice(NUMBERS)
    if kind == "dutch":
        return kind, rng.choice(DUTCH)
    parts = [rng.choice(DUTCH), rng.choice(INJECTIONS), rng.choice(EMOJI), rng.choice(CONTROL), rng.choice(NUMBERS),
             "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 30)))]
    rng.shuffle(parts)
    return "mixed", " ".join(parts[: rng.randint(2, len(parts))])


# Rasa's built-in commands that answer with nothing by design (a new session / a reset). Only
# reachable over raw REST: the WhatsApp and Telegram connectors strip a typed leading '/'.
# Counted and reported separately, not as failures.
SILENT_BUILTINS = {"/restart", "/session_start"}


def validate_reply(body: Any) -> str | None:
    """Why a REST reply body is not a valid response (None when it is valid and not empty)."""
    if not isinstance(body, list):
        return "not a JSON list"
    if not body:
        return "empty reply (silence)"
    for item in body:
        if not isinstance(item, dict):
            return "reply item is not an object"
        if not any(k in item for k in ("text", "buttons", "image", "custom", "attachment")):
            return "reply item without content"
        if "text" in item and not isinstance(item["text"], str):
            return "text is not a string"
        for button in item.get("buttons") or []:
            if not isinstance(button, dict) or not isinstance(button.get("title"), str) \
                    or not isinstance(button.get("payload"), str):
                return "invalid button"
    return None


@dataclass
class HostileResult:
    n: int = 0
    status: Counter = field(default_factory=Counter)
    problems: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)
    examples: list[dict[str, Any]] = field(default_factory=list)
    silent_builtins: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    wall_s: float = 0.0

    def record_problem(self, kind: str, problem: str, text: str) -> None:
        self.problems[problem] += 1
        if len(self.examples) < 20:
            self.examples.append({"kind": kind, "problem": problem, "message_start": text[:80]})

    def summary(self) -> dict[str, Any]:
        lat = self.latencies_ms
        return {
            "messages": self.n,
            "http_status": {str(k): v for k, v in sorted(self.status.items(), key=lambda kv: str(kv[0]))},
            "server_errors_5xx": sum(v for k, v in self.status.items() if isinstance(k, int) and k >= 500),
            "invalid_or_failed": sum(self.problems.values()),
            "problems": dict(self.problems),
            "empty_replies_to_builtin_restart_or_session_start": self.silent_builtins,
            "by_kind": dict(self.by_kind),
            "latency_ms": {"p50": round(percentile(lat, 50), 1), "p95": round(percentile(lat, 95), 1),
                           "p99": round(percentile(lat, 99), 1), "max": round(max(lat), 1) if lat else None},
            "wall_s": round(self.wall_s, 1),
            "examples": self.examples,
        }


async def run_hostile(base_url: str, n: int, seed: int = 7, concurrency: int = 8, senders: int | None = None,
                      timeout: float = 120.0) -> HostileResult:
    """Send ``n`` hostile messages to ``base_url``'s REST channel and check every reply."""
    rng = random.Random(seed)
    senders = senders or max(1, n // 25)
    messages = [(f"hostile-{seed}-{i % senders}", *hostile_message(rng)) for i in range(n)]
    result = HostileResult()
    # One queue per sender keeps each conversation sequential, like a person typing.
    queues: dict[str, list[tuple[str, str]]] = {}
    for sender, kind, text in messages:
        queues.setdefault(sender, []).append((kind, text))
    pending = list(queues.items())
    limits = httpx.Limits(max_connections=concurrency * 2, max_keepalive_connections=concurrency * 2)
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits) as client:

        async def worker() -> None:
            while pending:
                sender, items = pending.pop()
                for kind, text in items:
                    result.n += 1
                    result.by_kind[kind] += 1
                    start = time.perf_counter()
                    try:
                        resp = await client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
                    except httpx.HTTPError as exc:
                        result.status["exception"] += 1
                        result.record_problem(kind, f"request failed: {exc.__class__.__name__}", text)
                        continue
                    result.latencies_ms.append((time.perf_counter() - start) * 1000)
                    result.status[resp.status_code] += 1
                    if resp.status_code != 200:
                        result.record_problem(kind, f"HTTP {resp.status_code}", text)
                        continue
                    try:
                        body = resp.json()
                    except ValueError:
                        result.record_problem(kind, "reply is not JSON", text)
                        continue
                    problem = validate_reply(body)
                    if problem == "empty reply (silence)" and text.strip() in SILENT_BUILTINS:
                        result.silent_builtins += 1
                    elif problem:
                        result.record_problem(kind, problem, text)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        result.wall_s = time.perf_counter() - start
    return result


_TRACEBACK = re.compile(r"^Traceback \(most recent call last\)", re.MULTILINE)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--url", help="a running Rasa server (default: start a local stack)")
    parser.add_argument("--model", help="model for the local stack (default: models/stevige-start.tar.gz, "
                                        "trained first when the data changed)")
    parser.add_argument("--out", default="reports/hostile.json")
    args = parser.parse_args()

    from bot.devtools.train_if_changed import ROOT, train
    from bot.testing.stack import RasaStack

    report: dict[str, Any] = {"seed": args.seed, "concurrency": args.concurrency}
    if args.url:
        result = asyncio.run(run_hostile(args.url, args.n, args.seed, args.concurrency))
        report.update(result.summary())
    else:
        model = Path(args.model) if args.model else train(ROOT / "models" / "stevige-start.tar.gz")
        with tempfile.TemporaryDirectory() as tmp:
            stack = RasaStack(model=model, workdir=Path(tmp)).start()
            try:
                result = asyncio.run(run_hostile(stack.url, args.n, args.seed, args.concurrency))
                report.update(result.summary())
                alive = {name: proc.poll() is None for name, proc in stack.procs.items()}
                report["processes_alive_after_run"] = alive
                report["tracebacks_in_logs"] = len(_TRACEBACK.findall(stack.log_text()))
            finally:
                stack.stop()
    out = ROOT / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps({k: v for k, v in report.items() if k != "examples"}, indent=2, ensure_ascii=False))
    ok = report["server_errors_5xx"] == 0 and report["invalid_or_failed"] == 0 and \
        all(report.get("processes_alive_after_run", {}).values())
    print("hostile input run:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
