"""Action tests for actions/offerings.py: show a card, answer its follow-up questions."""

from __future__ import annotations

from typing import Any

import pytest

from actions.offerings import ActionOfferingDetail, ActionShowOffering
from bot.content import cards, render_detail, render_summary
from tests.helpers import make_tracker, run_action

CARDS = cards()


def _slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.mark.parametrize("card_id", sorted(CARDS))
def test_show_offering_renders_the_card_of_the_intent(card_id: str) -> None:
    card = CARDS[card_id]
    messages, events = run_action(ActionShowOffering(), make_tracker(intent=card.intent, text=card.name))
    assert len(messages) == 1
    text, buttons = render_summary(card)
    assert messages[0]["text"] == text
    assert card.summary in messages[0]["text"]
    assert messages[0]["buttons"] == buttons
    assert messages[0]["answer_id"] == f"offering:{card.id}"
    assert _slot_events(events) == {"offering": card.id}


def test_show_offering_does_not_mix_up_cards() -> None:
    messages, _ = run_action(ActionShowOffering(), make_tracker(intent="info_babystartpakket"))
    assert "Babystartpakket" in messages[0]["text"]
    assert "Home-Start" not in messages[0]["text"]


@pytest.mark.parametrize("intent", ["info_bestaat_niet", "greet", None])
def test_show_offering_without_a_card_explains_what_the_bot_can_do(intent: str | None) -> None:
    messages, events = run_action(ActionShowOffering(), make_tracker(intent=intent))
    assert [m.get("response") for m in messages] == ["utter_capabilities"]
    assert events == []


@pytest.mark.parametrize(
    "intent,aspect,field",
    [("offering_how", "how", "how_to_get"), ("offering_for_whom", "for_whom", "for_whom")],
)
@pytest.mark.parametrize("card_id", sorted(CARDS))
def test_detail_answers_for_the_offering_in_the_slot(card_id: str, intent: str, aspect: str, field: str) -> None:
    card = CARDS[card_id]
    tracker = make_tracker(intent=intent, slots={"offering": card_id})
    messages, events = run_action(ActionOfferingDetail(), tracker)
    texts, buttons = render_detail(card, aspect)
    assert [m["text"] for m in messages] == texts
    assert " ".join(getattr(card, field).split()) in " ".join(" ".join(t.split()) for t in texts)
    assert card.source_tag in messages[-1]["text"]
    assert messages[-1]["buttons"] == buttons
    assert all(m.get("answer_id") == f"offering:{card_id}" for m in messages)
    assert events == []


def test_detail_how_and_for_whom_differ() -> None:
    how, _ = run_action(ActionOfferingDetail(), make_tracker(intent="offering_how", slots={"offering": "kraamzorg"}))
    who, _ = run_action(
        ActionOfferingDetail(), make_tracker(intent="offering_for_whom", slots={"offering": "kraamzorg"})
    )
    assert "zo vraag je het aan" in how[0]["text"] and "Contact:" in how[-1]["text"]
    assert "voor wie?" in who[0]["text"] and "Kosten:" in " ".join(m["text"] for m in who)


@pytest.mark.parametrize("slots", [{}, {"offering": None}, {"offering": "bestaat_niet"}, {"offering": ["homestart"]}])
def test_detail_without_known_offering_asks_which_help(slots: dict[str, Any]) -> None:
    messages, events = run_action(ActionOfferingDetail(), make_tracker(intent="offering_how", slots=slots))
    assert len(messages) == 1
    assert messages[0]["text"].startswith("Over welke hulp")
    assert {b["payload"] for b in messages[0]["buttons"]} == {"/ask_capabilities", "/request_human"}
    assert _slot_events(events) == {"offering": None}


@pytest.mark.parametrize(("text", "intent"), [("waar is dit voor", "offering_for_whom"),
                                              ("voor wie is deze chat", "offering_for_whom"),
                                              ("hoe werkt dit eigenlijk", "offering_how"),
                                              ("what is this for", "offering_for_whom")])
def test_a_question_about_this_chat_as_first_message_says_what_the_bot_can_do(text: str, intent: str) -> None:
    messages, _ = run_action(ActionOfferingDetail(), make_tracker(intent=intent, text=text))
    assert [m.get("response") for m in messages] == ["utter_capabilities"]


def test_for_whom_after_an_answer_or_about_something_else_still_asks_which_help() -> None:
    earlier = [{"event": "bot", "text": "Hoi!"}]
    messages, _ = run_action(ActionOfferingDetail(),
                             make_tracker(intent="offering_for_whom", text="voor wie is dit", events=earlier))
    assert messages[0]["text"].startswith("Over welke hulp")
    messages, _ = run_action(ActionOfferingDetail(), make_tracker(intent="offering_for_whom", text="kosten?"))
    assert messages[0]["text"].startswith("Over welke hulp")
