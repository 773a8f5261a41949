"""Action tests (rasa_sdk Tracker + CollectingDispatcher): referral cards, the hand-off,
follow-up questions, baby loss (also in the kraamzorg and registration flows) and low mood."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

import actions.kraamzorg as kz_actions
from actions.offerings import ActionOfferingDetail, ActionShowOffering
from actions.referrals import ActionExplainTerm, ActionHuman, ActionShowReferral
from actions.registration import ActionRegistrationStart
from actions.wellbeing import ActionBabyLoss, ActionLowMood, ActionRegistrationChoice
from bot.content import cards, render_detail
from bot.privacy.pseudonym import sender_key
from bot.readability import MAX_MESSAGE_WORDS, split_message, words
from bot.referrals import referrals, render_referral, render_referral_detail
from bot.registration import fields as f
from bot.store.registrations import RegistrationInput, create_registration, get_registration, list_registrations
from bot.terms import render_term, terms
from bot.wellbeing.texts import text_set
from tests.helpers import domain, make_tracker, run_action, store_environment

SENDER = "parent-1"


def _joined(messages: list[dict[str, Any]]) -> str:
    """The texts of one answer sent as several short messages (actions/messages.py)."""
    assert all(len(words(m["text"])) <= MAX_MESSAGE_WORDS for m in messages), messages
    return "\n\n".join(m["text"] for m in messages)
LOSS = {"baby_loss": True}


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch) -> Iterator[str]:
    yield from store_environment(tmp_path, monkeypatch)


def _register(url: str) -> str:
    return create_registration(RegistrationInput(
        name="Fatima", phone="+31612345678", postcode="3072 AB", due_date=dt.date(2027, 3, 1), weeks_pregnant=20,
        help_areas=["Wonen"], reachable="ochtend", channel="rest", sender_key=sender_key(SENDER),
        consent_text_version="1-365d-abc", consent_at=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc),
        idempotency_key="k1",
    ), url=url)


def _slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def _after(action: str, text: str, intent: str = "ask_term", slots: dict[str, Any] | None = None,
           entities: list[dict[str, Any]] | None = None):
    """A tracker with ``action`` as the last answer before her ``text``."""
    events = [{"event": "user", "text": "eerder"}, {"event": "action", "name": action},
              {"event": "action", "name": "action_listen"}]
    return make_tracker(intent=intent, text=text, slots=slots, events=events, entities=entities)


# ------------------------------------------------------------------ referral cards
@pytest.mark.parametrize("card_id", sorted(referrals()))
def test_show_referral_renders_the_card_of_the_intent(card_id: str) -> None:
    ref = referrals()[card_id]
    messages, events = run_action(ActionShowReferral(), make_tracker(intent=ref.intent, text=ref.card.name))
    text, buttons = render_referral(ref)
    assert [m["text"] for m in messages] == split_message(text) and messages[-1]["buttons"] == buttons
    assert all(m["answer_id"] == ref.answer_id for m in messages)
    assert _slots(events) == {"offering": card_id}


def test_show_referral_kinderbijslag_names_the_svb_route() -> None:
    messages, _ = run_action(ActionShowReferral(), make_tracker(intent="info_kinderbijslag"))
    assert "SVB" in _joined(messages) and "Mijn SVB" in _joined(messages)
    assert messages[0]["answer_id"] == "referral:kinderbijslag"


def test_cjg_card_says_what_it_is_and_how_to_reach_it() -> None:
    messages, _ = run_action(ActionShowReferral(), make_tracker(intent="info_cjg", text="hoe bereik ik het cjg"))
    text = _joined(messages)
    assert messages[0]["answer_id"] == "cjg"
    assert "opvoeden" in text and "cjgrijnmond.nl" in text and "bij jou in de buurt" in text


def test_unknown_intent_explains_what_the_bot_can_do() -> None:
    messages, events = run_action(ActionShowReferral(), make_tracker(intent="info_bestaat_niet"))
    assert messages[0]["response"] == "utter_capabilities" and events == []


def test_offering_detail_answers_for_a_referral_card() -> None:
    tracker = make_tracker(intent="offering_how", text="hoe vraag ik dat aan", slots={"offering": "zorgverzekering"})
    messages, _ = run_action(ActionOfferingDetail(), tracker)
    ref = referrals()["zorgverzekering"]
    assert [m["text"] for m in messages] == split_message(render_referral_detail(ref, "how")[0])
    assert messages[0]["answer_id"] == "referral:zorgverzekering"
    tracker = make_tracker(intent="offering_for_whom", slots={"offering": "zorgverzekering"})
    messages, _ = run_action(ActionOfferingDetail(), tracker)
    assert ref.card.for_whom in _joined(messages)


def test_offering_detail_right_after_the_kraamzorg_outcome_is_a_follow_up() -> None:
    _, events = run_action(ActionOfferingDetail(), _after("action_kraamzorg_result", "hoe vraag ik dat aan",
                                                          intent="offering_how"))
    assert events == [{"event": "followup", "name": "action_kraamzorg_more", "timestamp": None}]


# ------------------------------------------------------------------ the hand-off
def test_human_gives_the_aanmeldpunt_number_and_the_cjg_route_with_buttons() -> None:
    messages, _ = run_action(ActionHuman(), make_tracker(intent="request_human"))
    text = _joined(messages)
    assert all(m["answer_id"] == "human" for m in messages)
    assert "zwanger" in text and "010 267 26 53" in text
    assert "geboren" in text and "cjgrijnmond.nl" in text and "14 010" in text
    assert [b["payload"] for b in messages[-1]["buttons"]] == [
        "/request_callback", "/leave_message", "/request_registration", "/info_cjg", "/ask_capabilities"]
    assert "terugbelt" in text  # the aanmeldpunt's callback offer (issue 13)
    # No sourced opening hours: honest that it cannot say when someone is there, and no hours named.
    assert "niet zeggen wanneer er iemand van het aanmeldpunt aan het werk is" in text
    assert not re.search(r"\b\d{1,2}[.:]\d{2}\b|\b\d{1,2} uur\b", text)
    assert text.endswith(text_set("handoff").source_tag) and "FACTS" not in text


def test_human_after_a_loss_offers_no_registration() -> None:
    messages, _ = run_action(ActionHuman(), make_tracker(intent="request_human", slots=LOSS))
    text = messages[0]["text"]
    assert "huisarts" in text and "oudersoverledenkind.nl" in text and "zwanger" not in text
    assert "/request_registration" not in [b["payload"] for b in messages[0]["buttons"]]


# ------------------------------------------------------------------ follow-up questions
@pytest.mark.parametrize(
    "question,term_id",
    [
        ("wat is een pro formafactuur", "pro_formafactuur"),
        ("waar vind ik dat formulier", "formulier_bijzondere_bijstand"),
        ("wat is de vraagwijzer", "vraagwijzer"),
        ("moet ik het voor de bevalling aanvragen of erna", "wanneer_aanvragen"),
    ],
)
def test_follow_ups_after_the_kraamzorg_outcome(question: str, term_id: str) -> None:
    messages, _ = run_action(ActionExplainTerm(), _after("action_kraamzorg_result", question))
    assert all(m["answer_id"] == f"term:{term_id}" for m in messages)
    assert [m["text"] for m in messages] == split_message(render_term(terms()[term_id]))
    payloads = [b["payload"] for b in messages[-1]["buttons"]]
    assert payloads[-1] == "/request_human" and len(payloads) <= 3
    assert all(term_id not in p for p in payloads)


def test_term_chosen_with_a_button() -> None:
    tracker = _after("action_kraamzorg_result", '/ask_term{"term": "eigen_bijdrage"}',
                     entities=[{"entity": "term", "value": "eigen_bijdrage"}])
    messages, _ = run_action(ActionExplainTerm(), tracker)
    assert messages[0]["answer_id"] == "term:eigen_bijdrage"
    forged = _after("action_kraamzorg_result", "x", entities=[{"entity": "term", "value": "<script>"}])
    messages, _ = run_action(ActionExplainTerm(), forged)
    assert messages[0]["answer_id"] == "clarify"  # unknown id: ignored, she is asked which word


def test_follow_up_after_a_card_without_a_matching_term_gives_the_cards_how_to() -> None:
    tracker = _after("action_show_referral", "waar vind ik dat formulier", slots={"offering": "kinderbijslag"})
    messages, _ = run_action(ActionExplainTerm(), tracker)
    assert [m["text"] for m in messages] == split_message(render_referral_detail(referrals()["kinderbijslag"], "how")[0])
    tracker = _after("action_show_offering", "waar vind ik dat", slots={"offering": "homestart"})
    messages, _ = run_action(ActionExplainTerm(), tracker)
    assert messages[0]["text"] == render_detail(cards()["homestart"], "how")[0][0]
    assert messages[-1]["answer_id"] == "offering:homestart"


def test_term_in_a_card() -> None:
    tracker = _after("action_show_referral", "wat is een bsn?", slots={"offering": "zorgverzekering"})
    messages, _ = run_action(ActionExplainTerm(), tracker)
    assert messages[0]["answer_id"] == "term:bsn"


def test_what_is_the_cjg_shows_the_cjg_card_anywhere() -> None:
    messages, events = run_action(ActionExplainTerm(), make_tracker(intent="ask_term", text="wat is het cjg nou"))
    assert messages[0]["answer_id"] == "cjg" and _slots(events) == {"offering": "cjg"}


def test_unknown_word_without_context_asks_which_word_not_a_restart() -> None:
    messages, events = run_action(ActionExplainTerm(), make_tracker(intent="ask_term", text="waar vind ik dat formulier"))
    assert "Welk woord" in messages[0]["text"] and events == []
    messages, _ = run_action(ActionExplainTerm(), _after("action_kraamzorg_result", "wat betekent dat woord"))
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[0] == '/ask_term{"term": "pro_formafactuur"}' and payloads[-1] == "/request_human"


# ------------------------------------------------------------------ baby loss
def test_baby_loss_acknowledges_first_then_care_and_sets_the_slot() -> None:
    messages, events = run_action(ActionBabyLoss(), make_tracker(intent="baby_loss", text="ik heb een miskraam gehad",
                                                                 sender_id=SENDER))
    texts = text_set("wellbeing/baby_loss")
    assert [m["text"] for m in messages] == [texts.render("acknowledgement"),
                                             *split_message(f"{texts.render('care')}\n\n{texts.source_tag}")]
    assert all(len(m["text"]) <= 1024 for m in messages)
    assert not messages[0]["buttons"]  # the acknowledgement stands alone
    assert all(m["answer_id"] == "baby_loss" for m in messages)
    assert _slots(events) == {"baby_loss": True}
    assert "Gefeliciteerd" not in " ".join(m["text"] for m in messages)


@pytest.mark.parametrize("text", ["mijn vriendin heeft een miskraam gehad, hoe kan ik haar steunen",
                                  "ons kleinkind is bij de geboorte overleden"])
def test_a_loss_told_about_someone_else_speaks_of_jullie(text: str) -> None:
    messages, events = run_action(ActionBabyLoss(), make_tracker(intent="baby_loss", text=text, sender_id=SENDER))
    texts = text_set("wellbeing/baby_loss")
    assert messages[0]["text"] == texts.render("acknowledgement_other") and "jullie" in messages[0]["text"]
    assert _slots(events) == {"baby_loss": True}


def test_baby_loss_with_a_registration_offers_one_clear_choice(store: str) -> None:
    _register(store)
    messages, _ = run_action(ActionBabyLoss(), make_tracker(intent="baby_loss", text="mijn baby is overleden",
                                                            sender_id=SENDER))
    assert len(messages) >= 3 and all(m["answer_id"] == "baby_loss" for m in messages)
    assert [b["payload"] for b in messages[-1]["buttons"]] == [
        "/registration_keep", "/registration_pause", "/withdraw_registration"]


@pytest.mark.parametrize("text", [
    "3 weken geleden bevallen, hij huilt de hele dag en ik huil ook heel veel",
    "ik ben zo verdrietig sinds de geboorte",
])
def test_a_loss_only_the_classifier_heard_is_asked_about_first(text: str) -> None:
    """No condolence for a mother whose baby is alive: without plain words she is asked first."""
    messages, events = run_action(ActionBabyLoss(), make_tracker(intent="baby_loss", text=text, sender_id=SENDER))
    texts = text_set("wellbeing/baby_loss")
    assert [m["text"] for m in messages] == [texts.render("confirm_question")]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/baby_loss", "/low_mood", "/none_of_these"]
    assert events == []  # nothing suppressed yet
    # "Ja" (the button's payload) is certain
    messages, events = run_action(ActionBabyLoss(), make_tracker(intent="baby_loss", text="/baby_loss",
                                                                 sender_id=SENDER))
    assert messages[0]["text"] == texts.render("acknowledgement") and _slots(events) == {"baby_loss": True}


def test_verloren_in_another_sense_is_not_treated_as_a_loss() -> None:
    messages, events = run_action(ActionBabyLoss(), make_tracker(intent="baby_loss", text="ik ben mijn pas verloren"))
    assert messages == []
    assert events == [{"event": "followup", "name": "action_clarify", "timestamp": None}]


@pytest.mark.parametrize("intent,note_key,reply_key", [("registration_keep", "note_kept", "kept"),
                                                       ("registration_pause", "note_paused", "paused")])
def test_keep_or_pause_after_a_loss_tells_the_aanmeldpunt(store: str, intent: str, note_key: str,
                                                          reply_key: str) -> None:
    reference = _register(store)
    tracker = make_tracker(intent=intent, slots=LOSS, sender_id=SENDER)
    messages, _ = run_action(ActionRegistrationChoice(), tracker)
    texts = text_set("wellbeing/baby_loss")
    assert messages[0]["text"] == texts.render(reply_key) and messages[0]["answer_id"] == "baby_loss"
    reg = get_registration(reference, url=store)
    assert [n.text for n in reg.notes] == [texts.render(note_key)]
    assert reg.status == "new" and reg.name == "Fatima"


def test_keep_without_a_loss_adds_no_note_and_without_registration_says_so(store: str) -> None:
    reference = _register(store)
    messages, _ = run_action(ActionRegistrationChoice(), make_tracker(intent="registration_keep", sender_id=SENDER))
    assert "blijft staan" in messages[0]["text"] and get_registration(reference, url=store).notes == []
    messages, _ = run_action(ActionRegistrationChoice(), make_tracker(intent="registration_pause", sender_id="other"))
    assert "geen aanmelding" in messages[0]["text"]


def test_choice_with_the_database_down_changes_nothing(monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:1/nope")
    messages, _ = run_action(ActionRegistrationChoice(), make_tracker(intent="registration_pause", slots=LOSS,
                                                                      sender_id=SENDER))
    assert "storing" in messages[0]["text"] and "010 267 26 53" in messages[0]["text"]


@pytest.mark.parametrize("card_intent", ["info_kinkhoest", "info_zwangerschapsgesprek", "info_sleutel_van_rotterdam"])
def test_no_pregnancy_or_newborn_cards_after_a_loss(card_intent: str) -> None:
    messages, events = run_action(ActionShowOffering(), make_tracker(intent=card_intent, slots=LOSS))
    assert messages[0]["text"] == text_set("wellbeing/baby_loss").render("card_instead")
    assert messages[0]["answer_id"] == "baby_loss" and events == []
    messages, _ = run_action(ActionShowReferral(), make_tracker(intent="info_verloskundige_vinden", slots=LOSS))
    assert messages[0]["answer_id"] == "baby_loss"


def test_support_cards_are_still_shown_after_a_loss() -> None:
    messages, _ = run_action(ActionShowOffering(), make_tracker(intent="info_homestart", slots=LOSS))
    assert "Home-Start" in messages[0]["text"]
    messages, _ = run_action(ActionShowReferral(), make_tracker(intent="info_debts", slots=LOSS))
    assert messages[0]["answer_id"] == "referral:debts"


def test_registration_after_a_loss_asks_no_pregnancy_questions(store: str) -> None:
    messages, events = run_action(ActionRegistrationStart(), make_tracker(intent="request_registration", slots=LOSS))
    assert messages[0]["text"] == text_set("wellbeing/baby_loss").render("registration_instead")
    assert messages[0].get("response") is None  # no registration intro
    assert _slots(events)[f.OUTCOME] == "baby_loss"
    assert list_registrations(url=store) == []
    # The form's validation ends at once when an outcome is set: no question is asked.
    from actions.registration import ValidateRegistrationForm

    tracker = make_tracker(slots={**LOSS, f.OUTCOME: "baby_loss"}, active_loop=f.FORM)
    required = asyncio.run(ValidateRegistrationForm().required_slots(["reg_pregnant"], None, tracker, domain()))
    assert required == []


def test_kraamzorg_check_after_a_loss_skips_the_pregnancy_question(monkeypatch) -> None:
    monkeypatch.setattr(kz_actions, "today", lambda: dt.date(2026, 11, 23))
    slots = {"kz_in_rotterdam": "yes", "kz_insurance": "basic_only", "kz_household": "single_parent",
             "kz_income": "bijstand", "kz_savings": "no", **LOSS}
    tracker = make_tracker(slots=slots, active_loop="kraamzorg_form")
    required = asyncio.run(kz_actions.ValidateKraamzorgForm().required_slots([], None, tracker, domain()))
    assert "kz_pregnancy" not in required and "kz_used_this_year" in required
    without_loss = make_tracker(slots={k: v for k, v in slots.items() if k != "baby_loss"}, active_loop="kraamzorg_form")
    assert "kz_pregnancy" in asyncio.run(kz_actions.ValidateKraamzorgForm().required_slots([], None, without_loss, domain()))
    result = {**slots, "kz_used_this_year": "no", "kz_hours": "unknown"}
    messages, _ = run_action(kz_actions.ActionKraamzorgResult(), make_tracker(slots=result))
    text = "\n".join(m["text"] for m in messages)
    assert "zwanger" not in text.lower() and "week 32" not in text


# ------------------------------------------------------------------ low mood
def test_low_mood_normalises_names_who_to_tell_and_113() -> None:
    messages, _ = run_action(ActionLowMood(), make_tracker(intent="low_mood", text="ik voel me zo somber"))
    text = _joined(messages)
    assert all(m["answer_id"] == "low_mood" for m in messages)
    for needle in ("komt vaak voor", "huisarts", "verloskundige", "CJG", "113", "Home-Start"):
        assert needle in text
    assert text.index("huisarts") < text.index("Home-Start")  # extra support, not the answer
    assert "Bron:" in text and len(text) <= 1024
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/info_homestart", "/find_group", "/request_human"]


def test_low_mood_after_a_loss_points_to_other_parents_not_home_start() -> None:
    messages, _ = run_action(ActionLowMood(), make_tracker(intent="low_mood", slots=LOSS))
    body = _joined(messages).split("Bron:")[0]
    assert "Home-Start" not in body and "oudersoverledenkind.nl" in body
    # the persona test: after a loss no word about the pregnancy or the baby clinic
    assert "zwangerschap" not in body and "consultatiebureau" not in body and "verlies van je kindje" in body


def test_a_loss_told_again_gets_no_second_condolence_block() -> None:
    messages, events = run_action(ActionBabyLoss(), make_tracker(intent="baby_loss", text="ons kindje is overleden",
                                                                 slots=LOSS))
    assert messages[0]["text"].startswith("Het spijt me nog steeds")
    assert "Houden" not in _joined(messages)  # the registration choice is not asked twice
    assert "huisarts" in _joined(messages)  # where to go, once more


@pytest.mark.parametrize("text", ["wat is het verschil tussen pauzeren en intrekken", "pauzeren?"])
def test_a_question_about_the_registration_choice_changes_nothing(store: str, text: str) -> None:
    messages, _ = run_action(ActionRegistrationChoice(), make_tracker(intent="registration_pause", text=text,
                                                                       slots=LOSS))
    assert "Pauzeren" in _joined(messages) and "Houden" in _joined(messages)  # the choice, explained again
    assert "gevraagd te wachten" not in _joined(messages)


def test_what_help_is_there_after_a_loss_offers_no_pregnancy_help() -> None:
    from actions.wellbeing import ActionCapabilities

    messages, _ = run_action(ActionCapabilities(), make_tracker(intent="ask_capabilities", text="welke hulp is er"))
    assert [m.get("response") for m in messages] == ["utter_capabilities"]
    messages, _ = run_action(ActionCapabilities(), make_tracker(intent="ask_capabilities", text="welke hulp is er",
                                                                slots=LOSS))
    text = _joined(messages)
    assert "verlies" in text and "zwangerschap" not in text and "babystartpakket" not in text.lower()
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/baby_loss", "/info_cjg", "/request_human"]
