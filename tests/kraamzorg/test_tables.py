"""The kraamzorg content tables validate, match FACTS.md, and bad edits are rejected."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bot.content import ContentError
from bot.kraamzorg.tables import KRAAMZORG_DIR, Household, load_tables


def test_shipped_tables_are_valid_and_sourced() -> None:
    t = load_tables()
    assert all(row.source for row in (*t.norms, *t.asset_limits, *t.rates))
    assert [r.year for r in t.rates] == [2022, 2023, 2024, 2025]
    assert [str(r.rate) for r in t.rates] == ["4.70", "4.80", "5.10", "5.40"]
    assert t.param("max_reimbursement") == Decimal("200")
    assert t.param("min_own_contribution") == Decimal("50")
    assert t.int_param("default_hours") == 49
    limit = t.asset_limit_for(Household.SINGLE_PARENT, dt.date(2026, 3, 1))
    assert limit is not None and limit.amount == Decimal("16000")
    assert t.asset_limit_for(Household.SINGLE, dt.date(2025, 8, 1)).amount == Decimal("7770")
    assert t.asset_limit_for(Household.SINGLE, dt.date(2025, 3, 1)) is None  # not in our sources
    assert t.rate_for_year(2030).year == 2025 and t.rate_for_year(2023).exact


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "kraamzorg"
    shutil.copytree(KRAAMZORG_DIR, target)
    return target


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        ("norms.yml", lambda d: d["rows"][0].pop("source"), "source"),
        ("norms.yml", lambda d: d["rows"].pop(0), "misses household"),
        ("norms.yml", lambda d: d["rows"].append(dict(d["rows"][0])), "two rows"),
        ("norms.yml", lambda d: d["rows"][0].update(amount="-1"), "positive"),
        ("norms.yml", lambda d: d["rows"][0].update(household="family"), "household"),
        ("norms.yml", lambda d: d["rows"][0].update(valid_from="soon"), "valid_from"),
        ("asset_limits.yml", lambda d: d.pop("checked"), "checked"),
        ("hourly_rates.yml", lambda d: d["rows"][0].update(rate="abc"), "not a number"),
        ("hourly_rates.yml", lambda d: d["rows"].append(dict(d["rows"][0])), "twice"),
        ("parameters.yml", lambda d: d["parameters"].pop("max_reimbursement"), "max_reimbursement"),
        ("parameters.yml", lambda d: d["parameters"]["band_share"].pop("source"), "source"),
        ("texts.yml", lambda d: d["reasons"].update(income_band="{unknown_value}"), "placeholder"),
        ("texts.yml", lambda d: d.pop("next_steps"), "next_steps"),
    ],
)
def test_invalid_edits_are_rejected(tmp_path: Path, file: str, change, message: str) -> None:
    directory = _copy(tmp_path)
    _edit(directory / file, change)
    with pytest.raises(ContentError, match=message):
        load_tables(directory)


def test_a_new_rate_year_is_used(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    _edit(directory / "hourly_rates.yml",
          lambda d: d["rows"].append({"year": 2026, "rate": "5.60", "source": "test"}))
    choice = load_tables(directory).rate_for_year(2026)
    assert (choice.year, choice.rate, choice.exact) == (2026, Decimal("5.60"), True)
