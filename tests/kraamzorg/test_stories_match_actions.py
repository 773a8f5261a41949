"""Replay tests/stories/test_kraamzorg.yml through the real validation action.

`rasa test core` does not run custom actions: it trusts the slot events written in
the story. This test proves those events are what ValidateKraamzorgForm really
produces (same date as the stories were written for), so the stories cannot drift
from the code.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.kraamzorg as kz_actions
from bot.kraamzorg.rules import Answers, relevant_questions
from bot.safety.tiers import FORM_NOT_INTENT
from tests.helpers import ROOT
from tests.helpers import domain as load_domain

STORY_FILE = ROOT / "tests" / "stories" / "test_kraamzorg.yml"
STORY_DATE = dt.date(2026, 11, 23)
YES_NO_SLOTS = {"kz_in_rotterdam", "kz_debt_arrangement", "kz_savings", "kz_used_this_year", "kz_other_adults",
                "kz_under_21"}
NOT_INTENT = set(FORM_NOT_INTENT)


@functools.lru_cache(maxsize=1)
def domain() -> dict[str, Any]:
    return load_domain()


def _stories() -> list[dict[str, Any]]:
    return yaml.safe_load(STORY_FILE.read_text(encoding="utf-8"))["stories"]


def _run_validation(slots: dict[str, Any], slot: str, candidate: Any, text: str, intent: str) -> dict[str, Any]:
    parse = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "intent_ranking": [], "entities": []}
    tracker = Tracker(
        sender_id="story", slots={**slots, slot: candidate}, latest_message=parse,
        events=[{"event": "user", "text": text, "parse_data": parse},
                {"event": "slot", "name": slot, "value": candidate}],
        paused=False, followup_action=None, active_loop={"name": "kraamzorg_form"},
        latest_action_name="action_listen",
    )
    action = kz_actions.ValidateKraamzorgForm()
    events = asyncio.run(action.run(CollectingDispatcher(), tracker, domain()))
    produced = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    if "requested_slot" not in produced:
        # rasa_sdk leaves it to Rasa's FormAction when all domain slots are required:
        # Rasa then requests the first empty one, in domain order.
        state = {**slots, **produced}
        required = asyncio.run(action.required_slots(action.domain_slots(domain()), CollectingDispatcher(), tracker,
                                                     domain()))
        produced["requested_slot"] = next((s for s in required if state.get(s) is None), None)
    return produced


@pytest.fixture(autouse=True)
def _story_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kz_actions, "today", lambda: STORY_DATE)


@pytest.mark.parametrize("story", _stories(), ids=lambda s: s["story"])
def test_story_slot_events_match_the_validation_action(story: dict[str, Any]) -> None:
    steps = story["steps"]
    assert steps[0]["intent"] == "kraamzorg_check"
    first = relevant_questions(Answers(), STORY_DATE)[0]
    assert steps[3] == {"slot_was_set": [{"requested_slot": f"kz_{first}"}]}
    slots: dict[str, Any] = {"requested_slot": f"kz_{first}"}
    i = 4
    while i < len(steps):
        step = steps[i]
        if "user" not in step or slots.get("requested_slot") is None:
            i += 1
            continue
        text, intent = step["user"], step["intent"]
        slot = slots["requested_slot"]
        if intent in NOT_INTENT:
            assert steps[i + 1] == {"action": "action_stop_form"}
            break
        candidate = {"affirm": "yes", "deny": "no"}.get(intent) if slot in YES_NO_SLOTS else None
        produced = _run_validation(slots, slot, candidate or text, text, intent)
        assert steps[i + 1] == {"action": "kraamzorg_form"}, story["story"]
        written: dict[str, Any] = {}
        j = i + 2
        while j < len(steps) and ("slot_was_set" in steps[j] or "active_loop" in steps[j]):
            for item in steps[j].get("slot_was_set", []):
                written.update(item)
            j += 1
        expected = {k: v for k, v in produced.items() if not (k == slot and v is None)}
        if produced.get(slot) is None:  # re-ask: the story only repeats the requested slot
            expected["requested_slot"] = slot
        assert written == expected, f"{story['story']}: after {text!r}"
        slots.update({k: v for k, v in produced.items()})
        if slots.get("requested_slot") is None:
            assert steps[j] == {"action": "action_kraamzorg_result"}, story["story"]
        i = j
