"""Action tests: the kraamzorg form's validation, the savings question and the result."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from rasa_sdk import Tracker

import actions.kraamzorg as kz_actions
from bot.readability import MAX_MESSAGE_WORDS, words
from bot.safety.tiers import FORM_NOT_INTENT
from tests.helpers import domain, run_action

TODAY = dt.date(2026, 11, 23)
FILLED = {
    "kz_in_rotterdam": "yes", "kz_insurance": "basic_only", "kz_household": "single_parent",
    "kz_income": "bijstand", "kz_debt_arrangement": None, "kz_savings": "no", "kz_pregnancy": "2026-12-14",
    "kz_used_this_year": "no", "kz_hours": "unknown", "kz_other_adults": None, "kz_under_21": None,
    "kz_savings_amount": None,
}


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kz_actions, "today", lambda: TODAY)


def _answer(slot: str, value: Any, slots: dict[str, Any] | None = None, intent: str = "nlu_fallback",
            text: str | None = None) -> Tracker:
    """A tracker right after the form extracted ``value`` for ``slot`` from the user's message."""
    text = text if text is not None else str(value)
    parse = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "intent_ranking": [], "entities": []}
    return Tracker(
        sender_id="kz", slots={**(slots or {}), "requested_slot": slot, slot: value}, latest_message=parse,
        events=[{"event": "user", "text": text, "parse_data": parse}, {"event": "slot", "name": slot, "value": value}],
        paused=False, followup_action=None, active_loop={"name": "kraamzorg_form"},
        latest_action_name="action_listen",
    )


def _slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def validate(slot: str, value: Any, slots: dict[str, Any] | None = None, **kw) -> tuple[list, dict[str, Any]]:
    messages, events = run_action(kz_actions.ValidateKraamzorgForm(), _answer(slot, value, slots, **kw))
    return messages, _slots(events)


def test_free_text_income_is_parsed() -> None:
    slots = {"kz_in_rotterdam": "yes", "kz_insurance": "basic_only", "kz_household": "couple"}
    messages, result = validate("kz_income", "ongeveer 1200 euro netto per maand", slots)
    assert messages == []
    assert result["kz_income"] == "1200.00"
    # up to 110%: the debt question is skipped; other adults in the home (kostendelersnorm) is next
    assert result.get("requested_slot") == "kz_other_adults"


def test_other_norm_questions_then_savings() -> None:
    slots = {"kz_in_rotterdam": "yes", "kz_insurance": "basic_only", "kz_household": "single",
             "kz_income": "1200.00"}
    messages, result = validate("kz_other_adults", "ik woon bij mijn moeder", slots)
    assert messages == [] and result["kz_other_adults"] == "yes"
    assert result.get("requested_slot") == "kz_savings"  # the norm is unknown anyway: the age is not asked
    _, result = validate("kz_other_adults", "no", slots, intent="deny", text="/deny")
    assert result.get("requested_slot") == "kz_under_21"
    _, result = validate("kz_under_21", "ik ben 19", dict(slots, kz_other_adults="no"))
    assert result["kz_under_21"] == "yes"


def test_savings_amount_typed_at_the_savings_question_fills_both() -> None:
    slots = dict(FILLED, kz_savings=None, kz_household="single")  # asset limit EUR 8,000
    messages, result = validate("kz_savings", "we hebben zo'n 10.000 euro spaargeld", slots)
    assert messages == []
    assert (result["kz_savings"], result["kz_savings_amount"]) == ("yes", "10000.00")
    # EUR 2,000 above the limit is more than the maximum reimbursement: the check is settled
    assert result.get("requested_slot") is None
    _, result = validate("kz_savings", "yes", slots, intent="affirm", text="/affirm")
    assert result["kz_savings"] == "yes" and result.get("requested_slot") == "kz_savings_amount"
    _, result = validate("kz_savings_amount", "ongeveer 8100", dict(slots, kz_savings="yes", kz_pregnancy=None))
    assert result["kz_savings_amount"] == "8100.00" and result.get("requested_slot") == "kz_pregnancy"


def _after_outcome(text: str, intent: str, previous: dict[str, Any], language: str = "nl") -> Tracker:
    """A tracker right after the outcome: her next message, her answers kept in kz_previous."""
    parse = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "intent_ranking": [], "entities": []}
    events = [{"event": "action", "name": "action_kraamzorg_result"},
              {"event": "bot", "text": "Je krijgt de eigen bijdrage ... Wat wil je nu doen?"},
              {"event": "action", "name": "action_listen"}, {"event": "user", "text": text, "parse_data": parse}]
    return Tracker(sender_id="kz", slots={"kz_previous": previous, "language": language}, latest_message=parse,
                   events=events, paused=False,
                   followup_action=None, active_loop={}, latest_action_name="action_listen")


def test_result_with_savings_above_the_limit_computes_the_reimbursement() -> None:
    slots = dict(FILLED, kz_household="single", kz_savings="yes", kz_savings_amount="8050.00")
    messages, events = run_action(kz_actions.ActionKraamzorgResult(), _answer("kz_hours", "unknown", slots))
    text = "\n".join(m["text"] for m in messages)
    assert "waarschijnlijk terug" in text and "€ 150" in text  # the estimate (200 - 50) is in the summary
    previous = _slots(events)["kz_previous"]
    why, _ = run_action(kz_actions.ActionKraamzorgMore(), _after_outcome("/offering_why", "offering_why", previous))
    assert "€ 50" in "\n".join(m["text"] for m in why)  # the excess over EUR 8,000 is a reason


@pytest.mark.parametrize(("text", "needle"), [("-50", "negatief"), ("EUR 90.000", "per jaar"), ("blabla", "1450")])
def test_implausible_income_is_reasked_with_an_example(text: str, needle: str) -> None:
    messages, result = validate("kz_income", text, {"kz_household": "single"})
    assert result["kz_income"] is None
    assert needle in messages[0]["text"] and "bijvoorbeeld" in messages[0]["text"]


def test_fifty_weeks_is_reasked() -> None:
    messages, result = validate("kz_pregnancy", "50 weken", dict(FILLED, kz_pregnancy=None))
    assert result["kz_pregnancy"] is None
    assert "42 weken" in messages[0]["text"]


def test_button_intent_fills_yes_no() -> None:
    _, result = validate("kz_in_rotterdam", "yes", intent="affirm", text="/affirm")
    assert result["kz_in_rotterdam"] == "yes"
    _, result = validate("kz_savings", "weet ik niet", dict(FILLED, kz_savings=None))
    assert result["kz_savings"] == "unknown"


def test_not_in_rotterdam_ends_the_form() -> None:
    _, result = validate("kz_in_rotterdam", "no", intent="deny", text="/deny")
    assert result == {"kz_in_rotterdam": "no", "requested_slot": None}


def test_rotterdampakket_ends_the_form() -> None:
    _, result = validate("kz_insurance", "rotterdampakket", {"kz_in_rotterdam": "yes"})
    assert result == {"kz_insurance": "rotterdampakket", "requested_slot": None}


def test_rotterdampakket_variant_is_asked_and_compact_continues() -> None:
    messages, result = validate("kz_insurance", "ik heb het VGZ Rotterdampakket", {"kz_in_rotterdam": "yes"})
    assert result["kz_insurance"] is None and "Compact" in messages[0]["text"]
    _, result = validate("kz_insurance", "rotterdampakket_compact", {"kz_in_rotterdam": "yes"})
    assert result == {"kz_insurance": "rotterdampakket_compact", "requested_slot": "kz_household"}


def test_payload_values_are_validated_not_trusted() -> None:
    # e.g. /inform{"kz_household": "koning"} typed by a user: rejected and re-asked
    messages, result = validate("kz_household", "koning", {"kz_in_rotterdam": "yes", "kz_insurance": "basic_only"})
    assert result["kz_household"] is None and messages


def test_required_slots_follow_the_rules() -> None:
    action = kz_actions.ValidateKraamzorgForm()
    tracker = _answer("kz_hours", None, dict(FILLED, kz_hours=None))
    slots = asyncio.run(action.required_slots(action.domain_slots(domain()), None, tracker, domain()))
    assert slots == ["kz_in_rotterdam", "kz_insurance", "kz_household", "kz_income", "kz_savings", "kz_pregnancy",
                     "kz_used_this_year", "kz_hours"]


def test_every_form_slot_has_a_validator_and_a_question() -> None:
    d = domain()
    required = d["forms"]["kraamzorg_form"]["required_slots"]
    responses = d["responses"]
    for slot in required:
        assert hasattr(kz_actions.ValidateKraamzorgForm, f"validate_{slot}")
        assert f"utter_ask_{slot}" in responses or f"action_ask_{slot}" in d["actions"]
        for mapping in d["slots"][slot]["mappings"]:
            assert mapping["conditions"] == [{"active_loop": "kraamzorg_form", "requested_slot": slot}]
            if mapping["type"] == "from_text":
                assert set(mapping["not_intent"]) == set(FORM_NOT_INTENT)
    for name, variants in responses.items():
        if name.startswith("utter_ask_kz_"):
            for variant in variants:
                assert len(variant.get("buttons", [])) <= 4
                assert all(len(b["title"]) <= 20 for b in variant.get("buttons", []))  # WhatsApp limit


def test_savings_question_names_the_limit_for_her_household() -> None:
    messages, _ = run_action(kz_actions.ActionAskKzSavings(), _answer("kz_savings", None, {"kz_household": "couple"}))
    assert "€ 16.000" in messages[0]["text"] and "partner" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny", "weet ik niet"]
    messages, _ = run_action(kz_actions.ActionAskKzSavings(), _answer("kz_savings", None, {"kz_household": "single"}))
    assert "€ 8.000" in messages[0]["text"]


def test_result_is_short_with_why_and_how_buttons_then_forgets_the_form() -> None:
    messages, events = run_action(kz_actions.ActionKraamzorgResult(), _answer("kz_hours", "unknown", FILLED))
    text = "\n".join(m["text"] for m in messages)
    assert "waarschijnlijk terug" in text and "bijzondere bijstand: extra geld van de gemeente" in text
    assert "categorie 7" not in text and "Waarom:" not in text  # steps and reasons only on request
    assert all(len(words(m["text"])) <= MAX_MESSAGE_WORDS + 5 for m in messages)  # + 'Wat wil je nu doen?'
    assert [b["payload"] for b in messages[-1]["buttons"]] == [
        "/offering_how", "/offering_why", "/kraamzorg_check", "/request_registration", "/ask_capabilities"]
    slots = _slots(events)
    assert all(slots[name] is None for name in FILLED)
    assert slots["kz_previous"] == {k: v for k, v in FILLED.items() if v is not None}


def test_how_and_why_after_the_outcome_show_steps_and_reasons() -> None:
    previous = {k: v for k, v in FILLED.items() if v is not None}
    how, _ = run_action(kz_actions.ActionKraamzorgMore(), _after_outcome("hoe vraag ik het aan", "offering_how", previous))
    text = "\n".join(m["text"] for m in how)
    assert "categorie 7" in text and "Je bent 37 weken zwanger" in text and text.count("8 weken") == 1
    assert [b["payload"] for b in how[-1]["buttons"]][0] == "/offering_why"
    assert how[-1]["text"].endswith("Bron: gemeente Rotterdam (23-11-2026)")
    why, _ = run_action(kz_actions.ActionKraamzorgMore(), _after_outcome("Waarom?", "offering_why", previous))
    text = "\n".join(m["text"] for m in why)
    assert "Waarom:" in text and "bijstandsuitkering" in text and "categorie 7" not in text
    assert [b["payload"] for b in why[-1]["buttons"]][0] == "/offering_how"
    for message in how + why:
        assert len(words(message["text"])) <= MAX_MESSAGE_WORDS, message["text"]


def test_a_term_question_after_the_outcome_is_explained_not_answered_with_the_steps() -> None:
    previous = {k: v for k, v in FILLED.items() if v is not None}
    messages, events = run_action(kz_actions.ActionKraamzorgMore(),
                                  _after_outcome("hoe vraag ik een pro formafactuur aan", "offering_how", previous))
    assert messages == [] and [(e["event"], e["name"]) for e in events] == [("followup", "action_explain_term")]


def test_a_correction_after_the_outcome_gives_a_new_outcome() -> None:
    previous = {k: v for k, v in FILLED.items() if v is not None}
    previous.update(kz_income="1200.00", kz_other_adults="no", kz_under_21="no", kz_debt_arrangement="no")
    tracker = _after_outcome("oh wacht ik verdien 3000 per maand", "nlu_fallback", previous)
    messages, events = run_action(kz_actions.ActionKraamzorgCorrect(), tracker)
    text = "\n".join(m["text"] for m in messages)
    assert messages[0]["text"].startswith("Oké, ik heb je inkomen aangepast")
    assert "waarschijnlijk niet terug" in text
    assert _slots(events)["kz_previous"]["kz_income"] == "3000.00"


def test_answers_set_before_the_form_are_validated_as_values_not_as_her_message() -> None:
    """After a correction the form starts with her earlier answers: each is checked as a value."""
    previous = {k: v for k, v in FILLED.items() if v is not None}
    parse = {"text": "oh wacht we hebben maar 2000 euro spaargeld", "intent": {"name": "nlu_fallback"}, "entities": []}
    tracker = Tracker(sender_id="kz", slots={**previous, "requested_slot": None}, latest_message=parse,
                      events=[{"event": "user", "text": parse["text"], "parse_data": parse},
                              *[{"event": "slot", "name": k, "value": v} for k, v in previous.items()]], paused=False,
                      followup_action=None, active_loop={"name": "kraamzorg_form"}, latest_action_name="action_listen")
    messages, events = run_action(kz_actions.ValidateKraamzorgForm(), tracker)
    slots = _slots(events)
    assert messages == [] and {k: slots[k] for k in previous} == previous, slots


def test_a_correction_that_opens_new_questions_goes_back_into_the_check() -> None:
    previous = {"kz_in_rotterdam": "yes", "kz_insurance": "rotterdampakket"}
    tracker = _after_outcome("oh wacht nee ik heb geen vgz maar alleen basis", "nlu_fallback", previous)
    messages, events = run_action(kz_actions.ActionKraamzorgCorrect(), tracker)
    assert "nog een paar vragen" in messages[0]["text"]
    assert _slots(events)["kz_insurance"] == "basic_only"
    assert (events[-1]["event"], events[-1]["name"]) == ("followup", "kraamzorg_form")


def test_result_for_rotterdampakket() -> None:
    slots = {"kz_in_rotterdam": "yes", "kz_insurance": "rotterdampakket"}
    messages, _ = run_action(kz_actions.ActionKraamzorgResult(), _answer("kz_insurance", "rotterdampakket", slots))
    assert "verzekering: Rotterdampakket" in messages[0]["text"]  # her answers first
    assert "Rotterdampakket" in messages[1]["text"] and "al vergoed" in messages[1]["text"]


def test_dont_know_button_wins_over_a_deny_classification() -> None:
    # NLU may read 'weet ik niet' as deny; the from_intent mapping then proposes 'no'.
    _, result = validate("kz_savings", "no", dict(FILLED, kz_savings=None), intent="deny", text="weet ik niet")
    assert result["kz_savings"] == "unknown"
    _, result = validate("kz_used_this_year", "yes", dict(FILLED, kz_used_this_year=None), intent="affirm",
                         text="/affirm")
    assert result["kz_used_this_year"] == "yes"


@pytest.mark.parametrize(
    ("slot", "text", "needle"),
    [("kz_insurance", "wat is aanvullend", "extra verzekering"), ("kz_insurance", "wat is compact?", "minder"),
     ("kz_savings", "wat telt als vermogen?", "spaargeld"), ("kz_household", "waarom wil je dat weten?", "schatting")],
)
def test_a_question_about_an_option_is_explained_not_stored(slot: str, text: str, needle: str) -> None:
    slots = dict(FILLED, **{slot: None})
    messages, result = validate(slot, text, slots)
    assert result[slot] is None  # not stored: the form asks the same question again
    assert needle in messages[0]["text"]


def test_nee_with_other_words_is_not_not_in_rotterdam() -> None:
    messages, result = validate("kz_in_rotterdam", "no", intent="deny", text="nee niet weer die vragen")
    assert result["kz_in_rotterdam"] is None and "níet" in messages[0]["text"] and "stop" in messages[0]["text"]
    _, result = validate("kz_in_rotterdam", "no", intent="deny", text="nee hoor")
    assert result["kz_in_rotterdam"] == "no"


def test_living_with_her_mother_fills_other_adults_and_asks_about_a_partner() -> None:
    slots = {"kz_in_rotterdam": "yes", "kz_insurance": "basic_only"}
    messages, result = validate("kz_household", "ik woon bij mijn moeder", slots)
    assert result["kz_household"] is None and result["kz_other_adults"] == "yes"
    assert "partner" in messages[0]["text"]


def test_terug_clears_the_previous_answer() -> None:
    slots = {"kz_in_rotterdam": "yes", "kz_insurance": "basic_only", "kz_household": "single"}
    messages, result = validate("kz_income", "terug", slots)
    assert result["kz_household"] is None and result["kz_income"] is None
    assert result.get("requested_slot") == "kz_household" and "terug" in messages[0]["text"]
    messages, result = validate("kz_in_rotterdam", "vorige vraag", {})
    assert result["kz_in_rotterdam"] is None and "eerste vraag" in messages[0]["text"]


def test_a_correction_of_an_earlier_answer_by_name() -> None:
    slots = {"kz_in_rotterdam": "yes", "kz_insurance": "basic_only", "kz_household": "couple", "kz_income": "1200.00",
             "kz_other_adults": "no", "kz_under_21": "no"}
    messages, result = validate("kz_savings", "wacht hij verdient eigenlijk 2300", slots)
    assert result["kz_income"] == "2300.00" and result["kz_savings"] is None
    assert "inkomen" in messages[0]["text"]
    # 2300 is above 110% of the couple norm: the debt question comes back
    assert result.get("requested_slot") == "kz_debt_arrangement"
    messages, result = validate("kz_pregnancy", "sorry ik heb eigenlijk alleen basisverzekering",
                                dict(slots, kz_insurance="other_supplementary", kz_savings="no"))
    assert result["kz_insurance"] == "basic_only" and result["kz_pregnancy"] is None


def _first_message(text: str) -> Tracker:
    """The tracker when the form starts: her first message, nothing requested yet."""
    parse = {"text": text, "intent": {"name": "kraamzorg_check", "confidence": 1.0}, "intent_ranking": [],
             "entities": []}
    return Tracker(
        sender_id="kz", slots={}, latest_message=parse, events=[{"event": "user", "text": text, "parse_data": parse}],
        paused=False, followup_action=None, active_loop={"name": "kraamzorg_form"}, latest_action_name="action_listen",
    )


def test_what_she_said_in_her_first_message_is_not_asked_again() -> None:
    messages, events = run_action(kz_actions.ValidateKraamzorgForm(),
                                  _first_message("ik ben 30 weken zwanger en alleenstaand, ik heb bijstand"))
    slots = _slots(events)
    assert slots["kz_pregnancy"] == (TODAY + dt.timedelta(weeks=10)).isoformat()
    assert (slots["kz_household"], slots["kz_income"]) == ("single", "bijstand")
    assert messages == []
    _, events = run_action(kz_actions.ValidateKraamzorgForm(), _first_message("heb ik recht op vergoeding?"))
    assert not {k: v for k, v in _slots(events).items() if k.startswith("kz_") and v is not None}


def test_the_stored_answers_are_shown_before_the_outcome() -> None:
    slots = dict(FILLED, kz_household="single", kz_income="1200.00", kz_other_adults="no", kz_under_21="no",
                 kz_savings="yes", kz_savings_amount="8050.00")
    messages, _ = run_action(kz_actions.ActionKraamzorgResult(), _answer("kz_hours", "unknown", slots))
    first = messages[0]["text"]
    assert first.startswith("Dit heb ik van je begrepen")
    for needle in ("wonen: alleen", "inkomen: € 1.200 per maand", "spaargeld: € 8.050", "eigenlijk"):
        assert needle in first
    assert "waarschijnlijk terug" in messages[1]["text"]


def test_asking_for_a_person_in_the_check_gets_the_hand_off_then_the_same_question() -> None:
    messages, values = validate("kz_income", "kan ik niet gewoon iemand spreken", intent="request_human")
    assert any("010 267 26 53" in (m.get("text") or "") for m in messages)
    assert values == {"kz_income": None}


def test_weeks_she_told_earlier_in_the_conversation_are_not_asked_again() -> None:
    from tests.helpers import make_tracker

    earlier = [{"event": "user", "text": "ik ben 30 weken zwanger en heb weinig geld"},
               {"event": "bot", "text": "..."}]
    tracker = make_tracker("ask_kraamzorg_costs", "kan ik de eigen bijdrage van de kraamzorg terugkrijgen",
                           events=earlier)
    form = kz_actions.ValidateKraamzorgForm()
    found = form.extract_kz_pregnancy(None, tracker, domain())
    assert found["kz_pregnancy"] == str(TODAY + dt.timedelta(weeks=10))
    # a message of an earlier session does not count
    old = [{"event": "user", "text": "ik ben 30 weken zwanger"}, {"event": "session_started"}]
    tracker = make_tracker("ask_kraamzorg_costs", "kraamzorg vergoeding", events=old)
    assert form.extract_kz_pregnancy(None, tracker, domain()) == {}
