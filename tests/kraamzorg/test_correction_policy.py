"""The policy that sends a correction right after the kraamzorg outcome to action_kraamzorg_correct."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.dialogue.kraamzorg_correction import is_correction_after_outcome

TODAY = dt.date(2026, 11, 23)
PREVIOUS = {"kz_in_rotterdam": "yes", "kz_insurance": "rotterdampakket"}


def _events(last_action: str, text: str) -> list[dict[str, Any]]:
    return [{"event": "action", "name": last_action}, {"event": "bot", "text": "..."},
            {"event": "action", "name": "action_listen"}, {"event": "user", "text": text}]


@pytest.mark.parametrize("text", [
    "oh wacht nee ik heb geen vgz maar alleen basis",
    "mijn inkomen is eigenlijk 1500",
    "we verdienen samen 2300 euro",
    "ik ben eigenlijk 30 weken zwanger",
    "sorry we hebben 9000 spaargeld",
])
def test_a_correction_right_after_the_outcome_is_recognised(text: str) -> None:
    assert is_correction_after_outcome(text, "nlu_fallback", PREVIOUS, _events("action_kraamzorg_result", text),
                                       {}, TODAY)


@pytest.mark.parametrize("text", [
    "wat is een pro formafactuur",
    "hoeveel spaargeld mag ik hebben?",
    "moet ik het voor de bevalling aanvragen",
    "dankjewel",
    "/offering_why",
    "ik wil me aanmelden",
])
def test_questions_and_other_messages_are_not_corrections(text: str) -> None:
    assert not is_correction_after_outcome(text, "nlu_fallback", PREVIOUS,
                                           _events("action_kraamzorg_result", text), {}, TODAY)


def test_only_right_after_the_outcome_and_with_her_answers_kept() -> None:
    text = "mijn inkomen is eigenlijk 1500"
    assert not is_correction_after_outcome(text, "nlu_fallback", PREVIOUS, _events("action_show_offering", text), {},
                                           TODAY)
    assert not is_correction_after_outcome(text, "nlu_fallback", None, _events("action_kraamzorg_result", text), {},
                                           TODAY)
    assert not is_correction_after_outcome(text, "safety_mental_crisis", PREVIOUS,
                                           _events("action_kraamzorg_result", text), {}, TODAY)
    # after 'Waarom?' the outcome is still the context
    assert is_correction_after_outcome(text, "nlu_fallback", PREVIOUS, _events("action_kraamzorg_more", text), {},
                                       TODAY)
