"""Replay the kraamzorg part of tests/stories/test_wellbeing.yml through the real validation
action, with the ``baby_loss`` slot set: the requested slots the story shows (no kz_pregnancy)
are what the code asks. `rasa test core` itself trusts the story's slot events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

import actions.kraamzorg as kz_actions
from bot.kraamzorg.rules import Answers, relevant_questions
from tests.helpers import ROOT
from tests.kraamzorg.test_stories_match_actions import NOT_INTENT, YES_NO_SLOTS, _run_validation

STORY_FILE = ROOT / "tests" / "stories" / "test_wellbeing.yml"
STORY_DATE = dt.date(2026, 11, 23)


def _kraamzorg_stories() -> list[dict[str, Any]]:
    stories = yaml.safe_load(STORY_FILE.read_text(encoding="utf-8"))["stories"]
    return [s for s in stories if any(step.get("intent") == "kraamzorg_check" for step in s["steps"])]


@pytest.fixture(autouse=True)
def _story_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kz_actions, "today", lambda: STORY_DATE)


@pytest.mark.parametrize("story", _kraamzorg_stories(), ids=lambda s: s["story"])
def test_kraamzorg_after_a_loss_asks_what_the_story_shows(story: dict[str, Any]) -> None:
    steps = story["steps"]
    start = next(i for i, s in enumerate(steps) if s.get("intent") == "kraamzorg_check")
    assert {"slot_was_set": [{"baby_loss": True}]} in steps[:start]
    first = relevant_questions(Answers(), STORY_DATE)[0]
    assert steps[start + 3] == {"slot_was_set": [{"requested_slot": f"kz_{first}"}]}
    slots: dict[str, Any] = {"baby_loss": True, "requested_slot": f"kz_{first}"}
    asked = [f"kz_{first}"]
    i = start + 4
    while i < len(steps):
        step = steps[i]
        if "user" not in step or slots.get("requested_slot") is None:
            i += 1
            continue
        text, intent = step["user"], step["intent"]
        slot = slots["requested_slot"]
        assert intent not in NOT_INTENT
        candidate = {"affirm": "yes", "deny": "no"}.get(intent) if slot in YES_NO_SLOTS else None
        produced = _run_validation(slots, slot, candidate or text, text, intent)
        written: dict[str, Any] = {}
        j = i + 2
        while j < len(steps) and ("slot_was_set" in steps[j] or "active_loop" in steps[j]):
            for item in steps[j].get("slot_was_set", []):
                written.update(item)
            j += 1
        assert written == {k: v for k, v in produced.items() if not (k == slot and v is None)}, text
        slots.update(produced)
        if slots.get("requested_slot"):
            asked.append(slots["requested_slot"])
        i = j
    assert "kz_pregnancy" not in asked
    assert asked[-1] == "kz_hours"
