"""Benchmark: per-message latency over REST, throughput with concurrent conversations,
training time and peak memory (RSS) of each process.

Run with ``make bench``; writes reports/bench.json and prints a summary.
Targets (issue 2): p95 <= 100 ms single-user, training <= 5 min, total RSS <= 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.devtools.train_if_changed import ROOT, inputs_hash
from bot.loadtest.stats import percentile
from bot.testing.stack import RasaStack, base_env

MESSAGES = [
    "hoi",
    "ik heb geen geld voor babyspullen",
    "komt er iemand van het cjg bij mij thuis als ik zwanger ben?",
    "wat is de sleutel van rotterdam",
    "ik voel me alleen met mijn baby",
    "hoe krijg ik dit?",
    "wat is voorzorg",
    "kinkhoest prik zwanger",
    "ben jij een robot",
    "ik bloed heel erg",
    "dank je wel",
    "qwrtz plofmiep",
]


def rss_mb(pid: int) -> dict[str, float]:
    """Current and peak resident memory of a process, from /proc (MB)."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return {"rss_mb": round(values.get("VmRSS", 0), 1), "peak_rss_mb": round(values.get("VmHWM", 0), 1)}


def train_timed(out_dir: Path) -> tuple[Path, float, float]:
    import subprocess

    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--data", "data", "--out", str(out_dir), "--fixed-model-name", "bench",
         "--force"],  # --force: no reuse of Rasa's training cache, so this is a real training time
        cwd=ROOT, env=base_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return out_dir / "bench.tar.gz", seconds, peak_mb


def conversations(stack: RasaStack, count: int) -> list[float]:
    """``count`` realistic conversations one after another (each the full MESSAGES list)."""
    return [ms for _ in range(count) for ms in conversation(stack, len(MESSAGES))]


def conversation(stack: RasaStack, n: int) -> list[float]:
    sender = f"bench-{uuid.uuid4().hex[:8]}"
    latencies = []
    for i in range(n):
        start = time.perf_counter()
        stack.rest(sender, MESSAGES[i % len(MESSAGES)])
        latencies.append((time.perf_counter() - start) * 1000)
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models/stevige-start.tar.gz")
    parser.add_argument("--out", default="reports/bench.json")
    parser.add_argument("--train", action="store_true", help="also time a fresh training run")
    parser.add_argument("--messages", type=int, default=240,
                        help=f"single-user messages, sent as conversations of {len(MESSAGES)} messages")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--per-conversation", type=int, default=24)
    args = parser.parse_args()
    result: dict[str, object] = {"inputs_hash": inputs_hash()}
    model = ROOT / args.model
    with tempfile.TemporaryDirectory() as tmp:
        if args.train:
            model, seconds, peak = train_timed(Path(tmp) / "model")
            result["training"] = {"seconds": round(seconds, 1), "peak_rss_mb": round(peak, 1)}
        stack = RasaStack(model=model, workdir=Path(tmp) / "stack").start()
        try:
            conversation(stack, len(MESSAGES))  # warm-up
            single = conversations(stack, max(1, args.messages // len(MESSAGES)))
            result["single_user_ms"] = {
                "n": len(single), "p50": round(percentile(single, 50), 1), "p95": round(percentile(single, 95), 1),
                "p99": round(percentile(single, 99), 1), "mean": round(statistics.mean(single), 1),
            }
            start = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                runs = list(pool.map(lambda _: conversation(stack, args.per_conversation), range(args.concurrency)))
            wall = time.perf_counter() - start
            flat = [x for run in runs for x in run]
            result["concurrent"] = {
                "conversations": args.concurrency, "messages": len(flat),
                "throughput_msg_per_s": round(len(flat) / wall, 1),
                "p50": round(percentile(flat, 50), 1), "p95": round(percentile(flat, 95), 1),
            }
            memory = {name: rss_mb(proc.pid) for name, proc in stack.procs.items()}
            memory["total_peak_rss_mb"] = round(sum(m["peak_rss_mb"] for m in memory.values()), 1)
            result["memory"] = memory
        finally:
            stack.stop()
    out = ROOT / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
