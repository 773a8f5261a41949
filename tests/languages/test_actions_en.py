"""The hand-off, baby loss and low mood in English (issue 11 item 2), at action level.

The same actions as in Dutch with the conversation language ``en``: English text from the
content file's ``en:`` block, the same phone numbers and button payloads as in Dutch.
"""

from __future__ import annotations

import re

from actions.referrals import ActionHuman
from actions.wellbeing import ActionBabyLoss, ActionLowMood
from bot.languages.localize import figures
from tests.helpers import make_tracker, run_action

EN = {"language": "en"}
LOSS = {"baby_loss": True}


def _both(action: object, **kwargs: object) -> tuple[list[dict], list[dict]]:
    slots = dict(kwargs.pop("slots", {}) or {})  # type: ignore[arg-type]
    english, _ = run_action(action, make_tracker(slots={**slots, **EN}, **kwargs))  # type: ignore[arg-type]
    dutch, _ = run_action(action, make_tracker(slots=slots, **kwargs))  # type: ignore[arg-type]
    return english, dutch


def _joined(messages: list[dict]) -> str:
    return "\n\n".join(m["text"] for m in messages)


def _answers(messages: list[dict]) -> list[list[dict]]:
    """Messages grouped per answer: a long answer is sent as several short messages (issue 16),
    its buttons with the last one; how many depends on the language's word count."""
    groups: list[list[dict]] = [[]]
    for message in messages:
        groups[-1].append(message)
        if message.get("buttons"):
            groups.append([])
    return [g for g in groups if g]


def _same_shape(english: list[dict], dutch: list[dict]) -> None:
    en_answers, nl_answers = _answers(english), _answers(dutch)
    assert len(en_answers) == len(nl_answers)
    for en, nl in zip(en_answers, nl_answers, strict=True):
        assert _joined(en) != _joined(nl)
        assert figures(_joined(en)) == figures(_joined(nl))
        assert [b["payload"] for b in en[-1].get("buttons") or []] == [b["payload"] for b in nl[-1].get("buttons") or []]


def test_human_hand_off_in_english() -> None:
    english, dutch = _both(ActionHuman(), intent="request_human")
    text = _joined(english)
    assert text.startswith("Do you want to talk to a person?")
    assert "Are you pregnant? Call the aanmeldpunt Moeders van Rotterdam: 010 267 26 53" in text
    assert "Has your baby been born?" in text and re.search(r"\nSource: [^\n]+ \(\d\d-\d\d-\d{4}\)$", text)
    assert "Bron:" not in text and "Ben je zwanger" not in text
    assert "I cannot say when someone from the aanmeldpunt is at work." in text and "terugbelt" not in text
    assert [b["title"] for b in english[-1]["buttons"]] == [
        "Call me back", "Send a message", "Register for help", "What is the CJG?", "Other question"]
    _same_shape(english, dutch)


def test_human_hand_off_after_a_loss_in_english() -> None:
    english, dutch = _both(ActionHuman(), intent="request_human", slots=LOSS)
    assert english[0]["text"].startswith("Do you want to talk to someone about what happened?")
    assert "oudersoverledenkind.nl" in _joined(english)
    _same_shape(english, dutch)


def test_baby_loss_in_english() -> None:
    english, dutch = _both(ActionBabyLoss(), intent="baby_loss", text="/baby_loss", sender_id="en-loss")
    assert english[0]["text"].startswith("I am so very sorry that you lost your baby.")
    care = _joined(english[1:])
    assert "For your body: your midwife or your GP" in care and "within 48 hours" in care and "112" in care
    assert "Source:" in care and "Voor je lichaam" not in care
    assert [b["title"] for b in english[-1]["buttons"]] == ["Talk to someone"]
    _same_shape(english, dutch)


def test_a_loss_the_classifier_heard_is_asked_about_in_english() -> None:
    english, dutch = _both(ActionBabyLoss(), intent="baby_loss", text="I cry all day since the birth")
    assert english[0]["text"].startswith("I want to understand you well")
    assert [b["title"] for b in english[0]["buttons"]] == ["Yes", "No, my baby is alive", "Something else"]
    _same_shape(english, dutch)


def test_low_mood_in_english() -> None:
    english, dutch = _both(ActionLowMood(), intent="low_mood", text="I feel so low")
    text = _joined(english)
    for needle in ("It happens a lot", "your GP", "your midwife", "CJG", "113", "Home-Start", "Source:"):
        assert needle in text
    assert "komt vaak voor" not in text
    assert [b["title"] for b in english[-1]["buttons"]] == ["Home-Start", "Groups near you", "Talk to someone"]
    _same_shape(english, dutch)


def test_low_mood_after_a_loss_in_english() -> None:
    english, dutch = _both(ActionLowMood(), intent="low_mood", slots=LOSS)
    assert "Other parents who lost their baby" in _joined(english)
    assert [b["title"] for b in english[-1]["buttons"]] == ["What is the CJG?", "Talk to someone"]
    _same_shape(english, dutch)


def test_a_follow_up_term_is_explained_in_english() -> None:
    from actions.referrals import ActionExplainTerm

    picked = [{"entity": "term", "value": "eigen_bijdrage"}]
    english, dutch = _both(ActionExplainTerm(), intent="ask_term", text='/ask_term{"term": "eigen_bijdrage"}',
                           entities=picked)
    text = _joined(english)
    assert text.startswith("*Own contribution*\nMaternity care is paid by your health insurance.")
    assert "Source:" in text and "Bron:" not in text
    assert english[-1]["buttons"][-1]["title"] == "Talk to someone"
    _same_shape(english, dutch)


def test_an_unknown_word_is_asked_about_in_english() -> None:
    from actions.referrals import ActionExplainTerm

    english, dutch = _both(ActionExplainTerm(), intent="ask_term", text="what does xyzzy mean")
    assert english[0]["text"].startswith("Which word or step do you mean?")
    assert "Welk woord" not in english[0]["text"] and english[0]["buttons"][-1]["title"] == "Talk to someone"
    _same_shape(english, dutch)
