"""The staff benchmark command runs end to end on PostgreSQL (a tiny run; figures come from `make bench-staff`)."""

from __future__ import annotations

import json

from bot.staff import bench


def test_bench_staff_small_run(postgres_url, tmp_path, monkeypatch):
    out = tmp_path / "bench-staff.json"
    code = bench.main(["--count", "40", "--rounds", "1", "--database-url", postgres_url, "--out", str(out)])
    report = json.loads(out.read_text())
    assert code in (0, 1)  # 1 only when a p95 is above the target (a busy machine)
    assert report["count"] == 40
    assert set(report["categories"]) == {"list", "filter", "search", "detail"}
    for stats in report["categories"].values():
        assert stats["requests"] >= 1 and stats["p95_ms"] > 0
