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


def _talk(stack, sender: str, steps: list[tuple[str, str]]) -> list[str]:
    """Send each message; the reply must match its pattern (and never fall back to Dutch)."""
    import re

    said = []
    for message, expected in steps:
        reply = texts(stack.rest(sender, message))
        said.append(reply)
        assert re.search(expected, reply, re.IGNORECASE | re.DOTALL), f"after {message!r} expected {expected!r}:\n{reply}"
        assert "Dat begrijp ik niet" not in reply and "Bron:" not in reply, reply
    return said


def test_kraamzorg_check_in_english(rasa_stack) -> None:
    """The whole check in English: questions, typed English answers and taps, the outcome."""
    sender = _sender()
    said = _talk(rasa_stack, sender, [
        ("Can I get help paying the own contribution for kraamzorg?", r"municipality of Rotterdam"),
        ("yes, I live in Charlois", r"health insurance"),
        ("only basic insurance", r"How do you live"),
        ("alleenstaande ouder", r"How much money"),  # a tapped button: its payload is Dutch
        ("ik heb bijstand", r"savings"),
        ("no", r"How far along"),
        ("I am 30 weeks pregnant", r"how many hours"),  # due next year: this year's use does not matter
        ("I don't know", r"You can probably get the own contribution.*Source:.*What would you like"),
        ("How do I apply?", r"How to apply:.*category 7"),  # the button's title typed back
    ])
    from bot.kraamzorg.tables import tables
    from bot.parsing.money import format_eur

    most = format_eur(tables().param("max_reimbursement"))
    assert "category 7" in said[-1] and "Apply in time" in said[-1] and most in said[-2], said[-2:]
    assert "Ik stel je" not in "\n".join(said)


def test_registration_in_english_is_stored_with_its_language(rasa_stack, monkeypatch) -> None:
    """Register in English: consent in English, stored with the English version, the chat
    language and her preferred language with the interpreter need (shown to staff)."""
    import re

    from bot.registration.consent import consent_text, consent_version
    from bot.store.registrations import consent_text_info, get_registration

    sender = _sender()
    said = _talk(rasa_stack, sender, [
        ("I would like to register with Moeders van Rotterdam", r"Are you pregnant"),
        ("yes, I am pregnant", r"live or stay in Rotterdam"),
        ("yes", r"Before you register, I ask for your consent.*Do you give your consent"),
        ("Yes, I consent", r"What may the aanmeldpunt call you"),
        ("Amira", r"phone number"),
        ("06 23456789", r"postcode"),
        ("3072 AB", r"When is your baby due"),
        ("20 weeks", r"What would you like help with"),
        ("Money and paperwork", r"Chosen: Money and paperwork"),
        ("Done", r"best time"),
        ("Morning", r"which language.*interpreter"),
        ("Arabic, I need an interpreter", r"This is what I will send.*Call in: Arabisch, with an interpreter"),
        ("Correct, send", r"Your reference code is MVR-"),
    ])
    reference = re.search(r"MVR-[A-Z0-9]{4}-[A-Z0-9]{2}", said[-1]).group(0)
    monkeypatch.setenv("VAR_DIR", str(rasa_stack.workdir))  # the store's generated key lives there
    url = rasa_stack.stack_env().get("DATABASE_URL") or f"sqlite:///{rasa_stack.workdir / 'app.db'}"
    reg = get_registration(reference, url=url)
    assert reg.name == "Amira" and reg.chat_language == "en"
    assert reg.consent_text_version == consent_version(lang="en") and reg.consent_text_version.endswith("-en")
    assert reg.language == "Arabisch" and reg.interpreter is True
    assert reg.help_areas == ["Geld en administratie"]  # staff read the Dutch labels
    stored = consent_text_info(reg.consent_text_version, url=url)
    assert stored is not None and stored[0] == consent_text(lang="en")  # the English text she saw, kept
