"""The conversation language: rules (bot/languages/conversation.py) and actions (actions/languages.py)."""

from __future__ import annotations

import pytest

from actions.languages import ActionChooseLanguage, ActionOtherLanguage, ActionTrackLanguage
from bot.contacts import contact
from bot.languages.conversation import Change, State, next_state
from bot.languages.texts import first_answers, offer_text
from bot.nlu.language_component import CHOOSE_INTENT, OTHER_INTENT, verdict_intent
from tests.helpers import make_tracker, run_action

EN = {"lang": "en", "reason": "function_words"}
NL = {"lang": "nl", "reason": "function_words"}
NL_BY_DEFAULT = {"lang": "nl", "reason": "default"}
SHORT = {"lang": None, "reason": "short"}


def test_first_english_message_switches_and_offers_once() -> None:
    first = next_state(State(), EN)
    assert first == Change({"language": "en", "language_offered": True}, offer=True)
    # back to Dutch automatically, then English again: no second offer
    assert next_state(State("en", offered=True), NL) == Change({"language": "nl"})
    again = next_state(State("nl", offered=True), EN)
    assert again.slots == {"language": "en", "language_offered": True} and not again.offer
    # Dutch only by default ("Yes, I consent", "yes, I live in Charlois"): English stays
    assert next_state(State("en", offered=True), NL_BY_DEFAULT) == Change()


@pytest.mark.parametrize("verdict", [None, {}, SHORT, {"lang": "tr", "reason": "lingua"}])
def test_short_or_other_language_changes_nothing(verdict) -> None:
    assert next_state(State("en", offered=True), verdict) == Change()
    assert next_state(State(), verdict) == Change()


def test_a_choice_sticks() -> None:
    chosen = next_state(State("en", offered=True), {"lang": "nl", "reason": "choice"})
    assert chosen.slots == {"language": "nl", "language_chosen": True, "language_offered": True}
    # she chose Dutch: an English message does not switch any more, and the other way round
    assert next_state(State("nl", chosen=True, offered=True), EN) == Change()
    assert next_state(State("en", chosen=True, offered=True), NL) == Change()
    assert next_state(State("en", chosen=True), {"lang": "nl", "reason": "choice"}).slots["language"] == "nl"


def test_verdict_intents() -> None:
    assert verdict_intent({"lang": "en", "reason": "choice"}) == CHOOSE_INTENT
    assert verdict_intent({"lang": "tr", "reason": "lingua"}) == OTHER_INTENT
    assert verdict_intent(EN) is None and verdict_intent(NL) is None and verdict_intent(SHORT) is None


def test_track_language_action_offers_before_the_answer() -> None:
    """action_track_language sets the slots; Rasa drops a slot mapping action's messages, so the
    offer is sent by action_validate_slot_mappings in the same turn, before the answer."""
    from rasa_sdk import Tracker

    from actions.languages import ActionValidateSlotMappings, offer_due

    tracker = make_tracker("info_babystartpakket", "I have no money for baby things")
    tracker.latest_message["language"] = EN
    messages, events = run_action(ActionTrackLanguage(), tracker)
    assert messages == []
    assert {e["name"]: e["value"] for e in events} == {"language": "en", "language_offered": True}

    def after_extraction(before: list[dict], extracted: list[dict]) -> Tracker:
        latest = {"text": "I have no money for baby things", "language": EN}
        evts = [*before, {"event": "user", "text": latest["text"], "parse_data": latest}, *extracted]
        return Tracker("s", {}, latest, evts, False, None, None, "action_listen")

    turn = [{"event": "slot", "name": "language", "value": "en"},
            {"event": "slot", "name": "language_offered", "value": True}]
    messages, events = run_action(ActionValidateSlotMappings(), after_extraction([], turn))
    assert [m["text"] for m in messages] == [offer_text()] and events == []
    assert [b["title"] for b in messages[0]["buttons"]] == ["Nederlands", "English"]
    # offered in an earlier turn: not again; nothing set this turn: no offer
    earlier = [{"event": "user", "text": "hello there friend"}, *turn]
    assert not offer_due(after_extraction(earlier, turn).events)
    assert not offer_due(after_extraction([], []).events)
    chose = [*turn, {"event": "slot", "name": "language_chosen", "value": True}]
    assert not offer_due(after_extraction([], chose).events)  # "English" typed: the choice answers
    # the second English message: the tracking action changes nothing
    tracker = make_tracker("thank", "thanks a lot for this", slots={"language": "en", "language_offered": True})
    tracker.latest_message["language"] = EN
    messages, events = run_action(ActionTrackLanguage(), tracker)
    assert messages == [] and events == []


@pytest.mark.parametrize(("lang", "start"), [("nl", "Oké"), ("en", "OK")])
def test_choose_language_confirms_in_the_new_language(lang: str, start: str) -> None:
    messages, _ = run_action(ActionChooseLanguage(), make_tracker(CHOOSE_INTENT, "x", slots={"language": lang}))
    assert messages[0]["text"].startswith(start)


@pytest.mark.parametrize("lang", ["tr", "ar", "pl", "es", "fr", "pt", "pap"])
def test_first_answer_in_each_language(lang: str) -> None:
    tracker = make_tracker(OTHER_INTENT, "...")
    tracker.latest_message["language"] = {"lang": lang, "reason": "lingua"}
    messages, _ = run_action(ActionOtherLanguage(), tracker)
    text = messages[0]["text"]
    assert text == first_answers()[lang]["text"]
    assert contact("aanmeldpunt").phone in text and contact("cjg").host in text
    assert [b["title"] for b in messages[0]["buttons"]] == ["Nederlands", "English"]
    assert "{" not in text


def test_first_answers_file_is_checked() -> None:
    import datetime as dt

    from bot.content import ContentError
    from bot.languages.texts import validate_first_answers

    good = "Hallo {phone:aanmeldpunt} {url:cjg}"
    ok = validate_first_answers({"checked": dt.date(2026, 12, 1), "languages": {"tr": {
        "name": "Türkçe", "reviewed": False, "text": good}}})
    assert ok["tr"]["text"] == f"Hallo {contact('aanmeldpunt').phone} {contact('cjg').host}"
    for spec, message in [
        ({"name": "T", "reviewed": False, "text": "Hallo 010 267 26 53 {phone:aanmeldpunt} {url:cjg}"}, "no numbers"),
        ({"name": "T", "reviewed": False, "text": "Hallo {phone:aanmeldpunt}"}, "CJG route"),
        ({"name": "T", "reviewed": "no", "text": good}, "reviewed"),
        ({"name": "T", "reviewed": True, "text": good}, "reviewer"),
    ]:
        with pytest.raises(ContentError, match=message):
            validate_first_answers({"checked": dt.date(2026, 12, 1), "languages": {"tr": spec}})
    with pytest.raises(ContentError, match="not a language"):
        validate_first_answers({"checked": dt.date(2026, 12, 1), "languages": {"xx": {}}})
