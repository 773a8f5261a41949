"""End to end over the REST channel: the trained model, the rules, the form and the actions."""

from __future__ import annotations

from bot.testing.stack import payloads, texts


def test_question_with_wijk_then_more(rasa_stack) -> None:
    replies = rasa_stack.rest("grp-e2e-wijk", "is er een samenspeelgroep in charlois")
    text = texts(replies)
    assert text.count("Voor: ") == 3 and "*1. Samenspeelgroep*" in text, text
    assert "/more_groups" in payloads(replies)
    replies = rasa_stack.rest("grp-e2e-wijk", "/more_groups")
    assert "*4." in texts(replies), texts(replies)


def test_question_without_location_asks_then_filters_fathers(rasa_stack) -> None:
    replies = rasa_stack.rest("grp-e2e-ask", "ik zoek andere vaders")
    assert "postcode" in texts(replies).lower(), texts(replies)
    replies = rasa_stack.rest("grp-e2e-ask", "ik woon in hilesluis")
    text = texts(replies)
    assert "Daddy's Place" in text and "Mama's Garden" not in text, text


def test_postcode_is_not_kept_in_a_slot(rasa_stack) -> None:
    replies = rasa_stack.rest("grp-e2e-pc", "zijn er groepen voor moeders bij 3072 AB?")
    assert "Feijenoord" in texts(replies), texts(replies)
    slots = rasa_stack.tracker("grp-e2e-pc")["slots"]
    assert slots["grp_location"] == "pc-gebied:Feijenoord"
    assert all("3072" not in str(v) for v in slots.values())


def test_outside_rotterdam(rasa_stack) -> None:
    replies = rasa_stack.rest("grp-e2e-out", "zijn er groepen in de buurt van 2511 CK")
    assert "niet in Rotterdam" in texts(replies), texts(replies)
