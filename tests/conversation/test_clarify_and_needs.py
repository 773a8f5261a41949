"""Clarify as the last resort and one answer to several needs (bot/conversation.py, actions/conversation.py)."""

from __future__ import annotations

import pytest

from actions.conversation import ActionClarify, ActionSeveralNeeds
from bot.content import MAX_MESSAGE_TEXT, cards
from bot.conversation import TextsError, close_topics, several_needs_answer, texts, validate_texts
from bot.intents import topic_label
from tests.helpers import make_tracker, run_action

PHONE = "010 267 26 53"


def test_close_topics_only_near_the_best() -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.55}, {"name": "info_homestart", "confidence": 0.30},
               {"name": "feel_lonely", "confidence": 0.20}, {"name": "info_nu_niet_zwanger", "confidence": 0.05},
               {"name": "kraamzorg_check", "confidence": 0.04}]
    titles = [b["title"] for b in close_topics(ranking, topic_label)]
    assert titles == ["Home-Start", "Ik voel me alleen"]
    far = [{"name": "info_homestart", "confidence": 0.6}, {"name": "info_nu_niet_zwanger", "confidence": 0.1}]
    assert [b["title"] for b in close_topics(far, topic_label)] == ["Home-Start"]
    assert close_topics([{"name": "greet", "confidence": 0.9}], topic_label) == []


def test_clarify_offers_the_human_route_in_the_same_message() -> None:
    tracker = make_tracker(intent="nlu_fallback", text="kinderbijslag",
                           ranking=[("nlu_fallback", 0.55), ("info_nu_niet_zwanger", 0.2), ("info_kraamzorg", 0.18)])
    messages, _ = run_action(ActionClarify(), tracker)
    assert len(messages) == 1
    message = messages[0]
    assert PHONE in message["text"] and message["answer_id"] == "clarify"
    assert message["buttons"][-1]["payload"] == "/request_human"
    assert len(message["buttons"]) <= 3


def test_clarify_without_close_topics_asks_to_rephrase() -> None:
    tracker = make_tracker(intent="nlu_fallback", text="qwerty", ranking=[("nlu_fallback", 0.6), ("greet", 0.3)])
    messages, _ = run_action(ActionClarify(), tracker)
    assert "andere woorden" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/request_human"]


def test_second_miss_goes_to_a_human() -> None:
    earlier = [{"event": "user", "text": "x", "parse_data": {"intent": {"name": "nlu_fallback"}}}]
    messages, _ = run_action(ActionClarify(), make_tracker(intent="nlu_fallback", text="y", events=earlier))
    assert messages[0]["response"] == "utter_human_route"


def test_bare_number_is_asked_about() -> None:
    messages, events = run_action(ActionClarify(), make_tracker(intent="bare_number", text="24"))
    assert "getal" in messages[0]["text"] and messages[0]["answer_id"] == "clarify"
    assert events == []  # nothing read as a postcode or an age


def test_several_needs_in_one_short_answer() -> None:
    text, buttons, answer_id = several_needs_answer(["kraamzorg_check", "info_babystartpakket", "info_homestart"])
    assert text.startswith("Ik hoor drie dingen:") and "Waar wil je mee beginnen?" in text
    assert answer_id == "multi:kraamzorg_check+offering:babystartpakket+offering:homestart"
    assert [b["payload"] for b in buttons] == ["/kraamzorg_check", "/info_babystartpakket", "/info_homestart"]
    assert "Bron:" in text and len(text) <= MAX_MESSAGE_TEXT


@pytest.mark.parametrize("card_id", sorted(cards()))
def test_every_card_fits_in_a_three_needs_answer(card_id: str) -> None:
    text, buttons, _ = several_needs_answer([cards()[card_id].intent, "kraamzorg_check", "find_group"])
    assert len(text) <= MAX_MESSAGE_TEXT and len(buttons) == 3
    assert all(len(b["title"]) <= 20 for b in buttons)


def test_several_needs_skips_unknown_and_duplicate_needs() -> None:
    text, buttons, answer_id = several_needs_answer(["info_bestaat_niet", "find_group", "find_group"])
    assert answer_id == "find_group" and len(buttons) == 1
    assert several_needs_answer(["info_bestaat_niet"]) is None


def test_action_several_needs() -> None:
    tracker = make_tracker(intent="several_needs", text="...")
    tracker.latest_message["needs"] = ["feel_lonely", "kraamzorg_check"]
    messages, _ = run_action(ActionSeveralNeeds(), tracker)
    assert messages[0]["answer_id"] == "multi:lonely+kraamzorg_check"
    assert messages[0]["text"].startswith("Ik hoor twee dingen:")


def test_texts_file_is_valid_and_checked() -> None:
    data = texts()
    assert data["needs"]["request_human"]["line"]
    with pytest.raises(TextsError, match="no source"):
        validate_texts({**data, "figures": []})
    with pytest.raises(TextsError, match="missing"):
        validate_texts({**data, "clarify": {}})


def _needs_tracker(needs: list[str]):
    tracker = make_tracker(intent="several_needs", text="...")
    tracker.latest_message["needs"] = needs
    return tracker


def test_short_replies_open_and_close_around_the_needs() -> None:
    messages, _ = run_action(ActionSeveralNeeds(), _needs_tracker(["thank", "bot_challenge", "kraamzorg_check"]))
    assert [m.get("response") or m.get("answer_id") for m in messages] == [
        "utter_bot_challenge", "kraamzorg_check", "utter_thank"]
    assert messages[1]["text"].startswith("Je vroeg ook naar:")


def test_thanks_and_goodbye() -> None:
    messages, _ = run_action(ActionSeveralNeeds(), _needs_tracker(["goodbye", "thank"]))
    assert [m["response"] for m in messages] == ["utter_thank", "utter_goodbye"]


class _LowMood:
    """Stands in for the wellbeing conversation's action (tested in its own suite)."""

    def name(self) -> str:
        return "action_low_mood"

    def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="Veel ouders voelen zich somber.", answer_id="low_mood")
        return [{"event": "followup", "name": "action_listen"}]


def test_a_conversation_of_its_own_goes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    import actions.conversation as conversation

    monkeypatch.setitem(conversation.CONVERSATIONS, "low_mood", _LowMood)
    messages, events = run_action(ActionSeveralNeeds(), _needs_tracker(["find_group", "low_mood"]))
    assert [m.get("answer_id") for m in messages] == ["low_mood", "find_group"]
    assert events == []  # the conversation's own follow-up does not apply inside this answer


def test_no_pregnancy_cards_next_to_a_baby_loss(monkeypatch: pytest.MonkeyPatch) -> None:
    import actions.conversation as conversation

    class _Loss(_LowMood):
        def run(self, dispatcher, tracker, domain):
            dispatcher.utter_message(text="Wat verdrietig.", answer_id="baby_loss")
            return [{"event": "slot", "name": "baby_loss", "value": True}]

    monkeypatch.setitem(conversation.CONVERSATIONS, "baby_loss", _Loss)
    messages, events = run_action(ActionSeveralNeeds(),
                                  _needs_tracker(["baby_loss", "info_babystartpakket", "request_registration",
                                                  "kraamzorg_check"]))
    assert [m.get("answer_id") for m in messages] == ["baby_loss", "kraamzorg_check"]  # no registration either
    assert "Babystartpakket" not in messages[1]["text"]
    assert events == [{"event": "slot", "name": "baby_loss", "value": True}]


# ---------------------------------------------------------------- back to the other needs


def test_after_one_need_is_answered_the_others_are_named_again() -> None:
    from actions.messages import OPEN_NEEDS_SLOT
    from actions.offerings import ActionShowOffering
    from actions.referrals import ActionShowReferral

    _, events = run_action(ActionSeveralNeeds(), _needs_tracker(["info_homestart", "info_debts", "kraamzorg_check"]))
    opened = [e["value"] for e in events if e.get("name") == OPEN_NEEDS_SLOT]
    assert opened == [["info_homestart", "info_debts", "kraamzorg_check"]]
    # she taps Home-Start: the card, then the two others with their buttons
    messages, events = run_action(ActionShowOffering(), make_tracker(
        intent="info_homestart", text="/info_homestart", slots={OPEN_NEEDS_SLOT: opened[0]}))
    assert messages[-1]["text"].startswith("Je noemde ook:") and "schulden" in messages[-1]["text"]
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/info_debts", "/kraamzorg_check"]
    left = [e["value"] for e in events if e.get("name") == OPEN_NEEDS_SLOT]
    assert left == [["info_debts", "kraamzorg_check"]]
    # then debts: the last one is named; after that nothing is left to remind
    messages, events = run_action(ActionShowReferral(), make_tracker(
        intent="info_debts", text="/info_debts", slots={OPEN_NEEDS_SLOT: left[0]}))
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/kraamzorg_check"]
    messages, events = run_action(ActionShowReferral(), make_tracker(
        intent="info_debts", text="/info_debts", slots={OPEN_NEEDS_SLOT: ["info_debts"]}))
    assert not messages[-1]["text"].startswith("Je noemde ook:")
    assert {"event": "slot", "name": OPEN_NEEDS_SLOT, "value": None, "timestamp": None} in events


def test_lonely_and_low_mood_answers_also_name_the_other_needs_again() -> None:
    from actions.messages import OPEN_NEEDS_SLOT
    from actions.wellbeing import ActionFeelLonely, ActionLowMood

    open_needs = ["feel_lonely", "info_debts", "info_babyspullen"]
    messages, events = run_action(ActionFeelLonely(), make_tracker(
        intent="feel_lonely", text="/feel_lonely", slots={OPEN_NEEDS_SLOT: open_needs}))
    assert messages[0]["response"] == "utter_feel_lonely"
    assert messages[-1]["text"].startswith("Je noemde ook:")
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/info_debts", "/info_babyspullen"]
    messages, _ = run_action(ActionLowMood(), make_tracker(
        intent="low_mood", text="/low_mood", slots={OPEN_NEEDS_SLOT: ["low_mood", "info_babyspullen"]}))
    assert messages[-1]["text"].startswith("Je noemde ook:")
    # without a menu before it: the answer alone
    messages, events = run_action(ActionFeelLonely(), make_tracker(intent="feel_lonely", text="ik voel me alleen"))
    assert len(messages) == 1 and events == []


def test_low_mood_inside_a_several_needs_answer_reminds_of_no_earlier_menu() -> None:
    from actions.messages import OPEN_NEEDS_SLOT

    tracker = _needs_tracker(["low_mood", "info_debts"])
    tracker.slots[OPEN_NEEDS_SLOT] = ["info_homestart", "low_mood"]
    messages, _ = run_action(ActionSeveralNeeds(), tracker)
    assert not any(str(m.get("text") or "").startswith("Je noemde ook:") for m in messages)


def test_a_card_outside_the_open_needs_reminds_of_nothing() -> None:
    from actions.messages import OPEN_NEEDS_SLOT
    from actions.offerings import ActionShowOffering

    messages, events = run_action(ActionShowOffering(), make_tracker(
        intent="info_shantala", text="babymassage", slots={OPEN_NEEDS_SLOT: ["info_debts", "kraamzorg_check"]}))
    assert not any(str(m.get("text") or "").startswith("Je noemde ook:") for m in messages)
    assert not any(e.get("name") == OPEN_NEEDS_SLOT for e in events)


@pytest.mark.parametrize("text", ["binnen hoeveel dagen", "wanneer moet ik dat doen", "aan wie moet ik dat vertellen",
                                  "en hoe lang duurt dat"])
def test_a_short_question_right_after_a_card_is_a_follow_up_not_a_clarify(text: str) -> None:
    from bot.terms import is_follow_up_question

    assert is_follow_up_question(text)
    card = [{"event": "action", "name": "action_show_referral"}, {"event": "bot", "text": "*Geboorteaangifte* ..."},
            {"event": "action", "name": "action_listen"}]
    messages, events = run_action(ActionClarify(), make_tracker(intent="nlu_fallback", text=text, events=card,
                                                                slots={"offering": "geboorteaangifte"}))
    assert messages == [] and events == [{"event": "followup", "name": "action_explain_term", "timestamp": None}]
    # without an answer before it, the same words are asked about
    messages, _ = run_action(ActionClarify(), make_tracker(intent="nlu_fallback", text=text))
    assert messages[0]["answer_id"] == "clarify"


@pytest.mark.parametrize("text", ["ik wil weten wanneer de kinderbijslag komt en hoeveel het is per maand",
                                  "kraamzorg", "hoi"])
def test_not_a_follow_up(text: str) -> None:
    from bot.terms import is_follow_up_question

    assert not is_follow_up_question(text)


def test_is_that_free_right_after_a_menu_asks_which_one_with_the_menus_buttons() -> None:
    """The persona test: "is dat gratis" after a several-needs menu got the card shown before the menu."""
    from actions.messages import OPEN_NEEDS_SLOT
    from actions.offerings import ActionOfferingDetail

    _, events = run_action(ActionSeveralNeeds(), _needs_tracker(["info_babystartpakket", "info_homestart"]))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["offering"] is None
    messages, _ = run_action(ActionOfferingDetail(), make_tracker(
        intent="offering_for_whom", text="is dat gratis", slots={**slots, OPEN_NEEDS_SLOT: slots[OPEN_NEEDS_SLOT]},
        events=[{"event": "bot", "text": "Ik hoor twee dingen"}]))
    assert messages[0]["text"].startswith("Over welke hulp")
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/info_babystartpakket", "/info_homestart",
                                                              "/request_human"]
