"""A question or remark on the side in the middle of a form (actions/form_help.py).

The persona test found "dankje", "kan ik me aanmelden" and a baby loss told at a kraamzorg
question answered with "Dat begrijp ik niet". Each test runs the form's validation action as
Rasa calls it: her message was just extracted into the requested slot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker

import actions.kraamzorg as kz_actions
from actions.registration import ValidateRegistrationForm
from bot.conversation import form_side_text
from bot.registration import fields as f
from bot.store.registrations import list_registrations
from bot.wellbeing.loss import LOSS_SLOT
from tests.helpers import run_action, store_environment

KZ_FORM = "kraamzorg_form"


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch) -> Iterator[str]:
    monkeypatch.setattr(kz_actions, "today", lambda: dt.date(2026, 11, 23))
    yield from store_environment(tmp_path, monkeypatch)


def _tracker(form: str, slot: str, text: str, intent: str, confidence: float = 0.95,
             slots: dict[str, Any] | None = None) -> Tracker:
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence}, "intent_ranking": [],
             "entities": []}
    return Tracker("side-user", {**(slots or {}), "requested_slot": slot, slot: text}, parse,
                   [{"event": "action", "name": "action_listen"},
                    {"event": "user", "text": text, "parse_data": parse},
                    {"event": "slot", "name": slot, "value": text}],
                   False, None, {"name": form}, "action_listen")


def _kz(slot: str, text: str, intent: str, **kw) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return run_action(kz_actions.ValidateKraamzorgForm(), _tracker(KZ_FORM, slot, text, intent, **kw))


def _texts(messages: list[dict[str, Any]]) -> list[str]:
    return [str(m.get("text") or m.get("response") or "") for m in messages]


def _slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def _not_understood(slot: str, text: str) -> list[str]:
    """What the check says to the same message when it is not a side question."""
    messages, _ = _kz(slot, text, "nlu_fallback", confidence=0.3)
    return _texts(messages)


def test_thanks_in_the_check_is_thanked_and_the_question_stays() -> None:
    messages, events = _kz("kz_income", "dankje", "thank")
    assert _texts(messages) == [form_side_text("thanks")]
    assert _slot_events(events)["kz_income"] is None  # the form asks the income question again


def test_an_offering_question_in_the_check_gets_its_card_then_the_check_goes_on() -> None:
    text = "wat is home start eigenlijk"
    messages, events = _kz("kz_income", text, "info_homestart")
    assert any(m.get("answer_id") == "offering:homestart" for m in messages)
    assert _texts(messages)[-1] == form_side_text("back")
    assert not set(_not_understood("kz_income", text)) & set(_texts(messages))
    assert _slot_events(events)["kz_income"] is None


def test_a_referral_question_in_the_check_gets_the_referral_card() -> None:
    messages, _ = _kz("kz_household", "hoe vraag ik kinderbijslag aan", "info_kinderbijslag")
    assert any(str(m.get("answer_id") or "").startswith("referral:kinderbijslag") for m in messages)


def test_a_baby_loss_told_in_the_check_is_acknowledged_and_she_may_stop() -> None:
    messages, events = _kz("kz_income", "we zijn ons kindje verloren vorige week", "baby_loss")
    assert messages[0].get("answer_id") == "baby_loss"
    assert _texts(messages)[-1] == form_side_text("loss_kraamzorg")
    values = _slot_events(events)
    assert values[LOSS_SLOT] is True and values["kz_income"] is None
    assert not any(e.get("event") == "active_loop" for e in events)  # the check goes on if she wants


def test_a_baby_loss_told_in_the_registration_ends_it_and_nothing_is_sent(_env: str) -> None:
    slots = {f.PREGNANT: True, f.ROTTERDAM: True, f.CONSENT: True}
    messages, events = run_action(ValidateRegistrationForm(),
                                  _tracker(f.FORM, f.PHONE, "ik heb een miskraam gehad", "baby_loss", slots=slots))
    assert messages[0].get("answer_id") == "baby_loss"
    assert _texts(messages)[-1] == form_side_text("loss_registration")
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert _slot_events(events)[LOSS_SLOT] is True
    assert list_registrations(url=_env) == []


def test_another_flow_in_a_form_offers_to_stop_first() -> None:
    messages, events = _kz("kz_insurance", "kan ik me ook aanmelden bij moeders van rotterdam", "request_registration")
    assert _texts(messages) == [form_side_text("other_flow")]
    assert messages[0]["buttons"] == [{"title": form_side_text("stop_button"), "payload": "/stop"}]
    assert _slot_events(events)["kz_insurance"] is None
    # asking for the check inside the check: she is in it, the question comes again
    messages, _ = _kz("kz_insurance", "ik wil de kraamzorg check doen", "kraamzorg_check")
    assert _texts(messages) == [form_side_text("back")]


def test_an_answer_stays_an_answer_whatever_the_classifier_thinks() -> None:
    _, events = _kz("kz_income", "bijstand", "info_kraamzorg")
    assert _slot_events(events)["kz_income"] == "bijstand"


def test_an_unsure_classifier_leaves_the_checks_own_reply() -> None:
    messages, _ = _kz("kz_income", "dankje", "thank", confidence=0.5)
    assert _texts(messages) == _not_understood("kz_income", "dankje")


def test_back_in_the_check_is_the_checks_own_even_when_it_looks_like_another_topic() -> None:
    slots = {"kz_in_rotterdam": "yes", "kz_insurance": "basic_only", "kz_household": "single_parent"}
    messages, events = _kz("kz_income", "terug", "greet", slots=slots)
    assert "terug" in _texts(messages)[0] and _slot_events(events)["kz_household"] is None


def test_lost_in_another_sense_is_no_side_question() -> None:
    """'Verloren' about a card: the loss action has nothing to say, the check's reply stands."""
    text = "ik ben mijn pinpas verloren"
    messages, events = _kz("kz_income", text, "baby_loss")
    assert _texts(messages) == _not_understood("kz_income", text)
    assert LOSS_SLOT not in _slot_events(events)


def test_a_loss_said_plainly_is_heard_in_the_check_whatever_the_classifier_made_of_it() -> None:
    messages, events = _kz("kz_household", "sorry ik weet niet of dit nog zin heeft, mijn baby is gisteren overleden",
                           "several_needs", confidence=1.0)
    assert messages[0].get("answer_id") == "baby_loss" and _slot_events(events)[LOSS_SLOT] is True


def test_a_tapped_button_of_a_card_shown_in_the_check_gets_its_answer() -> None:
    slots = {"offering": "homestart"}
    messages, events = _kz("kz_hours", "/offering_how", "offering_how", confidence=1.0, slots=slots)
    assert any(m.get("answer_id") == "offering:homestart" for m in messages)
    assert _texts(messages)[-1] == form_side_text("back") and _slot_events(events)["kz_hours"] is None
    # typed, the same question may be about the check itself: the check's own reply
    messages, _ = _kz("kz_hours", "hoe vraag ik het aan", "offering_how", confidence=0.95, slots=slots)
    assert not any(m.get("answer_id") == "offering:homestart" for m in messages)
