"""The content staleness report (`make content-report`, bot/devtools/content_report.py)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.content import CONTENT_DIR
from bot.devtools.content_report import build_report, main, months_before, render_text
from tests.helpers import ROOT

TODAY = dt.date(2026, 12, 1)


def _copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def test_months_before() -> None:
    assert months_before(dt.date(2026, 12, 1), 6) == dt.date(2026, 6, 1)
    assert months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 3, 15), 6) == dt.date(2025, 9, 15)


def test_every_card_and_table_is_listed_by_its_checked_date() -> None:
    report = build_report(TODAY)
    where = [c.where for c in report.checked]
    for offering in sorted((CONTENT_DIR / "offerings").glob("*.yml")):
        assert f"content/offerings/{offering.name}" in where
    for table in ("norms.yml", "asset_limits.yml", "hourly_rates.yml", "parameters.yml", "texts.yml"):
        assert f"content/kraamzorg/{table}" in where
    assert any(w.startswith("content/places/pc4.csv") for w in where)
    assert any(w.startswith("content/groups/groups.csv") for w in where)
    assert [c.checked for c in report.checked] == sorted(c.checked for c in report.checked)  # oldest first


def test_older_than_six_months_is_flagged(tmp_path: Path) -> None:
    content = _copy_content(tmp_path)
    card = content / "offerings" / "homestart.yml"
    data = yaml.safe_load(card.read_text(encoding="utf-8"))
    data["checked"] = dt.date(2026, 5, 31)  # one day before the 6-month line of 2026-12-01
    card.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    other = content / "offerings" / "voorzorg.yml"
    data = yaml.safe_load(other.read_text(encoding="utf-8"))
    data["checked"] = dt.date(2026, 6, 1)  # exactly 6 months: not yet stale
    other.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    report = build_report(TODAY, content)
    stale = {c.where for c in report.stale}
    assert "content/offerings/homestart.yml" in stale
    assert "content/offerings/voorzorg.yml" not in stale
    assert "VEROUDERD 2026-05-31  content/offerings/homestart.yml" in render_text(report)
    # relative to today: a year later everything checked in 2026-11 is stale
    later = build_report(dt.date(2027, 12, 1))
    assert {c.where for c in later.checked} == {c.where for c in later.stale}


def test_missing_2026_rate_and_half_year_norms_are_reported() -> None:
    report = build_report(TODAY)
    missing = {(m.table, m.period) for m in report.missing}
    assert ("content/kraamzorg/hourly_rates.yml", "2026") in missing
    assert ("content/kraamzorg/norms.yml", "2026-07-01") in missing
    assert ("content/kraamzorg/asset_limits.yml", "2026-07-01") in missing
    rate = next(m for m in report.missing if m.period == "2026")
    assert "2025" in rate.note  # the fallback the check uses is visible
    # periods that are in the tables are not reported; future periods are not expected yet
    assert ("content/kraamzorg/norms.yml", "2026-01-01") not in missing
    assert not [m for m in build_report(dt.date(2026, 6, 30)).missing if m.period == "2026-07-01"]


def test_a_new_rate_row_removes_the_missing_year(tmp_path: Path) -> None:
    content = _copy_content(tmp_path)
    rates = content / "kraamzorg" / "hourly_rates.yml"
    data = yaml.safe_load(rates.read_text(encoding="utf-8"))
    data["rows"].append({"year": 2026, "rate": "9.99", "source": "test"})
    rates.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert not [m for m in build_report(TODAY, content).missing if m.table.endswith("hourly_rates.yml")]


def test_unverified_rows_and_unreviewed_translations() -> None:
    report = build_report(TODAY)
    pc4 = {u.row for u in report.unverified if u.table == "content/places/pc4.csv"}
    import csv

    with (CONTENT_DIR / "places" / "pc4.csv").open(encoding="utf-8") as handle:
        expected = {r["pc4"] for r in csv.DictReader(handle) if r["unverified"] == "yes"}
    assert pc4 == expected and expected
    groups = {u.row for u in report.unverified if u.table == "content/groups/groups.csv"}
    with (CONTENT_DIR / "groups" / "groups.csv").open(encoding="utf-8") as handle:
        assert groups == {r["id"] for r in csv.DictReader(handle) if r["location_verified"] != "yes"}
    first_answers = yaml.safe_load((CONTENT_DIR / "languages" / "first_answers.yml").read_text(encoding="utf-8"))
    not_reviewed = [lang for lang, spec in first_answers["languages"].items() if spec.get("reviewed") is False]
    listed = [u.where for u in report.unreviewed if u.where.startswith("content/languages/first_answers.yml")]
    assert len(listed) == len(not_reviewed) and all(any(f"> {lang})" in w for w in listed) for lang in not_reviewed)


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    content = _copy_content(tmp_path)
    (content / "offerings" / "broken.yml").write_text("a: [unclosed", encoding="utf-8")
    report = build_report(TODAY, content)
    assert any("broken.yml" in p for p in report.problems)


def test_cli_and_make_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--today", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert "Ontbrekende jaren of perioden" in out and "hourly_rates.yml 2026" in out
    result = subprocess.run(["make", "-s", "content-report"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "VENV": ".venv"})
    assert result.returncode == 0, result.stderr
    assert "Inhoudsrapport" in result.stdout and "hourly_rates.yml" in result.stdout
