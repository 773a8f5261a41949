"""Findings 4, 6, 10 and 11 at unit level: the guarded REST channel, the web chat endpoint, slash
stripping, issued button ids, the signature check, and message texts kept out of Rasa's logs."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels import common
from bot.channels.common import IssuedPayloads, typed_text
from bot.channels.rest import GuardedRestInput
from bot.channels.webchat import GREET_PAYLOAD, WebChatInput
from bot.channels.whatsapp import GraphClient, Incoming, WhatsAppConfig, WhatsAppInput, signature_valid

CONV = "a-conversation"


@pytest.fixture(autouse=True)
def _secret(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PSEUDONYM_SECRET", "guards-test-secret-0123456789")
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")


# ------------------------------------------------------------------------------ finding 6
@pytest.mark.parametrize("text", ["/ /affirm", "/\n/request_registration", "\u2003/greet", " \t//x{\"a\": 1}",
                                  "/ / / /safety_suicide", "\n\n/\u00a0/consent"])
def test_slash_stripping_cannot_be_bypassed(text: str) -> None:
    out = typed_text(text)
    assert not out.strip().startswith("/"), repr(out)  # Rasa strips before it looks for the "/"
    assert out


@given(st.text(alphabet=st.sampled_from(list(" /\t\n\u2003\u00a0\u3000ab{}")), max_size=40))
def test_typed_text_never_becomes_a_command_after_rasas_strip(text: str) -> None:
    assert not typed_text(text).strip().startswith("/")


def test_only_issued_button_ids_map_to_payloads() -> None:
    ids = IssuedPayloads()
    issued = ids.encode(CONV, "/request_human", 256)
    assert ids.resolve(CONV, issued) == "/request_human"
    assert ids.resolve("another-conversation", issued) is None, "bound to the conversation"
    assert ids.resolve(CONV, "/safety_suicide") is None, "a bare payload is not an issued id"
    tampered = issued[: issued.index(":") + 1] + "/safety_suicide"
    assert ids.resolve(CONV, tampered) is None, "the tag covers the payload"
    assert ids.resolve_or_title(CONV, "/safety_suicide", "/Ja") == "Ja"
    assert ids.resolve(CONV, "h1" + "0" * 16) is None


def test_whatsapp_reply_with_an_unissued_id_is_her_typed_title(tmp_path) -> None:
    config = WhatsAppConfig("v", "app", "tok", "PN", "http://127.0.0.1:9")
    channel = WhatsAppInput(config, GraphClient(config, attempts=1, timeout=1))
    received = []

    async def on_new_message(message) -> None:
        received.append(message)
        await message.output_channel.send_text_message(message.sender_id, "ok")

    async def scenario() -> None:
        await channel.handle(Incoming("wamid.1", "31612345678", "payload", "/safety_suicide", "Ja"), on_new_message)
        sender = common.pseudonym("whatsapp", "31612345678")
        issued = channel.ids.encode(sender, "/request_human", 256)
        await channel.handle(Incoming("wamid.2", "31612345678", "payload", issued, "Praten"), on_new_message)
        await channel.client.close()

    asyncio.run(scenario())
    assert [m.text for m in received] == ["Ja", "/request_human"]


# ----------------------------------------------------------------------------- finding 11
def test_non_ascii_signature_is_simply_wrong() -> None:
    assert signature_valid("secret", b"{}", "sha256=" + "é" * 64) is False
    assert signature_valid("secret", b"{}", "sha256=\u0660" * 3) is False


# ------------------------------------------------------------------------------ finding 4
def test_rest_in_production_needs_the_gateway_token() -> None:
    assert GuardedRestInput(token="", production=True).admit({"sender": "s", "message": "hoi"}, None) == (404, "not found")
    guarded = GuardedRestInput(token="t" * 32, production=True)
    assert guarded.admit({"sender": "s", "message": "hoi"}, None) == (403, "forbidden")
    assert guarded.admit({"sender": "s", "message": "hoi"}, "Bearer wrong") == (403, "forbidden")
    assert guarded.admit({"sender": "s", "message": "hoi"}, "Bearer é") == (403, "forbidden")
    assert guarded.admit({"sender": "s", "message": "hoi", "input_channel": "telegram"}, "Bearer " + "t" * 32) == \
        ("s", "hoi", "telegram", None)


def test_rest_ignores_input_channel_and_metadata_from_untrusted_callers() -> None:
    rest = GuardedRestInput()
    body = {"sender": "s", "message": "hoi", "input_channel": "whatsapp",
            "metadata": {"naam": "Fatima", "lt_seq": 4, "sender_aliases": {"ids": ["x"], "sig": "y"}}}
    assert rest.admit(body, None) == ("s", "hoi", "rest", {"lt_seq": 4})
    assert rest.admit({"sender": "x" * 500, "message": "hoi"}, None)[0] == 400
    assert rest.admit({"sender": "s", "message": 5}, None)[0] == 400


def test_rest_failure_is_logged_without_the_text(caplog) -> None:
    async def broken(message) -> None:
        raise RuntimeError(message.text)

    with caplog.at_level(logging.DEBUG):
        status, answer = asyncio.run(GuardedRestInput().handle(
            {"sender": "s", "message": "mijn nummer is 0612345678"}, None, broken))
    assert (status, answer) == (200, [])
    assert "RuntimeError" in caplog.text and "0612345678" not in caplog.text


def test_webchat_endpoint_is_pseudonymous_and_issues_its_own_buttons() -> None:
    chat = WebChatInput()
    seen = []

    async def on_new_message(message) -> None:
        seen.append(message)
        await message.output_channel.send_text_with_buttons(
            message.sender_id, "Kies", [{"title": "Praten met iemand", "payload": "/request_human"}])

    client = "web-" + "0f" * 16

    def post(body: dict) -> tuple[int, object]:
        return asyncio.run(chat.converse({"sender": client, **body}, on_new_message))

    status, replies = post({"start": True})
    assert status == 200 and seen[-1].text == GREET_PAYLOAD
    (button,) = replies[0]["buttons"]
    assert set(button) == {"title", "id"} and not button["id"].startswith("/")
    assert "recipient_id" not in replies[0]
    assert post({"message": "/request_registration"})[0] == 200 and seen[-1].text == "request_registration"
    assert post({"button": button["id"], "title": button["title"]})[0] == 200 and seen[-1].text == "/request_human"
    assert post({"button": "/safety_suicide", "title": "ja"})[0] == 200 and seen[-1].text == "ja"
    assert post({"message": "hoi", "input_channel": "whatsapp", "metadata": {"x": 1}})[0] == 200
    assert seen[-1].input_channel == "webchat" and not seen[-1].metadata
    assert seen[-1].sender_id == common.pseudonym("webchat", client) and client not in seen[-1].sender_id
    for bad in ({"sender": "me", "message": "hoi"}, {"message": "hoi"}, ["x"], {"sender": client, "button": 5}):
        assert asyncio.run(chat.converse(bad, on_new_message))[0] == 400


# ----------------------------------------------------------------------------- finding 10
def test_rasa_log_events_lose_their_texts() -> None:
    import structlog

    from bot.security import logs

    logs.install()
    import rasa.utils.log_utils as log_utils

    log_utils.configure_structlog(logging.INFO)
    assert structlog.get_config()["processors"][0] is logs.drop_message_text
    event = {"event": "rest.message.received.failure", "text": "ik heet Fatima", "user_text": "x", "sender_id": "s"}
    out = logs.drop_message_text(None, "error", dict(event))
    assert out["text"] == out["user_text"] == logs.OMITTED and out["sender_id"] == "s"
    import warnings

    import rasa.shared.utils.io

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        logs.silence_text_warnings()
        rasa.shared.utils.io.raise_warning("Failed to parse arguments in line '/ik heet Fatima {'.")
    assert not caught


def test_the_webchat_page_uses_its_own_endpoint() -> None:
    page = (Path(__file__).resolve().parents[2] / "bot" / "channels" / "webchat.html").read_text()
    assert "/rest/webhook" not in page and '"webhook"' in page
    assert "input_channel" not in page and "payload" not in page
