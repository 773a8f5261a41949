"""Answer ids from tracker events and judging of bot/devtools/eval_answers.py (no Rasa running)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.devtools.eval_answers import (
    ROOT,
    Item,
    judge,
    load_map,
    load_set,
    per_theme,
    replies_from_events,
    split_ids,
    unknown_labels,
)

AMAP = load_map()


def _user(intent: str = "greet") -> dict:
    return {"event": "user", "text": "x", "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}


def _bot(text: str, **meta) -> dict:
    return {"event": "bot", "text": text, "data": {"buttons": meta.pop("buttons", [])}, "metadata": meta}


def _action(name: str) -> dict:
    return {"event": "action", "name": name}


def test_tagged_answer_id_wins_and_multi_is_split() -> None:
    events = [_action("action_listen"), _user("several_needs"), _action("action_several_needs"),
              _bot("Ik hoor twee dingen", answer_id="multi:kraamzorg_check+offering:homestart")]
    replies = replies_from_events(events, AMAP)
    assert replies[0].ids == ["kraamzorg_check", "offering:homestart"]
    assert split_ids("offering:homestart") == ["offering:homestart"]


def test_only_the_last_turn_counts() -> None:
    events = [_user(), _action("utter_greet"), _bot("Hoi", utter_action="utter_greet"),
              _user("thank"), _action("utter_thank"), _bot("Graag gedaan", utter_action="utter_thank")]
    assert [r.ids for r in replies_from_events(events, AMAP)] == [["thanks"]]


def test_response_names_and_unknown_responses() -> None:
    events = [_user(), _action("kraamzorg_form"), _bot("Woon je in Rotterdam?", utter_action="utter_ask_kz_in_rotterdam"),
              _action("utter_something_new"), _bot("?", utter_action="utter_something_new")]
    assert [r.ids for r in replies_from_events(events, AMAP)] == [["kraamzorg_check"], ["utter_something_new"]]


def test_legacy_actions_use_the_slot_set_after_the_message() -> None:
    events = [_user("info_homestart"), _action("action_show_offering"), _bot("*Home-Start* ..."),
              {"event": "slot", "name": "offering", "value": "homestart"}]
    assert replies_from_events(events, AMAP)[0].ids == ["offering:homestart"]
    detail_without_card = [_user("offering_how"), _action("action_offering_detail"), _bot("Over welke hulp?")]
    assert replies_from_events(detail_without_card, AMAP)[0].ids == ["clarify"]
    safety = [_user("safety_medical"), _action("action_safety"), _bot("Bel 112")]
    assert replies_from_events(safety, AMAP)[0].ids == ["safety:medical"]
    unknown = [_user(), _action("action_new_thing"), _bot("Nieuw")]
    assert replies_from_events(unknown, AMAP)[0].ids == ["untagged:action_new_thing"]


def _item(labels: tuple[str, ...], all_required: bool = False, theme: str = "t") -> Item:
    return Item(text="x", theme=theme, labels=labels, all_required=all_required)


def test_judge_expect_is_any_and_expect_all_is_every() -> None:
    events = [_user(), _action("action_several_needs"),
              _bot("...", answer_id="multi:kraamzorg_check+offering:babystartpakket")]
    replies = replies_from_events(events, AMAP)
    assert judge(_item(("homestart", "babystartpakket")), replies, AMAP).hit
    assert judge(_item(("kraamzorg_check", "babystartpakket"), True), replies, AMAP).hit
    missed = judge(_item(("kraamzorg_check", "homestart"), True), replies, AMAP)
    assert not missed.hit and missed.missing == ["homestart"]


def test_a_clarifying_question_with_the_right_button_is_no_answer() -> None:
    events = [_user("nlu_fallback"), _action("action_clarify"),
              _bot("Bedoel je een van deze?", answer_id="clarify", buttons=[{"title": "Home-Start"}])]
    replies = replies_from_events(events, AMAP)
    assert not judge(_item(("homestart",)), replies, AMAP).hit
    assert judge(_item(("clarify",)), replies, AMAP).hit


def test_wildcards_and_unknown_labels() -> None:
    events = [_user(), _action("action_referral"), _bot("SVB", answer_id="referral:kinderbijslag")]
    replies = replies_from_events(events, AMAP)
    assert judge(_item(("referral:anders",)), replies, AMAP).hit
    assert not judge(_item(("referral:zorgtoeslag",)), replies, AMAP).hit
    assert unknown_labels([_item(("homestart", "no_such_label"))], AMAP) == ["no_such_label"]


def test_per_theme_rates() -> None:
    hit = judge(_item(("greeting",), theme="a"), replies_from_events(
        [_user(), _action("utter_greet"), _bot("Hoi", utter_action="utter_greet")], AMAP), AMAP)
    miss = judge(_item(("thanks",), theme="a"), [], AMAP)
    table = per_theme([hit, miss])
    assert table["a"] == {"n": 2, "hits": 1, "rate": 0.5} and table["ALL"]["hits"] == 1


def test_load_set_accepts_list_and_mapping(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("- text: hoi\n  theme: basics\n  expect: [greeting]\n")
    (tmp_path / "b.yml").write_text("messages:\n- text: hoi\n  theme: basics\n  expect_all: greeting\n  need: groet\n")
    assert load_set(tmp_path / "a.yml")[0].labels == ("greeting",)
    item = load_set(tmp_path / "b.yml")[0]
    assert item.all_required and item.labels == ("greeting",) and item.need == "groet"
    (tmp_path / "c.yml").write_text("- text: hoi\n  theme: basics\n")
    with pytest.raises(ValueError, match="no expect"):
        load_set(tmp_path / "c.yml")


def test_every_brief_label_is_mapped() -> None:
    offerings = [p.stem for p in (ROOT / "content" / "offerings").glob("*.yml")]
    labels = [*offerings, "kraamzorg_check", "registration", "find_group", "human", "greeting", "thanks", "goodbye",
              "capabilities", "bot_challenge", "baby_loss", "low_mood", "lonely", "cjg", "clarify"]
    assert not unknown_labels([_item(tuple(labels))], AMAP)


def test_the_evaluation_stack_sends_the_action_server_token() -> None:
    """Without the token the hardened action server refuses every action (all answers: the apology)."""
    import yaml

    from bot.devtools.eval_answers import EVAL_ENDPOINTS

    repo = yaml.safe_load((Path(__file__).resolve().parents[2] / "endpoints.yml").read_text(encoding="utf-8"))
    assert yaml.safe_load(EVAL_ENDPOINTS)["action_endpoint"] == repo["action_endpoint"]


@pytest.mark.parametrize("path", sorted((ROOT / "eval" / "sets").glob("*_answers.yml")) + [
    ROOT / "tests" / "nlu" / "independent.yml"], ids=lambda p: p.name)
def test_every_committed_answer_set_loads_with_known_labels(path: Path) -> None:
    items = load_set(path)
    assert len(items) >= 100 and not unknown_labels(items, AMAP)
