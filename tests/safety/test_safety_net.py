"""The deterministic safety net (bot/safety.py) on the curated list in safety_messages.yml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.safety import CATEGORIES, INTENT_FOR_CATEGORY, SafetyHit, detect, emergency_text, normalise

MESSAGES = yaml.safe_load((Path(__file__).parent / "safety_messages.yml").read_text(encoding="utf-8"))
GROUPS = MESSAGES["must_trigger"]


def test_list_is_big_enough() -> None:
    assert sum(len(g["messages"]) for g in GROUPS.values()) >= 60
    assert len(MESSAGES["must_not_trigger"]) >= 40
    assert {g["category"] for g in GROUPS.values()} == set(CATEGORIES)
    assert {"bleeding", "no_fetal_movement", "waters_breaking", "abdominal_pain", "headache_vision", "labour",
            "violence", "suicide"} <= set(GROUPS)


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_recall_per_group(group: str) -> None:
    """Recall 100%: every message of the group is detected with the group's category."""
    expected = GROUPS[group]["category"]
    misses = []
    for message in GROUPS[group]["messages"]:
        hit = detect(message)
        if hit is None or hit.category != expected:
            misses.append((message, hit))
    assert not misses, f"{group}: {misses}"


def test_no_false_positives() -> None:
    false_alarms = [(m, detect(m)) for m in MESSAGES["must_not_trigger"] if detect(m) is not None]
    assert not false_alarms, false_alarms


def test_suicide_outranks_medical() -> None:
    hit = detect("ik bloed en ik wil dood")
    assert hit == SafetyHit("suicide", hit.pattern)


def test_normalise() -> None:
    assert normalise("Ik  BLOEEEED!!") == "ik bloeed"
    assert normalise("weeën") == "ween"
    assert normalise(None) == ""  # type: ignore[arg-type]


def test_intent_names_and_texts() -> None:
    for category in CATEGORIES:
        assert INTENT_FOR_CATEGORY[category] == f"safety_{category}"
        assert emergency_text(category)
    assert "112" in emergency_text("medical")
    assert "0800-2000" in emergency_text("violence")
    assert "0800-0113" in emergency_text("suicide")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_detect_never_raises(text: str) -> None:
    hit = detect(text)
    assert hit is None or hit.category in CATEGORIES


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["ik", "bloed", "niet", "meer", "baby", "wil", "dood", "hij", "slaat", "me", "é", "!!", "113",
                                 "vliezen", "hoofdpijn", "wazig", "  ", "\n", "😀"]), max_size=12))
def test_detect_never_raises_on_keyword_soup(words: list[str]) -> None:
    hit = detect(" ".join(words))
    assert hit is None or hit.category in CATEGORIES
