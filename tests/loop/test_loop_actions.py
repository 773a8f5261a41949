"""Action tests of the loop (rasa_sdk Tracker + CollectingDispatcher) against a real SQLite store."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker

from actions import loop as a
from bot.loop import slots as s
from bot.privacy.pseudonym import sender_key
from bot.store import parent_access
from bot.store.callbacks import CallbackInput, create_callback_request
from bot.store.cases import close, set_status
from bot.store.registrations import create_registration, get_registration, list_registrations
from bot.store.testing import sample_registration_input
from tests.helpers import make_tracker, run_action

HER = "her-chat"
OTHER = "her-other-phone"


@pytest.fixture(autouse=True)
def _store(sqlite_url):
    return sqlite_url


def _register(sender: str = HER, **overrides) -> str:
    return create_registration(sample_registration_input(sender_key=sender_key(sender), **overrides))


def _said(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def _events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e.get("value") for e in events if e.get("event") == "slot"}


def _activated(events: list[dict[str, Any]]) -> str | None:
    loops = [e.get("name") for e in events if e.get("event") == "active_loop"]
    return loops[-1] if loops else None


def _user_events(n: int) -> list[dict[str, Any]]:
    return [{"event": "user", "text": "...", "parse_data": {}} for _ in range(n)]


def form_tracker(form: str, slot: str, text: str, slots: dict[str, Any] | None = None, sender: str = HER,
                 intent: str = "nlu_fallback", earlier: list[dict[str, Any]] | None = None) -> Tracker:
    """What a form's validation action sees: her answer was just extracted into ``slot``."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": [], "intent_ranking": []}
    events = (earlier or []) + [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest, "input_channel": "rest"},
        {"event": "slot", "name": slot, "value": text},
    ]
    all_slots = {**(slots or {}), slot: text, "requested_slot": slot}
    return Tracker(sender, all_slots, latest, events, False, None, {"name": form}, "action_listen")


# ---------------------------------------------------------------- status
def test_a_when_question_right_after_a_card_is_about_the_card_not_the_registration():
    """The persona test: 'wanneer moet ik dat doen' after the partnerverlof card got the status lookup."""
    card = [{"event": "action", "name": "action_show_referral"}, {"event": "bot", "text": "*Partnerverlof* ..."},
            {"event": "action", "name": "action_listen"}]
    tracker = make_tracker("ask_registration_status", "wanneer moet ik dat opnemen", events=card,
                           slots={"offering": "partnerverlof"})
    messages, events = run_action(a.ActionLoopStatus(), tracker)
    assert messages == [] and events == [{"event": "followup", "name": "action_explain_term", "timestamp": None}]
    # about her registration it stays the status, also right after a card
    tracker = make_tracker("ask_registration_status", "wanneer bellen ze me terug", events=card,
                           slots={"offering": "partnerverlof"})
    messages, _ = run_action(a.ActionLoopStatus(), tracker)
    assert messages and messages[0]["answer_id"] == "status"


def test_status_without_a_registration_says_so_and_promises_nothing():
    messages, events = run_action(a.ActionLoopStatus(), make_tracker("ask_registration_status", "is mijn aanmelding gelukt?"))
    said = _said(messages)
    assert "geen aanmelding van je vinden" in said and "blijft staan" not in said and "010 267 26 53" in said
    assert messages[0]["answer_id"] == "status"
    assert _events(events) == {s.PURPOSE: "status"}


def test_status_before_and_after_staff_change_it():
    ref = _register()
    tracker = make_tracker("ask_registration_status", "wanneer bellen ze?", sender_id=HER)
    said = _said(run_action(a.ActionLoopStatus(), tracker)[0])
    assert ref in said and "Status: nieuw" in said and "binnen twee weken" in said and "010 267 26 53" in said
    set_status(ref, "unreachable", "anna")
    said = _said(run_action(a.ActionLoopStatus(), tracker)[0])
    assert "Status: niet bereikbaar" in said and "kon je niet bereiken" in said
    set_status(ref, "contacted", "anna")
    assert "Status: contact gehad" in _said(run_action(a.ActionLoopStatus(), tracker)[0])


def test_status_shows_nothing_personal_anywhere():
    ref = _register()
    said = _said(run_action(a.ActionLoopStatus(), make_tracker("ask_registration_status", "status", sender_id=HER))[0])
    for personal in ("Fatima", "612345678", "3072"):
        assert personal not in said
    assert ref in said


# ---------------------------------------------------------------- reference code from another channel
def test_reference_from_another_chat_starts_the_check_and_shows_nothing():
    ref = _register()
    messages, events = run_action(a.ActionLoopReference(), make_tracker("give_reference", ref, sender_id=OTHER))
    assert messages == []
    assert _activated(events) == s.VERIFY_FORM and _events(events)[s.REF] == ref


def test_reference_of_her_own_chat_answers_at_once():
    ref = _register()
    messages, events = run_action(a.ActionLoopReference(), make_tracker("give_reference", ref.lower(), sender_id=HER))
    assert ref in _said(messages) and _activated(events) is None


def test_an_invalid_code_gets_a_clear_answer():
    messages, _ = run_action(a.ActionLoopReference(), make_tracker("give_reference", "MVR-ABCD-EE", sender_id=OTHER))
    assert "geen goede referentiecode" in _said(messages)


def _verify(text: str, ref: str, sender: str = OTHER) -> tuple[str, dict[str, Any]]:
    messages, events = run_action(a.ValidateLoopVerifyForm(),
                                  form_tracker(s.VERIFY_FORM, s.VERIFY, text, {s.REF: ref, s.PURPOSE: "status"}, sender))
    return _said(messages), _events(events)


def test_check_with_the_last_two_digits():
    ref = _register(phone="+31612345678")
    said, values = _verify("zeven acht", ref)
    assert "laatste twee cijfers" in said and values[s.VERIFY] is None
    said, values = _verify("12", ref)
    assert "klopt niet" in said and values[s.VERIFY] is None
    said, values = _verify("78", ref)
    assert values[s.VERIFY] == "ok"
    # afterwards this chat may see the status
    tracker = make_tracker(slots={s.VERIFY: "ok", s.PURPOSE: "status", s.REF: ref}, sender_id=OTHER)
    messages, events = run_action(a.ActionLoopVerified(), tracker)
    assert "herkend" in _said(messages) and ref in _said(messages) and "Status: nieuw" in _said(messages)
    assert _events(events)[s.VERIFY] is None


def test_too_many_wrong_answers_end_the_check_and_show_nothing():
    ref = _register(phone="+31612345678")
    assert _verify("11", ref)[1][s.VERIFY] is None
    assert _verify("22", ref)[1][s.VERIFY] is None
    assert _verify("33", ref)[1][s.VERIFY] == "failed"
    assert _verify("78", ref)[1][s.VERIFY] == "failed"  # blocked now, even with the right digits
    messages, _ = run_action(a.ActionLoopVerified(), make_tracker(slots={s.VERIFY: "failed", s.REF: ref},
                                                                   sender_id=OTHER))
    said = _said(messages)
    assert "lukt niet" in said and ref not in said and "010 267 26 53" in said


def test_my_data_for_an_unverified_sender_shows_nothing():
    _register()
    messages, events = run_action(a.ActionLoopMyData(), make_tracker("ask_my_data", "wat weten jullie van mij",
                                                                      sender_id=OTHER))
    said = _said(messages)
    assert "geen aanmelding" in said and "Fatima" not in said and "MVR-" not in said
    assert _events(events) == {s.PURPOSE: "my_data"}


def test_my_data_for_her_shows_every_field_and_hides_it_from_the_tracker_copy():
    ref = _register()
    messages, events = run_action(a.ActionLoopMyData(), make_tracker("ask_my_data", "wat weten jullie van mij",
                                                                      sender_id=HER))
    said = _said(messages)
    for expected in (ref, "Fatima Zwanenburg", "06 12345678", "3072AB", "1 mei 2026", "22", "wonen",
                     "doordeweeks 's ochtends", "consent-v1", "3 november 2025", "verwijder mijn gegevens",
                     "010 267 26 53"):
        assert expected in said, expected
    assert messages[0]["answer_id"] == "my_data"
    # carrier slots: set and cleared in the same turn
    slot_events = [(e["name"], e["value"]) for e in events]
    assert (s.SHOWN["name"], ["Fatima Zwanenburg"]) in slot_events and (s.SHOWN["name"], None) in slot_events
    assert (s.SHOWN["phone"], ["+31612345678"]) in slot_events


def test_privacy_answer():
    messages, _ = run_action(a.ActionLoopPrivacy(), make_tracker("ask_privacy", "wie kan mijn gegevens zien"))
    said = _said(messages)
    assert "Alleen de medewerkers van het aanmeldpunt" in said and "365 dagen" in said
    assert messages[0]["answer_id"] == "privacy" and "blijft staan" not in said


# ---------------------------------------------------------------- withdrawal: only when asked for
def test_a_status_question_classified_as_withdrawal_gets_the_status_not_the_question():
    ref = _register()
    messages, events = run_action(a.ActionLoopWithdrawStart(),
                                  make_tracker("withdraw_registration", "is mijn aanmelding gelukt?", sender_id=HER))
    said = _said(messages)
    assert ref in said and "Status: nieuw" in said and "intrekken" not in said
    assert _activated(events) is None and s.ARMED not in _events(events)


def test_explicit_withdrawal_without_a_registration_says_so_and_asks_nothing():
    messages, events = run_action(a.ActionLoopWithdrawStart(),
                                  make_tracker("withdraw_registration", "trek mijn aanmelding in", sender_id=OTHER))
    said = _said(messages)
    assert "niets om te verwijderen" in said and "blijft staan" not in said and _activated(events) is None


def _armed_tracker(form: str, slot: str, text: str, armed: str | None, sender: str = HER) -> Tracker:
    return form_tracker(form, slot, text, {s.ARMED: armed} if armed else {}, sender, earlier=_user_events(1))


def test_explicit_withdrawal_asks_first_and_a_yes_withdraws():
    ref = _register()
    tracker = make_tracker("withdraw_registration", "ik wil mijn aanmelding intrekken", sender_id=HER)
    messages, events = run_action(a.ActionLoopWithdrawStart(), tracker)
    assert messages == [] and _activated(events) == s.WITHDRAW_FORM
    armed = _events(events)[s.ARMED]
    assert armed == "withdraw:1"
    question = _said(run_action(a.ActionAskRegWithdrawOk(), make_tracker(sender_id=HER))[0])
    assert ref in question and "niet ongedaan" in question
    _, events = run_action(a.ValidateRegistrationWithdrawForm(),
                           _armed_tracker(s.WITHDRAW_FORM, s.WITHDRAW_OK, "ja graag", armed))
    assert _events(events)[s.WITHDRAW_OK] == "yes"
    done = make_tracker(slots={s.WITHDRAW_OK: "yes", s.ARMED: armed}, sender_id=HER, events=_user_events(1))
    messages, events = run_action(a.ActionRegistrationWithdraw(), done)
    assert "ingetrokken" in _said(messages) and ref in _said(messages)
    assert any(e.get("name") == "privacy_erase" and e.get("value") is True for e in events)
    reg = get_registration(ref)
    assert reg.status == "withdrawn" and reg.name is None and reg.phone is None


def test_without_arming_the_withdrawal_form_does_nothing():
    ref = _register()
    _, events = run_action(a.ValidateRegistrationWithdrawForm(),
                           _armed_tracker(s.WITHDRAW_FORM, s.WITHDRAW_OK, "ja graag", None))
    assert _events(events)[s.WITHDRAW_OK] == "no"
    said = _said(run_action(a.ActionRegistrationWithdraw(),
                            make_tracker(slots={s.WITHDRAW_OK: "yes"}, sender_id=HER))[0])
    assert "ingetrokken" not in said and get_registration(ref).name == "Fatima Zwanenburg"
    # armed long ago (stale) counts as not armed either
    stale = make_tracker(slots={s.WITHDRAW_OK: "yes", s.ARMED: "withdraw:1"}, sender_id=HER, events=_user_events(9))
    run_action(a.ActionRegistrationWithdraw(), stale)
    assert get_registration(ref).status == "new"


def test_declined_withdrawal_keeps_it_and_says_the_truth():
    ref = _register()
    said = _said(run_action(a.ActionRegistrationWithdraw(),
                            make_tracker(slots={s.WITHDRAW_OK: "no", s.ARMED: "withdraw:1"}, sender_id=HER,
                                         events=_user_events(1)))[0])
    assert "blijft staan" in said
    close(ref, "no_help_needed", "anna")
    said = _said(run_action(a.ActionRegistrationWithdraw(),
                            make_tracker(slots={s.WITHDRAW_OK: "no"}, sender_id=HER))[0])
    assert "blijft staan" not in said and "verander niets" in said


def test_withdrawal_after_the_check_from_another_chat():
    ref = _register(phone="+31612345678")
    messages, events = run_action(a.ActionLoopWithdrawStart(), make_tracker(
        "withdraw_registration", f"trek {ref} in", sender_id=OTHER))
    assert _activated(events) == s.VERIFY_FORM and _events(events)[s.PURPOSE] == "withdraw"
    assert parent_access.verify(ref, "78", sender_key(OTHER)).ok
    _, events = run_action(a.ActionLoopVerified(), make_tracker(
        slots={s.VERIFY: "ok", s.PURPOSE: "withdraw", s.REF: ref}, sender_id=OTHER, events=_user_events(2)))
    assert _activated(events) == s.WITHDRAW_FORM
    armed = _events(events)[s.ARMED]
    run_action(a.ActionRegistrationWithdraw(), make_tracker(
        slots={s.WITHDRAW_OK: "yes", s.ARMED: armed}, sender_id=OTHER, events=_user_events(3)))
    assert get_registration(ref).status == "withdrawn"


# ---------------------------------------------------------------- erasure
def test_erasure_only_on_an_explicit_request():
    _register()
    messages, events = run_action(a.ActionLoopEraseStart(),
                                  make_tracker("delete_my_data", "welke gegevens hebben jullie van mij", sender_id=HER))
    assert "Fatima" in _said(messages) and _activated(events) is None  # her data, not a deletion
    messages, events = run_action(a.ActionLoopEraseStart(),
                                  make_tracker("delete_my_data", "verwijder mijn gegevens", sender_id=HER))
    assert messages == [] and _activated(events) == s.ERASE_FORM


def test_erasure_confirmed_deletes_everything_and_the_conversation():
    ref = _register()
    cb = create_callback_request(CallbackInput(
        channel="rest", sender_key=sender_key(HER), consent_text_version="cb1", consent_at=get_registration(ref).consent_at,
        idempotency_key="k", phone="+31687654321", moment="Middag", message="Bel me aub"))
    question = _said(run_action(a.ActionAskLoopEraseOk(), make_tracker(sender_id=HER))[0])
    assert ref in question and cb in question and "deze chat" in question
    _, events = run_action(a.ValidateLoopEraseForm(),
                           _armed_tracker(s.ERASE_FORM, s.ERASE_OK, "Ja, verwijder alles", "erase:1"))
    assert _events(events)[s.ERASE_OK] == "yes"
    messages, events = run_action(a.ActionLoopErase(), make_tracker(
        slots={s.ERASE_OK: "yes", s.ARMED: "erase:1"}, sender_id=HER, events=_user_events(1)))
    assert "verwijderd" in _said(messages) and messages[0]["answer_id"] == "erase"
    assert {"event": "slot", "timestamp": None, "name": "privacy_erase", "value": True} in events
    for code in (ref, cb):
        reg = get_registration(code)
        assert reg.personal_data_deleted and reg.phone is None and reg.status == "withdrawn"
        assert parent_access.count_messages(code) == 0


def test_erasure_declined_or_not_armed_keeps_everything():
    ref = _register()
    for slots in ({s.ERASE_OK: "no", s.ARMED: "erase:1"}, {s.ERASE_OK: "yes"}):
        messages, events = run_action(a.ActionLoopErase(), make_tracker(slots=slots, sender_id=HER,
                                                                        events=_user_events(1)))
        assert "verwijder niets" in _said(messages)
        assert all(e.get("name") != "privacy_erase" for e in events)
    assert get_registration(ref).name == "Fatima Zwanenburg"


# ---------------------------------------------------------------- callback requests and messages
def _cb(form: str, slot: str, text: str, slots: dict[str, Any] | None = None, cls=a.ValidateLoopCallbackForm,
        intent: str = "nlu_fallback"):
    messages, events = run_action(cls(), form_tracker(form, slot, text, slots, intent=intent))
    return _said(messages), _events(events)


def test_callback_consent_yes_no_and_unclear():
    said, values = _cb(s.CALLBACK_FORM, s.CB_CONSENT, "Ja, dat is goed")
    assert values[s.CB_CONSENT] is True and values[s.CB_CONSENT_VERSION].startswith("cb1-365d-")
    assert values[s.CB_INSTANCE] and values[s.CB_CONSENT_AT]
    said, values = _cb(s.CALLBACK_FORM, s.CB_CONSENT, "Nee, liever niet", intent="deny")
    assert values[s.CB_CONSENT] is False and values[s.CB_OUTCOME] == "no_consent" and "bewaar ik niets" in said
    assert values.get("requested_slot") is None  # the form ends
    # unclear (a typed payload, a phone number): asked once more, nothing stored ...
    said, values = _cb(s.CALLBACK_FORM, s.CB_CONSENT, "/affirm")
    assert values[s.CB_CONSENT] is None and s.CB_OUTCOME not in values and "weet niet zeker" in said
    said, values = _cb(s.CALLBACK_FORM, s.CB_CONSENT, "0612345678")
    assert values[s.CB_CONSENT] is None and s.CB_OUTCOME not in values
    # ... and unclear a second time in the same form: nothing is stored, the form ends
    earlier = [{"event": "active_loop", "name": s.CALLBACK_FORM},
               {"event": "bot", "text": "Ik weet niet zeker of je dat goed vindt."}]
    messages, events = run_action(a.ValidateLoopCallbackForm(), form_tracker(
        s.CALLBACK_FORM, s.CB_CONSENT, "misschien", earlier=earlier))
    values = _events(events)
    assert values[s.CB_CONSENT] is False and values[s.CB_OUTCOME] == "no_consent"
    assert "bewaar ik niets" in _said(messages)
    _, values = _cb(s.MESSAGE_FORM, s.CB_CONSENT, "ja", cls=a.ValidateLoopMessageForm)
    assert values[s.CB_CONSENT_VERSION].startswith("msg1-")


def test_callback_phone_and_moment_are_validated():
    said, values = _cb(s.CALLBACK_FORM, s.CB_PHONE, "0612")
    assert values[s.CB_PHONE] is None and "klopt niet" in said
    _, values = _cb(s.CALLBACK_FORM, s.CB_PHONE, "06 87654321")
    assert values[s.CB_PHONE] == "+31687654321"
    _, values = _cb(s.CALLBACK_FORM, s.CB_MOMENT, "Middag")
    assert values[s.CB_MOMENT] == "'s middags"


def test_message_is_validated():
    said, values = _cb(s.MESSAGE_FORM, s.CB_MESSAGE, "x" * 2001, cls=a.ValidateLoopMessageForm)
    assert values[s.CB_MESSAGE] is None and "te lang" in said
    _, values = _cb(s.MESSAGE_FORM, s.CB_MESSAGE, "Ik heb een vraag over de huur", cls=a.ValidateLoopMessageForm)
    assert values[s.CB_MESSAGE] == "Ik heb een vraag over de huur"


def _consented(**slots) -> dict[str, Any]:
    return {s.CB_CONSENT: True, s.CB_CONSENT_AT: "2026-12-01T09:00:00+00:00", s.CB_CONSENT_VERSION: "cb1-365d-x",
            s.CB_INSTANCE: "abc", **slots}


def test_callback_request_is_stored_as_its_own_case_and_the_slots_forgotten():
    messages, events = run_action(a.ActionLoopCallbackSubmit(), make_tracker(
        slots=_consented(**{s.CB_PHONE: "+31687654321", s.CB_MOMENT: "'s middags"}), sender_id=OTHER))
    said = _said(messages)
    [case] = parent_access.cases_for_sender([sender_key(OTHER)])
    assert case.kind == "callback" and case.status == "new" and case.reference in said and "'s middags" in said
    assert messages[0]["answer_id"] == "callback"
    assert all(v is None for v in _events(events).values())
    # the same form instance again (a re-delivered message) stores nothing new
    run_action(a.ActionLoopCallbackSubmit(), make_tracker(
        slots=_consented(**{s.CB_PHONE: "+31687654321", s.CB_MOMENT: "'s middags"}), sender_id=OTHER))
    assert len(list_registrations()) == 1


def test_without_consent_nothing_is_stored():
    messages, _ = run_action(a.ActionLoopCallbackSubmit(), make_tracker(
        slots={s.CB_CONSENT: False, s.CB_OUTCOME: "no_consent", s.CB_PHONE: "+31687654321"}, sender_id=OTHER))
    assert messages == [] and list_registrations() == []


def test_message_goes_to_her_open_registration_thread():
    ref = _register()
    messages, _ = run_action(a.ActionLoopCallbackSubmit(), make_tracker(
        slots=_consented(**{s.CB_MESSAGE: "Kunnen jullie na drie uur bellen?"}), sender_id=HER))
    assert ref in _said(messages) and "doorgestuurd" in _said(messages)
    assert len(list_registrations()) == 1 and parent_access.count_messages(ref) == 1


def test_message_without_registration_becomes_a_case():
    run_action(a.ActionLoopCallbackSubmit(), make_tracker(
        slots=_consented(**{s.CB_MESSAGE: "Ik heb een vraag"}), sender_id=OTHER))
    [case] = list_registrations()
    assert case.phone is None and parent_access.count_messages(case.reference) == 1


def test_the_action_server_registers_every_loop_action_of_the_domain():
    from rasa_sdk.executor import ActionExecutor

    from tests.helpers import domain

    executor = ActionExecutor()
    executor.register_package("actions")  # fails on an abstract or duplicate action
    loop_actions = [name for name in domain()["actions"] if name.startswith(("action_loop", "validate_loop",
                                                                              "action_ask_cb", "action_ask_loop"))]
    assert len(loop_actions) >= 15
    missing = [name for name in loop_actions + ["action_registration_withdraw", "validate_registration_withdraw_form",
                                                "action_ask_reg_withdraw_ok"] if name not in executor.actions]
    assert missing == []
