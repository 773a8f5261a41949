"""Load and validate the kraamzorg tables in content/kraamzorg/ (norms, asset limits, rates).

A municipal editor maintains these YAML files. :func:`load_tables` rejects a file with
a missing source, a missing household type for a period, a duplicate row or a
non-positive amount, with a message that names the file and the row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import string
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.content import CONTENT_DIR, ContentError

KRAAMZORG_DIR = CONTENT_DIR / "kraamzorg"


class Household(str, Enum):
    SINGLE = "single"
    SINGLE_PARENT = "single_parent"
    COUPLE = "couple"


@dataclass(frozen=True)
class DatedAmount:
    """A norm or asset limit for one household type from ``valid_from`` on."""

    valid_from: dt.date
    household: Household
    amount: Decimal
    source: str


@dataclass(frozen=True)
class HourlyRate:
    year: int
    rate: Decimal
    source: str


@dataclass(frozen=True)
class RateChoice:
    """The hourly rate used for a year; ``exact`` is False when an earlier year stands in."""

    rate: Decimal
    year: int
    wanted_year: int

    @property
    def exact(self) -> bool:
        return self.year == self.wanted_year


PARAMETERS = (
    "max_reimbursement", "min_own_contribution", "full_capacity_threshold", "band_upper_threshold", "band_share",
    "capacity_months", "default_hours", "min_hours", "max_hours", "decision_weeks", "late_indication_week",
    "form_category",
)


@dataclass(frozen=True)
class Tables:
    norms: tuple[DatedAmount, ...]
    asset_limits: tuple[DatedAmount, ...]
    rates: tuple[HourlyRate, ...]
    params: dict[str, Decimal]
    texts: dict[str, Any]
    checked: dt.date

    def norm_for(self, household: Household, on: dt.date) -> DatedAmount | None:
        """The norm in force on ``on`` (``None`` before the first period in the table)."""
        return _in_force(self.norms, household, on)

    def asset_limit_for(self, household: Household, on: dt.date) -> DatedAmount | None:
        return _in_force(self.asset_limits, household, on)

    def rate_for_year(self, year: int) -> RateChoice:
        """The rate of ``year``; if missing, the latest earlier year (or the earliest known)."""
        earlier = [r for r in self.rates if r.year <= year]
        row = max(earlier, key=lambda r: r.year) if earlier else min(self.rates, key=lambda r: r.year)
        return RateChoice(rate=row.rate, year=row.year, wanted_year=year)

    def param(self, name: str) -> Decimal:
        return self.params[name]

    def int_param(self, name: str) -> int:
        return int(self.params[name])


def _in_force(rows: tuple[DatedAmount, ...], household: Household, on: dt.date) -> DatedAmount | None:
    candidates = [r for r in rows if r.household == household and r.valid_from <= on]
    return max(candidates, key=lambda r: r.valid_from) if candidates else None


def _decimal(value: Any, where: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ContentError(f"{where}: '{value}' is not a number") from exc
    if not result.is_finite() or result <= 0:
        raise ContentError(f"{where}: amount must be a positive number, got '{value}'")
    return result


def _source(row: dict[str, Any], where: str) -> str:
    source = row.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ContentError(f"{where}: every row needs a 'source'")
    return source.strip()


def _rows(data: Any, origin: str) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list) or not data["rows"]:
        raise ContentError(f"{origin}: expected a mapping with a non-empty list 'rows'")
    if not isinstance(data.get("checked"), dt.date):
        raise ContentError(f"{origin}: 'checked' (date last checked, YYYY-MM-DD) is missing")
    for i, row in enumerate(data["rows"]):
        if not isinstance(row, dict):
            raise ContentError(f"{origin} row {i + 1}: a row must be a mapping")
    return data["rows"]


def parse_dated_amounts(data: Any, origin: str) -> tuple[DatedAmount, ...]:
    """Validate a norms/asset-limits table: every period has all three household types."""
    result: list[DatedAmount] = []
    for i, row in enumerate(_rows(data, origin)):
        where = f"{origin} row {i + 1}"
        valid_from = row.get("valid_from")
        if not isinstance(valid_from, dt.date):
            raise ContentError(f"{where}: 'valid_from' must be a date (YYYY-MM-DD)")
        try:
            household = Household(row.get("household"))
        except ValueError as exc:
            allowed = ", ".join(h.value for h in Household)
            raise ContentError(f"{where}: 'household' must be one of {allowed}") from exc
        result.append(DatedAmount(valid_from, household, _decimal(row.get("amount"), where), _source(row, where)))
    seen: dict[dt.date, set[Household]] = {}
    for item in result:
        if item.household in seen.setdefault(item.valid_from, set()):
            raise ContentError(f"{origin}: two rows for {item.household.value} from {item.valid_from}")
        seen[item.valid_from].add(item.household)
    for valid_from, households in seen.items():
        missing = set(Household) - households
        if missing:
            names = ", ".join(sorted(h.value for h in missing))
            raise ContentError(f"{origin}: period from {valid_from} misses household type(s): {names}")
    return tuple(sorted(result, key=lambda r: (r.valid_from, r.household.value)))


def parse_rates(data: Any, origin: str) -> tuple[HourlyRate, ...]:
    result: list[HourlyRate] = []
    for i, row in enumerate(_rows(data, origin)):
        where = f"{origin} row {i + 1}"
        year = row.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
            raise ContentError(f"{where}: 'year' must be a year like 2025")
        result.append(HourlyRate(year, _decimal(row.get("rate"), where), _source(row, where)))
    years = [r.year for r in result]
    if len(set(years)) != len(years):
        raise ContentError(f"{origin}: a year occurs twice")
    return tuple(sorted(result, key=lambda r: r.year))


def parse_parameters(data: Any, origin: str) -> dict[str, Decimal]:
    params = data.get("parameters") if isinstance(data, dict) else None
    if not isinstance(params, dict):
        raise ContentError(f"{origin}: expected a mapping 'parameters'")
    result: dict[str, Decimal] = {}
    for name in PARAMETERS:
        entry = params.get(name)
        if not isinstance(entry, dict):
            raise ContentError(f"{origin}: parameter '{name}' is missing")
        result[name] = _decimal(entry.get("value"), f"{origin} {name}")
        _source(entry, f"{origin} {name}")
    if not result["full_capacity_threshold"] < result["band_upper_threshold"]:
        raise ContentError(f"{origin}: full_capacity_threshold must be below band_upper_threshold")
    if not result["min_hours"] <= result["default_hours"] <= result["max_hours"]:
        raise ContentError(f"{origin}: default_hours must lie between min_hours and max_hours")
    return result


def _placeholders(value: Any) -> set[str]:
    if isinstance(value, str):
        return {name for _, name, _, _ in string.Formatter().parse(value) if name}
    if isinstance(value, dict):
        return set().union(*(_placeholders(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_placeholders(v) for v in value)) if value else set()
    return set()


REQUIRED_TEXT_KEYS = (
    "headline", "fallback_assessment", "not_a_promise", "reasons_title", "missing_title", "reasons", "missing",
    "amounts", "next_steps_title", "next_steps", "timing", "help", "not_eligible_way_forward",
    "covered_way_forward", "outside_way_forward", "cannot_tell_way_forward", "sources", "source_short",
)
# Every placeholder a text may use (filled by bot.kraamzorg.render).
KNOWN_PLACEHOLDERS = {
    "income", "limit_110", "limit_150", "capacity", "max_reimbursement", "min_own_contribution", "own_contribution",
    "due_year", "this_year", "asset_limit", "savings", "savings_excess", "hours", "rate", "rate_year", "wanted_year",
    "reimbursement",
    "form_category", "decision_weeks", "weeks", "late_indication_week",
    # the check's own texts (ui, problems)
    "who", "example", "min_hours", "max_hours", "what",
}


def parse_texts(data: Any, origin: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ContentError(f"{origin}: expected a mapping")
    missing = [k for k in REQUIRED_TEXT_KEYS if not data.get(k)]
    if missing:
        raise ContentError(f"{origin}: missing text(s): {', '.join(missing)}")
    unknown = _placeholders(data) - KNOWN_PLACEHOLDERS
    if unknown:
        raise ContentError(f"{origin}: unknown placeholder(s): {', '.join(sorted(unknown))}")
    return data


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"{path.name}: cannot be read: {exc}") from exc


FILES = ("norms.yml", "asset_limits.yml", "hourly_rates.yml", "parameters.yml", "texts.yml")


def load_tables(directory: Path = KRAAMZORG_DIR) -> Tables:
    """Read and validate every kraamzorg table in ``directory``."""
    raw = {name: _load_yaml(directory / name) for name in FILES}
    checked = []
    for name, data in raw.items():
        value = data.get("checked") if isinstance(data, dict) else None
        if not isinstance(value, dt.date):
            raise ContentError(f"{name}: 'checked' (date last checked, YYYY-MM-DD) is missing")
        checked.append(value)
    return Tables(
        norms=parse_dated_amounts(raw["norms.yml"], "norms.yml"),
        asset_limits=parse_dated_amounts(raw["asset_limits.yml"], "asset_limits.yml"),
        rates=parse_rates(raw["hourly_rates.yml"], "hourly_rates.yml"),
        params=parse_parameters(raw["parameters.yml"], "parameters.yml"),
        texts=parse_texts(raw["texts.yml"], "texts.yml"),
        checked=min(checked),
    )


@lru_cache(maxsize=1)
def tables() -> Tables:
    """The shipped tables, loaded once per process."""
    return load_tables()


@lru_cache(maxsize=4)
def tables_in(lang: str = "nl") -> Tables:
    """The shipped tables with the texts as read in ``lang`` (the ``en:`` block of texts.yml laid over)."""
    from bot.languages.localize import language, localized

    t = tables()
    return dataclasses.replace(t, texts=localized(t.texts, language(lang)))


def text_in(lang: str, section: str, key: str, **values: Any) -> str:
    """One text of texts.yml (``section.key``) in ``lang``, with its placeholders filled."""
    return str(tables_in(lang).texts[section][key]).format(**values)
