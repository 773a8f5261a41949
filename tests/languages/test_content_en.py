"""English cards and answers (issue 11 item 2): the same cards, read through their en: blocks."""

from __future__ import annotations

from actions.offerings import ActionOfferingDetail, ActionShowOffering
from bot.content import cards
from bot.languages.localize import figures
from tests.helpers import make_tracker, run_action


def test_every_offering_card_exists_in_english_with_the_same_figures() -> None:
    dutch, english = cards("nl"), cards("en")
    assert dutch.keys() == english.keys()
    for cid, nl in dutch.items():
        en = english[cid]
        assert en.lang == "en" and en.intent == nl.intent and en.sources == nl.sources
        for field in ("summary", "for_whom", "costs", "how_to_get", "contact"):
            assert figures(getattr(en, field)) == figures(getattr(nl, field)), f"{cid}.{field}"


def test_offering_action_answers_in_the_conversation_language() -> None:
    tracker = make_tracker("info_kraamzorg", "who pays for maternity care", slots={"language": "en"})
    messages, _ = run_action(ActionShowOffering(), tracker)
    assert messages[-1]["text"].startswith("*Kraamzorg (maternity care)*") and "Source:" in messages[-1]["text"]
    assert [b["title"] for b in messages[-1]["buttons"]][:2] == ["How do I get it?", "Is this for me?"]
    dutch, _ = run_action(ActionShowOffering(), make_tracker("info_kraamzorg", "kraamzorg"))
    assert dutch[-1]["text"].startswith("*Kraamzorg*") and "Bron:" in dutch[-1]["text"]


def test_offering_detail_in_english() -> None:
    tracker = make_tracker("offering_how", "how do I get it", slots={"language": "en", "offering": "homestart"})
    messages, _ = run_action(ActionOfferingDetail(), tracker)
    assert "how to get it" in messages[0]["text"] and "010 267 26 53" in messages[-1]["text"]


def test_referral_cards_and_contacts_in_english() -> None:
    from actions.referrals import ActionShowReferral
    from bot.contacts import contact_line, contacts
    from bot.referrals import referrals

    assert referrals("en").keys() == referrals("nl").keys()
    assert contacts("en").keys() == contacts("nl").keys()
    assert contact_line("aanmeldpunt", lang="en") == "*Aanmeldpunt Moeders van Rotterdam*: call 010 267 26 53."
    assert contact_line("vraagwijzer") == "*Vraagwijzer (gemeente Rotterdam)*: bel 14 010."
    tracker = make_tracker("info_kinderbijslag", "how do I get child benefit", slots={"language": "en"})
    messages, _ = run_action(ActionShowReferral(), tracker)
    text = "\n\n".join(m["text"] for m in messages)  # a long card is sent as short messages (issue 16)
    assert text.startswith("*Kinderbijslag (child benefit)*") and "Who can help you?" in text and "Source:" in text
    assert [b["title"] for b in messages[-1]["buttons"]][0] == "How do I arrange it?"
    dutch, _ = run_action(ActionShowReferral(), make_tracker("info_kinderbijslag", "kinderbijslag"))
    assert "Wie helpt je?" in "\n\n".join(m["text"] for m in dutch)


def test_clarify_and_several_needs_in_english() -> None:
    from actions.conversation import ActionClarify, ActionSeveralNeeds

    ranking = [("kraamzorg_check", 0.4), ("find_group", 0.3)]
    tracker = make_tracker("nlu_fallback", "something unclear", slots={"language": "en"}, ranking=ranking)
    messages, _ = run_action(ActionClarify(), tracker)
    assert messages[0]["text"].startswith("I am not sure what you mean")
    assert [b["title"] for b in messages[0]["buttons"]] == ["Paying kraamzorg", "Groups nearby", "Talk to someone"]
    tracker = make_tracker("several_needs", "kraamzorg and groups", slots={"language": "en"})
    tracker.latest_message["needs"] = ["kraamzorg_check", "find_group"]
    messages, _ = run_action(ActionSeveralNeeds(), tracker)
    assert messages[0]["text"].startswith("I hear two things:")
