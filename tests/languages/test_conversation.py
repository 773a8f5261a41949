"""The conversation language: rules (bot/languages/conversation.py) and actions (actions/languages.py)."""

from __future__ import annotations

import pytest

from actions.languages import ActionChooseLanguage, ActionOtherLanguage
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


def test_language_hook_sets_the_slots_and_offers_before_the_answer() -> None:
    """action_validate_slot_mappings (Rasa's hook after slot extraction, every message) sets the
    language slots and sends the offer in the same turn, before the answer: one action call."""
    from rasa_sdk import Tracker

    from actions.languages import ActionValidateSlotMappings

    def tracker(before: list[dict], slots: dict | None = None, verdict: dict = EN) -> Tracker:
        latest = {"text": "I have no money for baby things", "language": verdict}
        evts = [*before, {"event": "user", "text": latest["text"], "parse_data": latest}]
        return Tracker("s", slots or {}, latest, evts, False, None, None, "action_listen")

    messages, events = run_action(ActionValidateSlotMappings(), tracker([]))
    assert [m["text"] for m in messages] == [offer_text()]
    assert [b["title"] for b in messages[0]["buttons"]] == ["Nederlands", "English"]
    assert {e["name"]: e["value"] for e in events} == {"language": "en", "language_offered": True}
    # offered in an earlier turn (back in Dutch since): English again, but no second offer
    earlier = [{"event": "user", "text": "hello there friend"}]
    messages, events = run_action(ActionValidateSlotMappings(),
                                  tracker(earlier, {"language": "nl", "language_offered": True}))
    assert messages == [] and {e["name"]: e["value"] for e in events} == {"language": "en", "language_offered": True}
    # "English" typed: the choice answers (action_choose_language), no offer
    messages, events = run_action(ActionValidateSlotMappings(), tracker([], verdict={"lang": "en", "reason": "choice"}))
    assert messages == [] and {e["name"]: e["value"] for e in events} == {
        "language": "en", "language_chosen": True, "language_offered": True}
    # too short to tell: nothing
    messages, events = run_action(ActionValidateSlotMappings(), tracker([], verdict=SHORT))
    assert messages == [] and events == []
    # the second English message changes nothing
    second = make_tracker("thank", "thanks a lot for this", slots={"language": "en", "language_offered": True})
    second.latest_message["language"] = EN
    messages, events = run_action(ActionValidateSlotMappings(), second)
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
