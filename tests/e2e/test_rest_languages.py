"""End to end over the REST channel in English and other languages (issue 11): the language is
detected, the switch is offered once, answers come in English, "Nederlands" switches back, and a
Turkish or Arabic message gets the short first answer with the Nederlands/English buttons."""

from __future__ import annotations

import uuid

from bot.contacts import contact
from bot.languages.texts import first_answers, offer_text, switch_text
from bot.testing.stack import payloads, texts


def _sender() -> str:
    return f"e2e-lang-{uuid.uuid4().hex[:10]}"


def test_english_question_gets_english_answer_and_one_offer(rasa_stack) -> None:
    sender = _sender()
    replies = rasa_stack.rest(sender, "I'm pregnant and I have no money for baby things, can you help?")
    said = texts(replies)
    assert replies[0]["text"] == offer_text(), replies  # the offer first, with the two buttons
    assert payloads(replies)[:2] == ["Nederlands", "English"]
    assert "Babystartpakket (baby starter pack)" in said and "Source:" in said, said
    # a short message keeps English; no second offer
    replies = rasa_stack.rest(sender, "ok thanks")
    assert offer_text() not in texts(replies)
    replies = rasa_stack.rest(sender, "what is home start")
    assert "volunteer" in texts(replies) and offer_text() not in texts(replies), replies
    # typed "Nederlands": Dutch from now on
    replies = rasa_stack.rest(sender, "Nederlands")
    assert texts(replies) == switch_text("chosen", "nl"), replies
    replies = rasa_stack.rest(sender, "what can you do?")
    assert "Ik kan je vertellen" in texts(replies), replies


def test_english_greeting_menu_and_human_route(rasa_stack) -> None:
    sender = _sender()
    rasa_stack.rest(sender, "English")
    replies = rasa_stack.rest(sender, "hi")
    assert "digital assistant" in texts(replies) and "/kraamzorg_check" in payloads(replies), replies
    replies = rasa_stack.rest(sender, "are you a robot")
    assert "I am a computer" in texts(replies) and contact("aanmeldpunt").phone in texts(replies), replies


def test_other_languages_get_their_first_answer(rasa_stack) -> None:
    for lang, message in (("tr", "Merhaba, hamileyim ve bebek eşyaları için param yok"),
                          ("ar", "مرحبا انا حامل واحتاج مساعدة")):
        sender = _sender()
        replies = rasa_stack.rest(sender, message)
        assert texts(replies) == first_answers()[lang]["text"], replies
        assert payloads(replies) == ["Nederlands", "English"]
        replies = rasa_stack.rest(sender, "English")
        assert texts(replies) == switch_text("chosen", "en"), replies


def test_dutch_stays_dutch(rasa_stack) -> None:
    sender = _sender()
    replies = rasa_stack.rest(sender, "ff vragen, ik heb geen doekoe voor babyspullen")
    said = texts(replies)
    assert offer_text() not in said and "Bron:" in said, replies
