"""The deterministic detector (bot/safety/) on the team's curated list, safety_messages.yml.

The honest figures come from the independent set (tests/safety/test_independent.py and
`make eval-safety`); this list documents the team's decisions on borderline messages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.safety import EMERGENCY_TIERS, INTENT_FOR_TIER, TIERS, SafetyHit, assess, detect, normalise

MESSAGES = yaml.safe_load((Path(__file__).parent / "safety_messages.yml").read_text(encoding="utf-8"))
GROUPS = MESSAGES["must_trigger"]


def test_list_is_big_enough() -> None:
    assert sum(len(g["messages"]) for g in GROUPS.values()) >= 80
    assert len(MESSAGES["must_not_trigger"]) >= 40
    assert set().union(*(g["tiers"] for g in GROUPS.values())) == set(EMERGENCY_TIERS)


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_recall_per_group(group: str) -> None:
    """Recall 100%: every message of the group is detected with one of the group's tiers."""
    wanted = set(GROUPS[group]["tiers"])
    misses = [(m, detect(m)) for m in GROUPS[group]["messages"] if (detect(m) or SafetyHit("-", "")).tier not in wanted]
    assert not misses, f"{group}: {misses}"


def test_no_false_alarms() -> None:
    false_alarms = [(m, detect(m)) for m in MESSAGES["must_not_trigger"] if detect(m) is not None]
    assert not false_alarms, false_alarms


def test_most_urgent_tier_wins() -> None:
    assert detect("ik bloed en ik wil dood").tier == "suicide"
    assert detect("mijn man slaat me en ik bloed heel erg").tier == "life"
    assert detect("mijn man slaat me en nu bloed ik").tier == "violence"


def test_normalise() -> None:
    assert normalise("Ik  BLOEEEED!!") == "ik bloeed!!"
    assert normalise("weeën") == "ween"
    assert normalise("38,5 °C") == "38.5 graden c"
    assert normalise(None) == ""  # type: ignore[arg-type]


def test_intent_names() -> None:
    for tier in EMERGENCY_TIERS:
        assert INTENT_FOR_TIER[tier] == f"safety_{tier}"
    assert "maybe" in TIERS and "maybe" not in INTENT_FOR_TIER


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_assess_never_raises(text: str) -> None:
    found = assess(text)
    assert found.tier is None or found.tier in TIERS


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["ik", "bloed", "niet", "meer", "baby", "wil", "dood", "hij", "slaat", "me", "é", "!!", "113",
                                 "vliezen", "hoofdpijn", "wazig", "  ", "\n", "😀", "38,5", "weken", "om de", "5", "minuten",
                                 "geen", "koorts", "kanama", "نزيف"]), max_size=14))
def test_assess_never_raises_on_keyword_soup(words: list[str]) -> None:
    found = assess(" ".join(words))
    assert found.tier is None or found.tier in TIERS


def test_importing_the_net_starts_no_thread_and_the_warm_up_runs_once() -> None:
    """A warm-up thread started at import raced with imports in the importing thread (flaky tests)."""
    import subprocess
    import sys

    code = ("import threading, bot.safety as s; assert threading.active_count() == 1, threading.enumerate(); "
            "s.start_warm_up(); s.start_warm_up(); "
            "assert [t.name for t in threading.enumerate()].count('safety-warm-up') <= 1")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
