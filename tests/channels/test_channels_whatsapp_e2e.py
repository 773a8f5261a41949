"""WhatsApp end to end: signed webhooks into a real Rasa + action server, replies into a fake Graph API.

The stack is shared by this module (and the other channel tests); the restart test runs last.
"""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import yaml
from channel_kit import WA, FakeGraphAPI, WhatsAppClient, keyed, message_text, new_wa_id, sender_key, wa_button

from bot.channels.common import text as channel_text
from bot.channels.whatsapp import sign

ONLY_TEXT = channel_text("only_text")
# The opening words of the greeting (a list message, like the hand-off with its options).
GREETING = yaml.safe_load((Path(__file__).parents[2] / "domain.yml").read_text(encoding="utf-8"))[
    "responses"]["utter_greet"][0]["text"][:40]


def _user_texts(stack, sender: str, expected: list[str] | None = None, timeout: float = 10) -> list[str]:
    """User texts in the tracker; with ``expected``, wait (replies go out before the tracker is saved)."""
    deadline = time.monotonic() + timeout
    while True:
        tracker = stack.tracker(sender)
        found = [e.get("text") for e in tracker.get("events", []) if e.get("event") == "user"]
        if expected is None or found == expected or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_webhook_verification(channel_stack) -> None:
    base = f"{channel_stack.url}/webhooks/whatsapp/webhook"
    ok = f"{base}?hub.mode=subscribe&hub.verify_token={WA['verify_token']}&hub.challenge=1158201444"
    with urllib.request.urlopen(ok, timeout=10) as resp:
        assert resp.status == 200
        assert resp.read().decode() == "1158201444"
    wrong = f"{base}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444"
    try:
        urllib.request.urlopen(wrong, timeout=10)
        raise AssertionError("wrong verify token accepted")
    except urllib.error.HTTPError as exc:
        assert exc.code == 403


def test_text_message_reaches_rasa_under_a_pseudonym(whatsapp: WhatsAppClient, graph_api: FakeGraphAPI) -> None:
    wa_id = new_wa_id()
    started = time.monotonic()
    assert whatsapp.post(whatsapp.body(whatsapp.text(wa_id, "hoi"))) == (200, "ok")
    assert time.monotonic() - started < 2, "the webhook is acknowledged before Rasa answers"
    sent = graph_api.wait_for(lambda: graph_api.to(wa_id))
    assert all(m["messaging_product"] == "whatsapp" for m in sent)
    assert "Stevige Start" in " ".join(message_text(m) for m in sent)
    # Rasa only knows the pseudonym: the phone number is neither the sender id nor in the logs.
    assert _user_texts(whatsapp.stack, sender_key(wa_id), ["hoi"]) == ["hoi"]
    assert _user_texts(whatsapp.stack, wa_id) == []
    assert wa_id not in whatsapp.stack.log_text()


def test_message_ids_are_stored_only_as_keyed_hashes(whatsapp: WhatsAppClient, graph_api: FakeGraphAPI) -> None:
    """Finding 1: a wamid encodes the phone number; Rasa's events never hold it."""
    wa_id = new_wa_id()
    message = whatsapp.text(wa_id, "hoi")
    whatsapp.post(whatsapp.body(message))
    graph_api.wait_for(lambda: graph_api.to(wa_id))
    _user_texts(whatsapp.stack, sender_key(wa_id), ["hoi"])
    tracker = whatsapp.stack.tracker(sender_key(wa_id))
    (user,) = [e for e in tracker["events"] if e.get("event") == "user"]
    assert user["message_id"] == keyed("message-id", "whatsapp\x00" + message["id"])
    assert "wamid" not in json.dumps(tracker)


def test_greeting_menu_with_four_choices_is_a_list_and_a_row_press_works(
    whatsapp: WhatsAppClient, graph_api: FakeGraphAPI
) -> None:
    wa_id = new_wa_id()
    whatsapp.post(whatsapp.body(whatsapp.text(wa_id, "hoi")))
    menu = graph_api.wait_for(lambda: graph_api.to(wa_id))[-1]
    assert menu["type"] == "interactive" and menu["interactive"]["type"] == "list"
    rows = menu["interactive"]["action"]["sections"][0]["rows"]
    expected_rows = ["/ask_capabilities", "/kraamzorg_check", "/request_registration", "/find_group"]
    assert [r["id"] for r in rows] == [wa_button(wa_id, p) for p in expected_rows]
    assert all(len(r["title"]) <= 24 for r in rows)

    # The parent picks "Welke hulp is er?" -> list_reply with the row id -> utter_capabilities (3 buttons).
    whatsapp.post(whatsapp.body(whatsapp.button(wa_id, rows[0]["id"], rows[0]["title"], kind="list_reply")))
    answer = graph_api.wait_for(lambda: graph_api.to(wa_id)[1:])[-1]
    assert answer["interactive"]["type"] == "button"
    buttons = answer["interactive"]["action"]["buttons"]
    assert [b["reply"]["id"] for b in buttons] == [
        wa_button(wa_id, p) for p in ("/info_homestart", "/info_babystartpakket", "/request_human")]
    assert all(len(b["reply"]["title"]) <= 20 for b in buttons)
    assert "Ik kan je vertellen" in message_text(answer)

    # A reply-button press sends that payload.
    whatsapp.post(whatsapp.body(whatsapp.button(wa_id, buttons[2]["reply"]["id"], buttons[2]["reply"]["title"])))
    def _handoff_with_number() -> list:  # the hand-off comes as short messages: wait for the one with the number
        sent = graph_api.to(wa_id)[2:]
        return sent if "010 267 26 53" in " ".join(message_text(m) for m in sent) else []

    human = graph_api.wait_for(_handoff_with_number)
    assert "010 267 26 53" in " ".join(message_text(m) for m in human)
    expected = ["hoi", "/ask_capabilities", "/request_human"]
    assert _user_texts(whatsapp.stack, sender_key(wa_id), expected) == expected


def test_button_ids_the_bot_did_not_issue_are_typed_titles(whatsapp: WhatsAppClient, graph_api: FakeGraphAPI) -> None:
    """Finding 6: a reply with id '/safety_suicide' (or another chat's id) is no payload."""
    wa_id, other = new_wa_id(), new_wa_id()
    whatsapp.post(whatsapp.body(whatsapp.button(wa_id, "/safety_suicide", "Ja")))
    graph_api.wait_for(lambda: graph_api.to(wa_id))
    whatsapp.post(whatsapp.body(whatsapp.button(wa_id, wa_button(other, "/request_human"), "/greet")))
    graph_api.wait_for(lambda: len(graph_api.to(wa_id)) >= 2)
    assert _user_texts(whatsapp.stack, sender_key(wa_id), ["Ja", "greet"]) == ["Ja", "greet"]
    assert "113" not in " ".join(message_text(m) for m in graph_api.to(wa_id))


def test_non_ascii_signature_header_is_refused_not_a_crash(whatsapp: WhatsAppClient) -> None:
    """Finding 11: compare_digest raised TypeError on a non-ASCII header (HTTP 500 + traceback)."""
    body = whatsapp.body(whatsapp.text(new_wa_id(), "hoi"))
    assert whatsapp.post(body, signature="sha256=" + "é" * 64)[0] == 403
    assert "TypeError" not in whatsapp.stack.log_text()


def test_forged_signature_is_refused_and_nothing_is_processed(
    whatsapp: WhatsAppClient, graph_api: FakeGraphAPI
) -> None:
    forged, unsigned, good = new_wa_id(), new_wa_id(), new_wa_id()
    body = whatsapp.body(whatsapp.text(forged, "hoi"))
    assert whatsapp.post(body, signature="sha256=" + "0" * 64)[0] == 403
    other_secret = WhatsAppClient(whatsapp.stack, secret="not-the-app-secret")
    assert other_secret.post(body)[0] == 403
    assert whatsapp.post(whatsapp.body(whatsapp.text(unsigned, "hoi")), signature=None)[0] == 403
    # Signed over other bytes (re-serialised JSON) does not count either.
    compact_signature = sign(WA["app_secret"], json.dumps(body).encode())
    assert whatsapp.post(json.dumps(body, indent=2).encode(), signature=compact_signature)[0] == 403
    # A valid message afterwards is answered; the refused ones never are.
    whatsapp.post(whatsapp.body(whatsapp.text(good, "hoi")))
    graph_api.wait_for(lambda: graph_api.to(good))
    assert graph_api.to(forged) == [] and graph_api.to(unsigned) == []
    assert _user_texts(whatsapp.stack, sender_key(forged)) == []


def test_duplicate_delivery_is_handled_once(whatsapp: WhatsAppClient, graph_api: FakeGraphAPI) -> None:
    wa_id = new_wa_id()
    first = whatsapp.text(wa_id, "/greet")
    first["type"] = "interactive"
    first["interactive"] = {"type": "button_reply", "button_reply": {"id": wa_button(wa_id, "/greet"), "title": "Begin"}}
    whatsapp.post(whatsapp.body(first))
    graph_api.wait_for(lambda: graph_api.to(wa_id))
    count = len(graph_api.to(wa_id))
    # Meta re-delivers the same message id, followed in the same webhook by a new message.
    marker = whatsapp.button(wa_id, wa_button(wa_id, "/request_human"), "Praten met iemand")
    whatsapp.post(whatsapp.body(first, marker))
    graph_api.wait_for(lambda: "010 267 26 53" in " ".join(message_text(m) for m in graph_api.to(wa_id)[count:]))
    later = graph_api.to(wa_id)[count:]
    assert not any(GREETING in message_text(m) for m in later), later
    assert _user_texts(whatsapp.stack, sender_key(wa_id), ["/greet", "/request_human"]) == ["/greet", "/request_human"]


def test_image_voice_location_get_the_only_text_answer(whatsapp: WhatsAppClient, graph_api: FakeGraphAPI) -> None:
    wa_id = new_wa_id()
    base = {"from": wa_id, "timestamp": str(int(time.time()))}
    image = {**base, "id": "wamid.img-" + wa_id, "type": "image", "image": {"id": "1", "mime_type": "image/jpeg"}}
    voice = {**base, "id": "wamid.voice-" + wa_id, "type": "audio", "audio": {"id": "2", "voice": True}}
    where = {**base, "id": "wamid.loc-" + wa_id, "type": "location", "location": {"latitude": 51.9, "longitude": 4.4}}
    whatsapp.post(whatsapp.body(image, voice, where))
    sent = graph_api.wait_for(lambda: len(graph_api.to(wa_id)) >= 3 and graph_api.to(wa_id))
    assert [message_text(m) for m in sent] == [ONLY_TEXT] * 3
    assert "alleen tekst" in ONLY_TEXT and "010 267 26 53" in ONLY_TEXT
    assert _user_texts(whatsapp.stack, sender_key(wa_id)) == []


def test_status_callbacks_are_ignored(whatsapp: WhatsAppClient, graph_api: FakeGraphAPI) -> None:
    wa_id = new_wa_id()
    statuses = [{"id": "wamid.out1", "status": "delivered", "timestamp": "1700000000", "recipient_id": wa_id}]
    before = graph_api.requests
    assert whatsapp.post(whatsapp.body(statuses=statuses)) == (200, "ok")
    # Messages for another business number (same Meta app) are not ours to answer either.
    foreign = whatsapp.body(whatsapp.text(wa_id, "hoi"))
    foreign["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    assert whatsapp.post(foreign) == (200, "ok")
    marker = new_wa_id()
    whatsapp.post(whatsapp.body(whatsapp.button(marker, wa_button(marker, "/request_human"), "Praten")))
    graph_api.wait_for(lambda: graph_api.to(marker))
    assert graph_api.to(wa_id) == []
    assert graph_api.requests - before == len(graph_api.to(marker))


def test_graph_api_errors_are_retried(whatsapp: WhatsAppClient, graph_api: FakeGraphAPI) -> None:
    wa_id = new_wa_id()
    graph_api.fail_next(429, 503)
    before = graph_api.requests
    whatsapp.post(whatsapp.body(whatsapp.button(wa_id, wa_button(wa_id, "/request_human"), "Praten")))
    def _whole_handoff() -> list:  # short messages; the last one carries the buttons (interactive)
        sent = graph_api.to(wa_id)
        done = any(m.get("type") == "interactive" for m in sent) and "010 267 26 53" in " ".join(map(message_text, sent))
        return sent if done else []

    sent = graph_api.wait_for(_whole_handoff)
    assert "010 267 26 53" in " ".join(message_text(m) for m in sent)  # arrives despite the errors
    assert graph_api.requests - before >= len(sent) + 2  # every message sent, plus the two failed tries
    log = whatsapp.stack.log_text()
    assert "HTTP 429" in log and "HTTP 503" in log
    assert wa_id not in log and "Wil je met een mens praten" not in log, "no phone numbers or texts in logs"


def test_zz_dedup_survives_a_restart(whatsapp: WhatsAppClient, graph_api: FakeGraphAPI) -> None:
    """Runs last in this module: restarts Rasa (same database), then Meta re-delivers an old message."""
    wa_id = new_wa_id()
    old = whatsapp.button(wa_id, wa_button(wa_id, "/greet"), "Begin")
    whatsapp.post(whatsapp.body(old))
    graph_api.wait_for(lambda: graph_api.to(wa_id))
    count = len(graph_api.to(wa_id))

    stack = whatsapp.stack
    stack.stop_process("rasa")
    stack.start_rasa()

    marker = whatsapp.button(wa_id, wa_button(wa_id, "/request_human"), "Praten met iemand")
    assert whatsapp.post(whatsapp.body(old, marker)) == (200, "ok")
    graph_api.wait_for(lambda: "010 267 26 53" in " ".join(message_text(m) for m in graph_api.to(wa_id)[count:]))
    later = graph_api.to(wa_id)[count:]
    assert "010 267 26 53" in " ".join(message_text(m) for m in later), later
    assert not any(GREETING in message_text(m) for m in later), \
        "the re-delivered greeting was not answered again"
    assert _user_texts(stack, sender_key(wa_id), ["/greet", "/request_human"]) == ["/greet", "/request_human"]
