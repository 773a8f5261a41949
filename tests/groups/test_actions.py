"""Action tests for actions/groups.py with rasa_sdk's Tracker and CollectingDispatcher."""

from __future__ import annotations

from typing import Any

from actions.groups import ActionGrpMore, ActionGrpShow, ActionGrpStart, ValidateGrpForm
from tests.helpers import domain, make_tracker, run_action


def slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def form_tracker(text: str, intent: str = "give_location", extra: dict[str, Any] | None = None):
    return make_tracker(
        intent=intent, text=text, active_loop="grp_form",
        slots={"requested_slot": "grp_location", "grp_location": None, **(extra or {})},
        events=[{"event": "active_loop", "name": "grp_form"},
                {"event": "slot", "name": "requested_slot", "value": "grp_location"}],
    )


def test_domain_declares_the_feature() -> None:
    d = domain()
    assert {"find_group", "more_groups", "give_location"} <= set(d["intents"])
    assert {"action_grp_start", "action_grp_show", "action_grp_more", "validate_grp_form"} <= set(d["actions"])
    assert d["forms"]["grp_form"]["required_slots"] == ["grp_location"]
    assert all(name in d["slots"] for name in ("grp_location", "grp_audience", "grp_kind", "grp_offset"))
    assert "utter_ask_grp_location" in d["responses"]


def test_start_with_a_wijk_in_the_question() -> None:
    messages, events = run_action(ActionGrpStart(), make_tracker("find_group", "is er een samenspeelgroep in charlois"))
    assert messages == []
    assert slots(events) == {"grp_location": "gebied:Charlois", "grp_audience": None, "grp_kind": "samenspeelgroep",
                             "grp_offset": 0.0}


def test_show_puts_the_named_kind_first() -> None:
    tracker = make_tracker("find_group", "", slots={"grp_location": "gebied:Charlois", "grp_kind": "samenspeelgroep"})
    messages, _ = run_action(ActionGrpShow(), tracker)
    assert messages[1]["text"].startswith("*1. Samenspeelgroep*")


def test_start_with_a_postcode_keeps_only_the_area() -> None:
    _, events = run_action(ActionGrpStart(), make_tracker("find_group", "groepen voor vaders bij 3072 AB"))
    assert slots(events)["grp_location"] == "pc-gebied:Feijenoord"
    assert slots(events)["grp_audience"] == "fathers"
    assert "3072" not in str(events)


def test_start_without_location_leaves_it_to_the_form() -> None:
    _, events = run_action(ActionGrpStart(), make_tracker("find_group", "ik zoek andere vaders"))
    assert slots(events)["grp_location"] is None and slots(events)["grp_audience"] == "fathers"


def test_start_reuses_a_known_location_but_not_outside() -> None:
    tracker = make_tracker("find_group", "en voor zwangeren?", slots={"grp_location": "wijk:Pendrecht"})
    _, events = run_action(ActionGrpStart(), tracker)
    assert slots(events)["grp_location"] == "wijk:Pendrecht" and slots(events)["grp_audience"] == "pregnant"
    tracker = make_tracker("find_group", "groepen in de buurt", slots={"grp_location": "outside"})
    assert slots(run_action(ActionGrpStart(), tracker)[1])["grp_location"] is None
    tracker = make_tracker("find_group", "groepen", slots={"grp_location": "gebied:Atlantis"})
    assert slots(run_action(ActionGrpStart(), tracker)[1])["grp_location"] is None


def test_start_with_outside_postcode_or_too_broad_place() -> None:
    _, events = run_action(ActionGrpStart(), make_tracker("find_group", "groepen bij 2511 CK"))
    assert slots(events)["grp_location"] == "outside"
    messages, events = run_action(ActionGrpStart(), make_tracker("find_group", "groepen in rotterdam zuid"))
    assert slots(events)["grp_location"] is None and "Charlois" in messages[0]["text"]


def test_start_ignores_payload_text() -> None:
    _, events = run_action(ActionGrpStart(), make_tracker("find_group", '/find_group{"grp_location": "3072"}'))
    assert slots(events)["grp_location"] is None


def test_form_reads_a_wijk_with_a_typo() -> None:
    messages, events = run_action(ValidateGrpForm(), form_tracker("ik woon in charloys"))
    assert slots(events)["grp_location"] == "gebied:Charlois" and messages == []


def test_form_reads_a_postcode_without_storing_it() -> None:
    _, events = run_action(ValidateGrpForm(), form_tracker("3081 AB"))
    assert slots(events)["grp_location"] == "pc-gebied:Charlois"
    assert "3081" not in str(events)


def test_form_reasks_on_unknown_wijk() -> None:
    messages, events = run_action(ValidateGrpForm(), form_tracker("ik woon in blabladorp"))
    assert slots(events)["grp_location"] is None
    assert "ken ik niet" in messages[0]["text"]
    assert "bijvoorbeeld" in domain()["responses"]["utter_ask_grp_location"][0]["text"]


def test_form_accepts_dont_know_and_outside() -> None:
    assert slots(run_action(ValidateGrpForm(), form_tracker("weet ik niet"))[1])["grp_location"] == "rotterdam"
    assert slots(run_action(ValidateGrpForm(), form_tracker("ik woon in schiedam"))[1])["grp_location"] == "outside"


def test_form_does_not_read_stop_or_safety_messages() -> None:
    for intent in ("stop", "safety_pregnancy_urgent", "safety_mental_crisis"):
        _, events = run_action(ValidateGrpForm(), form_tracker("stop, ik woon in charlois", intent=intent))
        assert "grp_location" not in slots(events)


def test_form_leaves_a_clear_other_question_to_the_rules() -> None:
    _, events = run_action(ValidateGrpForm(), form_tracker("ik wil met een mens praten", intent="request_human"))
    assert "grp_location" not in slots(events)
    # ... but a place in it is still read
    _, events = run_action(ValidateGrpForm(), form_tracker("ik woon in pendrecht", intent="request_human"))
    assert slots(events)["grp_location"] == "wijk:Pendrecht"


def test_form_revalidates_a_prefilled_value() -> None:
    # At form activation Rasa validates what action_grp_start set after the user's message.
    for value, expected in (("gebied:Atlantis", None), ("gebied:Noord", "gebied:Noord"), ("outside", "outside")):
        tracker = make_tracker("find_group", "groepen", slots={"grp_location": value})
        tracker.events.append({"event": "slot", "name": "grp_location", "value": value})
        _, events = run_action(ValidateGrpForm(), tracker)
        assert slots(events) == {"grp_location": expected}


def test_show_and_more() -> None:
    tracker = make_tracker("find_group", "", slots={"grp_location": "gebied:Charlois", "grp_audience": None})
    messages, events = run_action(ActionGrpShow(), tracker)
    # a header, then one short message per group; the buttons go with the last message
    assert [m["text"].startswith(f"*{i}.") for i, m in enumerate(messages[1:4], 1)] == [True] * 3
    assert all("buttons" not in m or not m["buttons"] for m in messages[:-1])
    assert messages[-1]["buttons"][0]["payload"] == "/more_groups"
    assert {m["answer_id"] for m in messages} == {"find_group"}
    assert slots(events) == {"grp_offset": 3.0}
    tracker = make_tracker("more_groups", "meer", slots={"grp_location": "gebied:Charlois", "grp_offset": 3.0})
    messages, events = run_action(ActionGrpMore(), tracker)
    assert "*4." in messages[1]["text"] and slots(events) == {"grp_offset": 6.0}
    tracker = make_tracker("more_groups", "meer", slots={"grp_location": "gebied:Charlois", "grp_offset": 9.0})
    messages, events = run_action(ActionGrpMore(), tracker)
    assert "*10." in " ".join(m["text"] for m in messages) and slots(events) == {"grp_offset": None}
    tracker = make_tracker("more_groups", "meer", slots={"grp_location": "gebied:Charlois", "grp_offset": None})
    messages, events = run_action(ActionGrpMore(), tracker)
    assert "alle groepen" in messages[0]["text"] and events == []


def test_show_with_fathers_filter() -> None:
    tracker = make_tracker("find_group", "", slots={"grp_location": "gebied:Charlois", "grp_audience": "fathers"})
    messages, _ = run_action(ActionGrpShow(), tracker)
    shown = " ".join(m["text"] for m in messages)
    assert "Daddy's Place" in messages[1]["text"] and "Mama's Garden" not in shown


def test_show_outside_rotterdam_clears_the_location() -> None:
    tracker = make_tracker("give_location", "", slots={"grp_location": "outside"})
    messages, events = run_action(ActionGrpShow(), tracker)
    assert "niet in Rotterdam" in messages[0]["text"]
    assert slots(events)["grp_location"] is None


def test_more_without_a_search_asks_where() -> None:
    messages, events = run_action(ActionGrpMore(), make_tracker("more_groups", "meer"))
    assert "postcode of wijk" in messages[0]["text"] and events == []


def test_show_after_a_loss_leaves_out_pregnancy_and_baby_groups() -> None:
    from bot.groups.model import groups
    from bot.groups.ranking import shown_after_loss
    hidden = {g.name for g in groups() if not shown_after_loss(g)}
    assert hidden, "the group list has pregnancy or baby groups to hide"
    for offset in (0.0, 3.0, 6.0):
        tracker = make_tracker("find_group", "", slots={"grp_location": "gebied:Charlois", "baby_loss": True,
                                                        "grp_offset": offset})
        action = ActionGrpShow() if offset == 0 else ActionGrpMore()
        messages, _ = run_action(action, tracker)
        text = "\n".join(m.get("text") or "" for m in messages)
        assert not any(f"*{name}*" in text or f". {name}*" in text for name in hidden), text
