"""End to end over the REST channel (Rasa + action server + trained model): baby loss keeps
pregnancy content silent, also in the kraamzorg check and the registration; follow-ups,
referrals and low mood get their answers."""

from __future__ import annotations

import uuid

import pytest

from bot.readability import MAX_MESSAGE_WORDS, words
from bot.testing.stack import payloads, texts
from bot.wellbeing.texts import text_set

LOSS = text_set("wellbeing/baby_loss")
PREGNANCY_QUESTIONS = ("Hoe ver ben je zwanger", "Ben je nu zwanger", "uitgerekend", "Gefeliciteerd")
# Answers to the kraamzorg check's questions, by a phrase of the question.
KZ_ANSWERS = {
    "Woon je in de gemeente Rotterdam": "ja",
    "Welke zorgverzekering heb je": "alleen basis",
    "Hoe woon je": "alleenstaande ouder",
    "Hoeveel geld komt er per maand binnen": "ik heb bijstand",
    "spaargeld": "nee",
    "schuldregeling": "nee",
    "dit jaar al extra geld van de gemeente": "nee",
    "hoeveel uur kraamzorg": "weet ik niet",
}


def _sender() -> str:
    return f"e2e-loss-{uuid.uuid4().hex[:10]}"


def _no_pregnancy_content(text: str) -> None:
    for phrase in PREGNANCY_QUESTIONS:
        assert phrase.lower() not in text.lower(), (phrase, text)


def test_baby_loss_over_rest_keeps_pregnancy_content_silent(rasa_stack) -> None:
    sender = _sender()
    replies = rasa_stack.rest(sender, "ik heb vorige week een miskraam gehad")
    assert replies[0]["text"] == LOSS.render("acknowledgement"), replies  # acknowledgement first
    said = texts(replies)
    care = [line for line in f"{LOSS.render('care')}\n\n{LOSS.source_tag}".splitlines() if line.strip()]
    assert all(line in said for line in care) and "/request_human" in payloads(replies)  # sent in short messages
    assert all(len(words(r.get("text") or "")) <= MAX_MESSAGE_WORDS for r in replies)
    _no_pregnancy_content(said)

    replies = rasa_stack.rest(sender, "ik wil me aanmelden")
    assert LOSS.render("registration_instead") in texts(replies), replies
    _no_pregnancy_content(texts(replies))

    replies = rasa_stack.rest(sender, "wat is de kinkhoestprik")
    assert LOSS.render("card_instead") in texts(replies), replies

    # "What help is there?" after the loss: no pregnancy offerings in the menu (persona test)
    replies = rasa_stack.rest(sender, "welke hulp is er eigenlijk")
    assert LOSS.render("capabilities") in texts(replies), replies
    _no_pregnancy_content(texts(replies))

    # The kraamzorg check runs, without the pregnancy question.
    replies = rasa_stack.rest(sender, "ik kan de kraamzorg niet betalen")
    seen = [texts(replies)]
    for _ in range(12):
        last = seen[-1]
        _no_pregnancy_content(last)
        if "Wat wil je nu doen?" in last:
            break
        answer = next((a for q, a in KZ_ANSWERS.items() if q.lower() in last.lower()), None)
        assert answer is not None, f"unexpected question: {last}"
        seen.append(texts(rasa_stack.rest(sender, answer)))
    assert "Wat wil je nu doen?" in seen[-1], seen
    _no_pregnancy_content("\n".join(seen))

    # A follow-up question about the outcome is explained, not a restart.
    replies = rasa_stack.rest(sender, "wat is een pro formafactuur")
    assert "voorlopige rekening" in texts(replies), replies


@pytest.mark.parametrize("message", ["we hebben de wedstrijd verloren", "ik ben mijn ov kaart kwijt"])
def test_verloren_in_another_sense_is_not_a_loss(rasa_stack, message: str) -> None:
    replies = rasa_stack.rest(_sender(), message)
    assert LOSS.render("acknowledgement") not in texts(replies), replies


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("hoe vraag ik kinderbijslag aan", "SVB"),
        ("ik moet weg bij mijn moeder waar kan ik wonen", "Vraagwijzer"),
        ("hoe bereik ik het cjg", "cjgrijnmond.nl"),
        ("ik voel me zo somber sinds de bevalling", "113"),
        ("ik wil iemand spreken", "010 267 26 53"),
    ],
)
def test_referrals_low_mood_and_hand_off(rasa_stack, message: str, expected: str) -> None:
    replies = rasa_stack.rest(_sender(), message)
    assert expected in texts(replies), replies
    assert payloads(replies), "every answer offers a way forward"
