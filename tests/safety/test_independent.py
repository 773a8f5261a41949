"""The detector on the independent evaluation set (tests/safety/independent.yml), written by
someone who never saw the patterns. Targets of issue 15: recall >= 99% per tier (100% for life
and suicide), false alarms <= 2%. Its messages are never copied into patterns, lexicon or
training data. The end-to-end figures: `make eval-safety`.
"""

from __future__ import annotations

from pathlib import Path

from bot.devtools.eval_safety import detector_outcome, load_set, score

SET = Path(__file__).parent / "independent.yml"


def test_targets_of_the_issue_hold_on_the_independent_set() -> None:
    result = score([detector_outcome(item) for item in load_set(SET)])
    for tier, row in result["per_tier"].items():
        wanted = 100.0 if tier in ("life", "suicide") else 99.0
        assert row["recall"] >= wanted, (tier, row, [m for m in result["misses"] if m["tier"] == tier])
    assert result["must_not_fire"]["false_alarm_rate"] <= 2.0, result["false_alarms"]
    assert result["must_fire"]["tier_accuracy"] >= 97.0, result["misses"]
