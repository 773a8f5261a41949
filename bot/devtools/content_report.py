"""Staleness report of the content: what the people who maintain content/ should check.

    python -m bot.devtools.content_report [--today 2026-12-01] [--json]

Lists
- every card and table with its ``checked`` date, oldest first; older than 6 months is flagged;
- missing years or periods in the kraamzorg tables: an hourly own-contribution rate per
  calendar year up to this year (the check then falls back to the latest earlier year),
  a norm and asset-limit row per half year (1 January and 1 July) up to today;
- unverified rows: PC4 codes marked ``unverified`` in content/places/pc4.csv, groups whose
  location is not verified in content/groups/groups.csv, YAML entries with ``unverified: yes``
  (e.g. wijken in content/places/gebieden.yml);
- translations not reviewed by a speaker (``reviewed: false``).

The staff app's admin page (bot/staff/admin.py, /inhoud) shows the same report.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.content import CONTENT_DIR

STALE_MONTHS = 6
_LABEL_KEYS = ("id", "name", "title", "key", "lang", "language")


@dataclass(frozen=True)
class CheckedItem:
    """A card or table (``where`` = file, plus the entry inside it) and when it was last checked."""

    where: str
    checked: dt.date
    stale: bool


@dataclass(frozen=True)
class MissingPeriod:
    table: str
    period: str  # '2026' for a year, '2026-07-01' for a half-year period
    note: str


@dataclass(frozen=True)
class UnverifiedRow:
    table: str
    row: str
    note: str


@dataclass(frozen=True)
class Unreviewed:
    where: str
    language: str


@dataclass
class Report:
    today: dt.date
    stale_before: dt.date
    checked: list[CheckedItem] = field(default_factory=list)
    missing: list[MissingPeriod] = field(default_factory=list)
    unverified: list[UnverifiedRow] = field(default_factory=list)
    unreviewed: list[Unreviewed] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # files the report could not read

    @property
    def stale(self) -> list[CheckedItem]:
        return [c for c in self.checked if c.stale]

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        return json.loads(json.dumps(data, default=str))


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the last day of a shorter month)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - 28 always exists


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _label(node: dict[str, Any]) -> str | None:
    for key in _LABEL_KEYS:
        value = node.get(key)
        if isinstance(value, str | int) and str(value).strip():
            return str(value)
    return None


def _walk(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every mapping in a YAML document with the path of keys/labels that leads to it."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, (*path, str(key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            label = _label(value) if isinstance(value, dict) else None
            yield from _walk(value, (*path, label or str(i + 1)))


def _yaml_files(content_dir: Path) -> list[Path]:
    return sorted(p for p in content_dir.rglob("*.yml") if p.is_file())


def _rel(path: Path, content_dir: Path) -> str:
    return f"content/{path.relative_to(content_dir).as_posix()}"


def _scan_yaml(report: Report, content_dir: Path) -> None:
    for path in _yaml_files(content_dir):
        name = _rel(path, content_dir)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            report.problems.append(f"{name}: {exc}")
            continue
        for keys, node in _walk(data):
            where = name + (f" ({' > '.join(keys)})" if keys else "")
            checked = _as_date(node.get("checked")) if "checked" in node else None
            if checked is not None:
                report.checked.append(CheckedItem(where, checked, checked < report.stale_before))
            if node.get("unverified") is True or node.get("verified") is False:
                report.unverified.append(UnverifiedRow(name, " > ".join(keys) or name, str(node.get("name") or "")))
            if node.get("reviewed") is False:
                language = keys[-1] if keys else "?"
                report.unreviewed.append(Unreviewed(where, str(node.get("name") or language)))


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _scan_csv(report: Report, content_dir: Path) -> None:
    """Oldest 'checked' date per CSV table (one line per table) and its unverified rows."""
    specs = {
        "places/pc4.csv": ("pc4", lambda r: r.get("unverified", "").strip().lower() in ("yes", "ja", "true", "1"),
                           lambda r: " ".join(x for x in (r.get("gebied", ""), r.get("note", "")) if x)),
        "groups/groups.csv": ("id", lambda r: r.get("location_verified", "").strip().lower() in ("no", "nee", "false",
                                                                                                   "0", ""),
                              lambda r: r.get("name", "")),
    }
    for rel, (key, unverified, note) in specs.items():
        path = content_dir / rel
        name = f"content/{rel}"
        if not path.exists():
            continue
        try:
            rows = _csv_rows(path)
        except (OSError, csv.Error) as exc:
            report.problems.append(f"{name}: {exc}")
            continue
        dates = [d for d in (_as_date(r.get("checked")) for r in rows) if d is not None]
        if dates:
            oldest = min(dates)
            stale_rows = sum(1 for d in dates if d < report.stale_before)
            where = f"{name} (oudste rij; {stale_rows} van {len(rows)} rijen ouder dan {STALE_MONTHS} maanden)"
            report.checked.append(CheckedItem(where, oldest, oldest < report.stale_before))
        for row in rows:
            if unverified(row):
                report.unverified.append(UnverifiedRow(name, row.get(key, "?"), note(row)))


def _half_years(first: dt.date, today: dt.date) -> list[dt.date]:
    periods = []
    year, month = first.year, 1 if first.month < 7 else 7
    while True:
        start = dt.date(year, month, 1)
        if start > today:
            return periods
        periods.append(start)
        year, month = (year, 7) if month == 1 else (year + 1, 1)


def _scan_kraamzorg(report: Report, content_dir: Path) -> None:
    folder = content_dir / "kraamzorg"
    rates_path = folder / "hourly_rates.yml"
    if rates_path.exists():
        rows = (yaml.safe_load(rates_path.read_text(encoding="utf-8")) or {}).get("rows") or []
        years = {int(r["year"]) for r in rows if isinstance(r, dict) and str(r.get("year", "")).isdigit()}
        if years:
            for year in range(min(years), report.today.year + 1):
                if year not in years:
                    earlier = [y for y in years if y < year]
                    fallback = f"de check rekent nu met het tarief van {max(earlier)}" if earlier else ""
                    report.missing.append(MissingPeriod(
                        "content/kraamzorg/hourly_rates.yml", str(year),
                        f"eigen bijdrage kraamzorg per uur voor {year} ontbreekt; {fallback}".rstrip("; ")))
    for table, what in (("norms.yml", "bijstandsnorm"), ("asset_limits.yml", "vermogensgrens")):
        path = folder / table
        if not path.exists():
            continue
        rows = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rows") or []
        starts = {d for d in (_as_date(r.get("valid_from")) for r in rows if isinstance(r, dict)) if d}
        if not starts:
            continue
        for start in _half_years(min(starts), report.today):
            if start not in starts:
                report.missing.append(MissingPeriod(
                    f"content/kraamzorg/{table}", start.isoformat(),
                    f"{what} vanaf {start:%d-%m-%Y} ontbreekt; de check gebruikt de rij die daarvoor gold"))


def build_report(today: dt.date, content_dir: Path = CONTENT_DIR) -> Report:
    report = Report(today=today, stale_before=months_before(today, STALE_MONTHS))
    _scan_yaml(report, content_dir)
    _scan_csv(report, content_dir)
    _scan_kraamzorg(report, content_dir)
    report.checked.sort(key=lambda c: (c.checked, c.where))
    return report


def render_text(report: Report) -> str:
    lines = [f"Inhoudsrapport {report.today:%d-%m-%Y} (verouderd: gecontroleerd voor {report.stale_before:%d-%m-%Y})",
             "", f"Gecontroleerd ({len(report.checked)} kaarten en tabellen, {len(report.stale)} verouderd):"]
    for item in report.checked:
        lines.append(f"  {'VEROUDERD ' if item.stale else ''}{item.checked:%Y-%m-%d}  {item.where}")
    lines += ["", f"Ontbrekende jaren of perioden ({len(report.missing)}):"]
    lines += [f"  {m.table} {m.period}: {m.note}" for m in report.missing] or ["  geen"]
    lines += ["", f"Niet geverifieerde rijen ({len(report.unverified)}):"]
    lines += [f"  {u.table} {u.row}: {u.note}" for u in report.unverified] or ["  geen"]
    lines += ["", f"Vertalingen niet nagekeken door een spreker ({len(report.unreviewed)}):"]
    lines += [f"  {u.where}" for u in report.unreviewed] or ["  geen"]
    if report.problems:
        lines += ["", "Niet te lezen:"] + [f"  {p}" for p in report.problems]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = build_report(args.today)
    print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else render_text(report))
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
