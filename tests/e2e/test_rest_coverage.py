"""End to end over REST (issue 12, NLU side): typed button titles, clarify as the last resort,
several needs in one answer, bare numbers, slang. Answer ids are read from the tracker."""

from __future__ import annotations

import uuid

from bot.testing.stack import payloads, texts

PHONE_AANMELDPUNT = "010 267 26 53"


def _sender() -> str:
    return f"e2e-cov-{uuid.uuid4().hex[:10]}"


def _answer_ids(rasa_stack, sender: str) -> list[str]:
    """Answer ids of the bot's messages after the last user message."""
    events = rasa_stack.tracker(sender)["events"]
    last_user = max(i for i, e in enumerate(events) if e.get("event") == "user")
    ids = []
    for event in events[last_user + 1:]:
        if event.get("event") == "bot":
            meta = event.get("metadata") or {}
            ids.append(meta.get("answer_id") or meta.get("utter_action"))
    return ids


def test_a_typed_button_title_does_what_the_button_does(rasa_stack) -> None:
    sender = _sender()
    menu = rasa_stack.rest(sender, "wat kun je allemaal")
    assert "/info_homestart" in payloads(menu)
    card = rasa_stack.rest(sender, "hulp thuiss")  # the title "Hulp thuis", with a typo
    assert "Home-Start" in texts(card)
    assert _answer_ids(rasa_stack, sender)[-1] == "offering:homestart"
    how = rasa_stack.rest(sender, "hoe krijg ik dit")  # the card's own button, typed
    assert "offering:homestart" in _answer_ids(rasa_stack, sender), how


def test_a_bare_number_is_asked_about_not_read_as_a_postcode(rasa_stack) -> None:
    sender = _sender()
    replies = rasa_stack.rest(sender, "24")
    assert _answer_ids(rasa_stack, sender) == ["clarify"]
    assert "/request_human" in payloads(replies)
    assert rasa_stack.tracker(sender).get("active_loop", {}).get("name") in (None, "")


def test_several_needs_get_one_short_answer_with_a_button_each(rasa_stack) -> None:
    sender = _sender()
    replies = rasa_stack.rest(sender, "ik ben 30 weken zwanger, ik kan de kraamzorg niet betalen en ik zoek een "
                                      "groep met andere moeders bij mij in de buurt")
    ids = _answer_ids(rasa_stack, sender)
    assert any(i.startswith("multi:") for i in ids), (ids, replies)
    assert {"/kraamzorg_check", "/find_group"} <= set(payloads(replies))


def test_unclear_message_offers_the_human_route_in_the_same_message(rasa_stack) -> None:
    sender = _sender()
    replies = rasa_stack.rest(sender, "zwq plofmiep grtz")
    assert len(replies) == 1 and PHONE_AANMELDPUNT in replies[0]["text"]
    assert "/request_human" in payloads(replies)


def test_what_is_x_and_how_do_i_register_explains_x(rasa_stack) -> None:
    sender = _sender()
    replies = rasa_stack.rest(sender, "wat is voorzorg en hoe meld ik me aan")
    assert set(_answer_ids(rasa_stack, sender)) == {"offering:voorzorg"}
    assert "VoorZorg" in texts(replies)


def test_a_question_on_the_side_in_the_kraamzorg_check_is_answered_and_the_check_goes_on(rasa_stack) -> None:
    """The persona test: 'dankje' or 'wat is home start' at a question got "Dat begrijp ik niet"."""
    sender = _sender()
    rasa_stack.rest(sender, "ik kan de kraamzorg niet betalen")
    question = texts(rasa_stack.rest(sender, "ja")).splitlines()[-1]
    side = texts(rasa_stack.rest(sender, "wat is home start eigenlijk"))
    assert "Home-Start" in side and "begrijp" not in side
    assert question in side, "the check's question is asked again after the side answer"
    assert rasa_stack.tracker(sender)["active_loop"]["name"] == "kraamzorg_form"
    thanks = texts(rasa_stack.rest(sender, "oke dankjewel"))
    assert "Graag gedaan" in thanks and question in thanks


def test_a_loss_told_in_the_registration_ends_it_gently(rasa_stack) -> None:
    sender = _sender()
    rasa_stack.rest(sender, "ik wil me aanmelden bij moeders van rotterdam")
    rasa_stack.rest(sender, "ja")
    replies = texts(rasa_stack.rest(sender, "ik heb vannacht een miskraam gehad"))
    assert "verloren" in replies and "niets verstuurd" in replies
    assert rasa_stack.tracker(sender).get("active_loop", {}).get("name") in (None, "")


def test_after_one_of_several_needs_the_others_are_offered_again(rasa_stack) -> None:
    sender = _sender()
    replies = rasa_stack.rest(sender, "ik heb schulden en ik voel me heel eenzaam sinds de bevalling, "
                                      "kan er iemand bij mij thuis komen helpen")
    picks = payloads(replies)
    assert len(picks) >= 2, replies
    first = next(p for p in picks if p.startswith("/info_"))  # a card (a reply such as loneliness names nothing)
    answer = rasa_stack.rest(sender, first)
    assert any(p in payloads(answer) for p in picks if p != first), answer
    assert "Je noemde ook" in texts(answer)
