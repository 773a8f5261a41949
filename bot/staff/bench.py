"""Staff app benchmark: list, filter, search and case page with 5,000 registrations on PostgreSQL.

    make bench-staff            # = python -m bot.staff.bench --count 5000 --out reports/bench-staff.json

Creates a throw-away schema in PostgreSQL (``--database-url``, default TEST_POSTGRES_URL or
postgresql+psycopg2://postgres@127.0.0.1:5432/test), seeds fictitious registrations
(``bot.store.seed``), logs in one staff member and times complete requests through the app
(session check, queries, decryption of one page, audit entry, template) with Flask's test
client, so the figures are server time without the network. Target (issue 14): p95 < 300 ms
for list, filter and search. Timings on a busy machine are not valid: measure on a quiet one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from bot.loadtest.stats import percentile

TARGET_P95_MS = 300.0
PASSWORD = "bench wachtwoord 123"


def scenarios(reference: str) -> dict[str, list[str]]:
    return {
        "list": ["/registrations", "/registrations?page=5", "/registrations?sort=due", "/registrations?view=all",
                 "/registrations?view=new", "/registrations?sort=received&desc=1"],
        "filter": ["/registrations?gebied=Charlois", "/registrations?help=geld", "/registrations?urgent=1",
                   "/registrations?owner=-", "/registrations?view=mine", "/registrations?gebied=Feijenoord&urgent=1",
                   "/registrations?help=wonen&owner=anna&sort=due"],
        "search": ["/registrations/search?q=fatima", "/registrations/search?q=de+vries",
                   "/registrations/search?q=fa+el", "/registrations/search?q=06-12345678",
                   "/registrations/search?q=%2B31+6+1234+5678", f"/registrations/search?q={reference}",
                   "/registrations/search?q=priya+zzz"],
        "detail": [f"/registrations/{reference}"],
    }


def run(count: int, rounds: int, base_url: str) -> dict:
    from bot.staff.app import create_app
    from bot.store import queue
    from bot.store.seed import seed_demo
    from bot.store.staff_users import create_staff
    from bot.store.testing import temp_database_url

    with temp_database_url("postgresql", base_url) as url:
        started = time.perf_counter()
        seed_demo(count, url=url)
        seeded_s = time.perf_counter() - started
        create_staff("anna", PASSWORD, url=url)
        reference = queue.list_queue(queue.QueueQuery(view="all"), url=url).items[0].reference
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False})
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        response = client.post("/login", data={"username": "anna", "password": PASSWORD, "csrf_token": token})
        if response.status_code != 302:
            raise RuntimeError(f"login failed: {response.status_code}")
        results: dict = {"count": count, "rounds": rounds, "seed_seconds": round(seeded_s, 1), "categories": {}}
        for category, paths in scenarios(reference).items():
            for path in paths:  # warm-up: caches, connection pool, first template compile
                client.get(path)
            times: list[float] = []
            per_path: dict[str, float] = {}
            for path in paths:
                own = []
                for _ in range(rounds):
                    t0 = time.perf_counter()
                    resp = client.get(path)
                    elapsed = (time.perf_counter() - t0) * 1000
                    if resp.status_code not in (200, 302):
                        raise RuntimeError(f"{path}: HTTP {resp.status_code}")
                    own.append(elapsed)
                times += own
                per_path[path] = round(percentile(own, 95), 1)
            results["categories"][category] = {
                "requests": len(times),
                "p50_ms": round(percentile(times, 50), 1),
                "p95_ms": round(percentile(times, 95), 1),
                "max_ms": round(max(times), 1),
                "p95_ms_per_path": per_path,
                "target_p95_ms": TARGET_P95_MS if category != "detail" else None,
            }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.staff.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000, help="registrations to seed (default 5000)")
    parser.add_argument("--rounds", type=int, default=20, help="requests per path (default 20)")
    parser.add_argument("--database-url", default=os.environ.get(
        "TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--out", type=Path, default=Path("reports/bench-staff.json"))
    args = parser.parse_args(argv)
    from cryptography.fernet import Fernet

    saved = {name: os.environ.get(name) for name in ("VAR_DIR", "APP_ENCRYPTION_KEYS", "SEARCH_INDEX_KEY")}
    with tempfile.TemporaryDirectory(prefix="bench-staff-") as var:
        # Own keys and local state: never the real ones.
        os.environ.update(VAR_DIR=var, APP_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
                          SEARCH_INDEX_KEY="bench-" + os.urandom(8).hex())
        try:
            results = run(args.count, args.rounds, args.database_url)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"{args.count} registrations on PostgreSQL, {args.rounds} requests per path (seeded in "
          f"{results['seed_seconds']} s)")
    ok = True
    for category, stats in results["categories"].items():
        target = stats["target_p95_ms"]
        verdict = "" if target is None else (" ok" if stats["p95_ms"] < target else f" ABOVE {target:.0f} ms")
        ok &= target is None or stats["p95_ms"] < target
        print(f"  {category:7s} p50 {stats['p50_ms']:7.1f} ms   p95 {stats['p95_ms']:7.1f} ms   "
              f"max {stats['max_ms']:7.1f} ms{verdict}")
    print(f"report: {args.out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
