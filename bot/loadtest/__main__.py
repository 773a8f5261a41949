"""``make loadtest``: the production shape under load, then a consistency check.

Starts two Rasa instances and two action servers on PostgreSQL (tracker store and
application database ``loadtest_<pid>``, created and dropped) and Redis (lock store, own
key prefix), behind nginx, all on 127.0.0.1. Then N simulated parents (default 50) talk to
the one address at the same time: FAQ, bursts of messages to the same conversation, the
kraamzorg check, and a registration confirmed with a double tap. Afterwards every tracker
is read back through the HTTP API and the registrations from the store.

Writes reports/loadtest.json and prints a summary. Targets (issue 7, 2-core machine):
50 concurrent conversations, 0 errors, 0 lost or duplicated events, p95 < 500 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bot.loadtest.cluster import DEFAULT_PG_ADMIN_URL, Cluster
from bot.loadtest.consistency import check_registrations, check_trackers
from bot.loadtest.scenarios import Parent, ParentResult, Sample
from bot.loadtest.stats import percentile

TARGET_P95_MS = 500.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), 0 when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _latency(samples: list[Sample]) -> dict[str, Any]:
    values = [s.ms for s in samples]
    if not values:
        return {"n": 0}
    return {
        "n": len(values), "p50": round(percentile(values, 50), 1), "p95": round(percentile(values, 95), 1),
        "p99": round(percentile(values, 99), 1), "mean": round(statistics.mean(values), 1),
        "max": round(max(values), 1),
    }


async def warm_up(urls: list[str]) -> None:
    """First messages compile TensorFlow graphs; keep that out of the measurement."""
    async with httpx.AsyncClient(timeout=180) as client:
        for i, url in enumerate(urls):
            for text in ("hoi", "wat is home-start", "/kraamzorg_check", "stop", "/request_registration", "stop"):
                await client.post(f"{url}/webhooks/rest/webhook", json={"sender": f"warmup-{i}", "message": text})


async def drive(url: str, parents: int, seed: int, think: tuple[float, float], max_seconds: float,
                ramp_s: float) -> tuple[list[ParentResult], list[Sample], float]:
    samples: list[Sample] = []
    deadline = time.monotonic() + max_seconds
    limits = httpx.Limits(max_connections=parents * 3, max_keepalive_connections=parents * 3)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:

        async def one(i: int) -> ParentResult:
            await asyncio.sleep(ramp_s * i / max(1, parents))
            parent = Parent(client, f"lt-{seed}-{i:03d}", random.Random(seed * 1000 + i), samples, think, deadline)
            return await parent.run()

        start = time.perf_counter()
        results = await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(parents))), max_seconds + 120)
        wall = time.perf_counter() - start
    return list(results), samples, wall


def build_report(args: argparse.Namespace, cluster: Cluster, results: list[ParentResult], samples: list[Sample],
                 wall: float, trackers: dict[str, Any], registrations: dict[str, Any]) -> dict[str, Any]:
    errors = [s for s in samples if s.error]
    flows: dict[str, dict[str, int]] = {}
    for result in results:
        for flow, outcome in result.flows.items():
            flows.setdefault(flow, {}).setdefault(outcome, 0)
            flows[flow][outcome] += 1
    unknown = sorted({p for r in results for p in r.unknown_prompts})[:5]
    repeated: dict[str, int] = {}
    for r in results:
        for p in r.repeated_prompts:
            repeated[p] = repeated.get(p, 0) + 1
    lost_or_dup = trackers["lost_messages"] + trackers["duplicated_messages"] + trackers["foreign_messages"]
    all_latency = _latency(samples)
    registration_problems = (registrations["confirmed_missing_in_store"] + registrations["confirmed_duplicated_in_store"]
                             + registrations["store_rows_without_confirmation"]
                             + registrations["parents_shown_two_references"])
    checks = {
        "concurrent_conversations": len(results) >= 50,
        "zero_errors": not errors,
        "zero_lost_or_duplicated_events": lost_or_dup == 0 and trackers["out_of_order"] == 0
        and trackers["answered_without_bot_event"] == 0 and trackers["tracker_read_errors"] == 0,
        "registrations_exactly_once": registration_problems == 0 and registrations["confirmed_conversations"] > 0,
        "p95_below_500ms": all_latency.get("p95", 1e9) < TARGET_P95_MS,
        "all_flows_completed": all(set(v) == {"done"} for v in flows.values()) and bool(flows),
    }
    return {
        "setup": {
            "rasa_instances": args.rasa, "action_servers": args.actions, "load_balancer": cluster.lb.kind if cluster.lb else None,
            "tracker_store": "PostgreSQL (bot.privacy.tracker_store.RedactingSQLTrackerStore)", "lock_store": "Redis",
            "endpoints": cluster.endpoints, "model": str(cluster.model), "startup_s": cluster.timings.get("startup_s"),
            "cpus": os.cpu_count(), "python": platform.python_version(),
            "load_average_before": args.load_before, "load_average_after": list(os.getloadavg()),
        },
        "load": {
            "parents": len(results), "seed": args.seed, "think_time_s": [args.think_min, args.think_max],
            "requests": len(samples), "burst_requests": sum(1 for s in samples if s.burst), "wall_s": round(wall, 1),
            "offered_msg_per_s": round(len(results) / ((args.think_min + args.think_max) / 2), 2),
            "throughput_msg_per_s": round(len(samples) / wall, 2) if wall else None,
        },
        "latency_ms": all_latency,
        "latency_ms_bursts": _latency([s for s in samples if s.burst]),
        "errors": {"count": len(errors), "kinds": {k: sum(1 for e in errors if e.error == k)
                                                   for k in sorted({e.error or "" for e in errors})}},
        "flows": flows,
        "unknown_prompts": unknown,
        "repeated_prompts": dict(sorted(repeated.items(), key=lambda kv: -kv[1])[:5]),
        "consistency": {"trackers": trackers, "registrations": registrations},
        "checks": checks,
        "passed": all(checks.values()),
    }


def print_summary(report: dict[str, Any]) -> None:
    lat, load = report["latency_ms"], report["load"]
    tr, rg = report["consistency"]["trackers"], report["consistency"]["registrations"]
    print("\n=== load test ===")
    print(f"setup       {report['setup']['rasa_instances']} Rasa + {report['setup']['action_servers']} action servers "
          f"behind {report['setup']['load_balancer']}, PostgreSQL + Redis, {report['setup']['cpus']} CPUs "
          f"(load avg before {report['setup']['load_average_before']})")
    print(f"load        {load['parents']} parents, {load['requests']} requests ({load['burst_requests']} in bursts) "
          f"in {load['wall_s']} s = {load['throughput_msg_per_s']} msg/s")
    print(f"latency     p50 {lat.get('p50')} ms, p95 {lat.get('p95')} ms, p99 {lat.get('p99')} ms, max {lat.get('max')} ms")
    if "cpu" in report:
        print(f"cpu         {report['cpu']['ms_per_message']} ms per message (Rasa {report['cpu']['rasa_ms_per_message']}); "
              f"capacity on 2 free cores ~{report['cpu']['capacity_msg_per_s_on_2_free_cores']} msg/s")
    print(f"errors      {report['errors']['count']} {report['errors']['kinds'] or ''}")
    print(f"flows       {report['flows']}")
    if report["repeated_prompts"]:
        print(f"repeated    {report['repeated_prompts']}")
    print(f"trackers    {tr['messages_expected']} messages: lost {tr['lost_messages']}, duplicated "
          f"{tr['duplicated_messages']}, out of order {tr['out_of_order']}, answered without bot event "
          f"{tr['answered_without_bot_event']}")
    print(f"store       {rg['confirmed_conversations']} confirmed, {rg['registrations_in_store']} in store, "
          f"missing {rg['confirmed_missing_in_store']}, duplicated {rg['confirmed_duplicated_in_store']}, "
          f"unconfirmed rows {rg['store_rows_without_confirmation']}")
    for name, ok in report["checks"].items():
        print(f"  [{'x' if ok else ' '}] {name}")
    print("RESULT", "PASS" if report["passed"] else "FAIL")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parents", type=int, default=50)
    parser.add_argument("--rasa", type=int, default=2, help="Rasa instances")
    parser.add_argument("--actions", type=int, default=2, help="action servers")
    parser.add_argument("--model", default="models/stevige-start.tar.gz")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--think-min", type=float, default=4.0,
                        help="seconds a parent takes to read a reply and type the next message (min)")
    parser.add_argument("--think-max", type=float, default=12.0)
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which the parents arrive")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="hard limit for the load phase")
    parser.add_argument("--pg-admin-url", default=os.environ.get("TEST_POSTGRES_URL", DEFAULT_PG_ADMIN_URL))
    parser.add_argument("--redis-url", default=os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/11"))
    parser.add_argument("--no-nginx", action="store_true", help="use the Python round-robin proxy")
    parser.add_argument("--keep", action="store_true", help="keep the work dir and database (debugging)")
    parser.add_argument("--out", default="reports/loadtest.json")
    args = parser.parse_args()
    args.load_before = list(os.getloadavg())

    from bot.testing.stack import ROOT

    model = Path(args.model) if Path(args.model).is_absolute() else ROOT / args.model
    if not model.exists():
        parser.error(f"model {model} not found: run `make train` first")
    workdir = Path(tempfile.mkdtemp(prefix="loadtest-"))
    cluster = Cluster(model=model, workdir=workdir, rasa_instances=args.rasa, action_servers=args.actions,
                      pg_admin_url=args.pg_admin_url, redis_url=args.redis_url, prefer_nginx=not args.no_nginx)
    print(f"Starting {args.rasa} Rasa instances and {args.actions} action servers (logs in {workdir}) ...", flush=True)
    try:
        cluster.start()
        print(f"Cluster up in {cluster.timings['startup_s']} s behind {cluster.lb.kind} at {cluster.url}", flush=True)
        asyncio.run(warm_up(cluster.rasa_urls()))
        print(f"Driving {args.parents} parents ...", flush=True)
        cpu_before = {p.name: cpu_seconds(p.popen.pid) for p in cluster.procs}
        results, samples, wall = asyncio.run(drive(
            cluster.url, args.parents, args.seed, (args.think_min, args.think_max), args.max_seconds, args.ramp))
        cpu_used = {p.name: round(cpu_seconds(p.popen.pid) - cpu_before.get(p.name, 0.0), 1) for p in cluster.procs}
        print("Checking trackers and registrations ...", flush=True)
        trackers = asyncio.run(check_trackers(cluster.url, cluster.token, results))
        registrations = check_registrations(cluster.database_url, results)
        alive = {p.name: p.alive() for p in cluster.procs}
        report = build_report(args, cluster, results, samples, wall, trackers, registrations)
        report["setup"]["processes_alive_after_run"] = alive
        total_cpu = sum(cpu_used.values())
        report["cpu"] = {
            "seconds_by_process": cpu_used,
            "ms_per_message": round(1000 * total_cpu / max(1, len(samples)), 1),
            "rasa_ms_per_message": round(
                1000 * sum(v for k, v in cpu_used.items() if k.startswith("rasa")) / max(1, len(samples)), 1),
            "capacity_msg_per_s_on_2_free_cores": round(2 * len(samples) / total_cpu, 1) if total_cpu else None,
        }
        if not all(alive.values()):
            report["checks"]["processes_alive"] = False
            report["passed"] = False
    finally:
        cluster.stop(drop=not args.keep)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    out = ROOT / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print_summary(report)
    print(f"Report: {out}")
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
