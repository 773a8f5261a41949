"""Unit tests for the channels: splitting, button/list mapping, signatures, payload parsing, retries."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
from pathlib import Path

import pytest
import yaml
from channel_kit import FakeGraphAPI
from hypothesis import given
from hypothesis import strategies as st

from bot.channels import common, whatsapp
from bot.channels.common import IssuedPayloads
from bot.channels.telegram_gateway import GatewayConfig, keyboard, pressed_button_text, secret_matches
from bot.channels.whatsapp import (
    GraphClient,
    WhatsAppConfig,
    WhatsAppInput,
    choice_messages,
    parse_webhook,
    sign,
    signature_valid,
    text_messages,
)


# ------------------------------------------------------------------------------ texts
def test_channel_texts_are_complete_and_their_figures_are_sourced() -> None:
    data = yaml.safe_load(common.TEXTS_FILE.read_text(encoding="utf-8"))
    declared = {f["value"] for f in data["figures"] if f.get("source")}
    for key in common.REQUIRED_TEXTS:
        value = common.text(key)
        for figure in re.findall(r"\d[\d ]*\d|\d", value):
            assert figure.strip() in declared, f"{key}: figure {figure!r} has no source in {common.TEXTS_FILE}"
    assert "010 267 26 53" in common.text("unavailable")
    assert len(common.text("list_button")) <= whatsapp.LIST_BUTTON_LIMIT


# --------------------------------------------------------------------------- splitting
@given(st.text(alphabet=st.sampled_from("ab .\n"), max_size=600), st.integers(min_value=5, max_value=80))
def test_split_text_respects_the_limit_and_keeps_every_word(message: str, limit: int) -> None:
    parts = common.split_text(message, limit)
    assert all(0 < len(p) <= limit for p in parts)
    assert "".join("".join(parts).split()) == "".join(message.split())


def test_split_text_prefers_paragraphs_then_sentences() -> None:
    para = "Eerste alinea. " * 10
    parts = common.split_text(f"{para.strip()}\n\nTweede alinea.", 160)
    assert parts == [para.strip(), "Tweede alinea."]
    long_sentences = "Dit is een zin. " * 400
    parts = common.split_text(long_sentences, whatsapp.TEXT_LIMIT)
    assert len(parts) == 2 and all(p.endswith(".") for p in parts)
    assert common.split_text("x" * 10, 4) == ["xxxx", "xxxx", "xx"]
    assert common.split_text("   ", 10) == []


def test_shorten_and_typed_text() -> None:
    assert common.shorten("Geen geld voor babyspullen", 20) == "Geen geld voor baby…"
    assert len(common.shorten("Geen geld voor babyspullen", 20)) == 20
    assert common.shorten("Kort", 20) == "Kort"
    assert common.typed_text('/consent{"reg_consent": true}') == 'consent{"reg_consent": true}'
    assert common.typed_text("  //greet ") == "greet"
    assert common.typed_text("hoi / doei") == "hoi / doei"


# -------------------------------------------------------------------------- signatures
def test_signature_check() -> None:
    raw = b'{"object": "whatsapp_business_account", "entry": []}'
    good = "sha256=" + hmac.new(b"app-secret", raw, hashlib.sha256).hexdigest()
    assert sign("app-secret", raw) == good
    assert signature_valid("app-secret", raw, good)
    assert signature_valid("app-secret", raw, good.upper().replace("SHA256=", "sha256="))
    assert not signature_valid("app-secret", raw + b" ", good)
    assert not signature_valid("other-secret", raw, good)
    assert not signature_valid("app-secret", raw, good.removeprefix("sha256="))
    assert not signature_valid("app-secret", raw, None)
    assert not signature_valid("", raw, sign("", raw)), "no secret configured: nothing is valid"
    reserialised = json.dumps(json.loads(raw), separators=(",", ":")).encode()
    assert reserialised != raw and not signature_valid("app-secret", reserialised, good)


# ----------------------------------------------------------------------------- parsing
def _body(*messages, phone_number_id: str = "PN", statuses=None) -> dict:
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": phone_number_id}}
    if messages:
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = statuses
    return {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": value}]}]}


def _msg(kind: str, **content) -> dict:
    return {"from": "31612345678", "id": f"wamid.{kind}", "timestamp": "1", "type": kind, **content}


def test_parse_webhook_kinds() -> None:
    messages = parse_webhook(
        _body(
            _msg("text", text={"body": " hoi "}),
            _msg("interactive", interactive={"type": "button_reply", "button_reply": {"id": "/greet", "title": "Hoi"}}),
            {**_msg("interactive", interactive={"type": "list_reply", "list_reply": {"id": "/find_group", "title": "G"}}),
             "id": "wamid.list"},
            _msg("button", button={"payload": "/affirm", "text": "Ja"}),
            _msg("image", image={"id": "1"}),
            _msg("audio", audio={"id": "2", "voice": True}),
            _msg("location", location={"latitude": 1, "longitude": 2}),
            _msg("sticker", sticker={"id": "3"}),
            _msg("reaction", reaction={"message_id": "x", "emoji": "👍"}),
            _msg("text", text={"body": "   "}),
            {"type": "text", "text": {"body": "no id or sender"}},
        ),
        "PN",
    )
    assert [(m.kind, m.text, m.title) for m in messages] == [
        ("text", "hoi", ""),
        ("payload", "/greet", "Hoi"),
        ("payload", "/find_group", "G"),
        ("payload", "/affirm", "Ja"),
        ("other", "", ""),
        ("other", "", ""),
        ("other", "", ""),
        ("other", "", ""),
    ]
    assert {m.wa_id for m in messages} == {"31612345678"}


def test_parse_webhook_ignores_statuses_other_numbers_and_other_objects() -> None:
    status = [{"id": "wamid.out", "status": "read", "recipient_id": "31612345678"}]
    assert parse_webhook(_body(statuses=status), "PN") == []
    assert parse_webhook(_body(_msg("text", text={"body": "hoi"}), phone_number_id="OTHER"), "PN") == []
    assert len(parse_webhook(_body(_msg("text", text={"body": "hoi"}), phone_number_id="OTHER"), None)) == 1
    assert parse_webhook({"object": "page", "entry": []}) == []
    assert parse_webhook(["not", "a", "dict"]) == []
    assert parse_webhook({"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "account"}]}]}) == []


# --------------------------------------------------------------------- outgoing mapping
def _buttons(n: int, title: str = "Keuze nummer {i} met een lange titel") -> list[dict]:
    return [{"title": title.format(i=i), "payload": f"/choice_{i}"} for i in range(1, n + 1)]


def test_text_is_split_at_the_api_limit() -> None:
    messages = text_messages("316", "woord " * 2000)
    assert len(messages) == 3
    assert all(m["type"] == "text" and len(m["text"]["body"]) <= 4096 and m["to"] == "316" for m in messages)


CONV = "conversation-pseudonym"


def test_up_to_three_choices_become_reply_buttons() -> None:
    ids = IssuedPayloads()
    (message,) = choice_messages("316", "Kies:", _buttons(3), ids, CONV)
    interactive = message["interactive"]
    assert interactive["type"] == "button" and interactive["body"] == {"text": "Kies:"}
    buttons = interactive["action"]["buttons"]
    assert [ids.resolve(CONV, b["reply"]["id"]) for b in buttons] == ["/choice_1", "/choice_2", "/choice_3"]
    assert not any(b["reply"]["id"].startswith("/") for b in buttons), "ids are issued, never the bare payload"
    assert all(b["type"] == "reply" and len(b["reply"]["title"]) <= 20 for b in buttons)


def test_four_to_ten_choices_become_a_list() -> None:
    for n in (4, 10):
        (message,) = choice_messages("316", "Kies:", _buttons(n), IssuedPayloads(), CONV)
        interactive = message["interactive"]
        assert interactive["type"] == "list"
        rows = interactive["action"]["sections"][0]["rows"]
        assert len(rows) == n
        assert all(len(r["title"]) <= 24 and len(r.get("description", "")) <= 72 for r in rows)
        assert rows[0]["description"] == "Keuze nummer 1 met een lange titel"
        assert len(interactive["action"]["button"]) <= 20


def test_more_than_ten_choices_degrade_to_a_list_plus_text() -> None:
    list_message, rest = choice_messages("316", "Kies:", _buttons(12, "Optie {i}"), IssuedPayloads(), CONV)
    assert len(list_message["interactive"]["action"]["sections"][0]["rows"]) == 10
    assert rest["type"] == "text"
    assert rest["text"]["body"].splitlines()[1:] == ["- Optie 11", "- Optie 12"]


def test_long_body_goes_first_as_text_and_empty_body_gets_a_prompt() -> None:
    messages = choice_messages("316", "Lange uitleg. " * 100, _buttons(2), IssuedPayloads(), CONV)
    assert [m["type"] for m in messages] == ["text", "interactive"]
    assert len(messages[1]["interactive"]["body"]["text"]) <= 1024
    (message,) = choice_messages("316", None, _buttons(2), IssuedPayloads(), CONV)
    assert message["interactive"]["body"]["text"] == common.text("choose")
    assert choice_messages("316", "Alleen tekst", [], IssuedPayloads(), CONV)[0]["type"] == "text"


def test_long_payloads_get_a_short_id_that_maps_back() -> None:
    ids = IssuedPayloads()
    payload = '/request_registration{"reg_note": "' + "x" * 300 + '"}'
    buttons = [{"title": "Lang", "payload": payload}, {"title": "Kort", "payload": "/greet"},
               {"title": "Dubbel", "payload": "/greet"}]
    (message,) = choice_messages("316", "Kies:", buttons, ids, CONV)
    reply_ids = [b["reply"]["id"] for b in message["interactive"]["action"]["buttons"]]
    assert len(reply_ids) == 2, "duplicate payloads are dropped"
    assert reply_ids[0].startswith("h1") and len(reply_ids[0]) <= 256
    assert ids.resolve_or_title(CONV, reply_ids[0], "Lang") == payload
    assert ids.resolve_or_title(CONV, reply_ids[1], "Kort") == "/greet"
    assert IssuedPayloads().resolve_or_title(CONV, reply_ids[0], "/Lang") == "Lang", \
        "unknown after a restart: the title, no bypass"
    assert IssuedPayloads().resolve(CONV, reply_ids[1]) == "/greet", "short payloads survive a restart"


# ------------------------------------------------------------------------------ config
def test_config_from_env_and_credentials() -> None:
    env = {"WHATSAPP_VERIFY_TOKEN": "v", "WHATSAPP_APP_SECRET": "s", "WHATSAPP_ACCESS_TOKEN": "t",
           "WHATSAPP_PHONE_NUMBER_ID": "123"}
    config = WhatsAppConfig.from_sources(None, env)
    assert config.enabled and config.messages_url == "https://graph.facebook.com/v21.0/123/messages"
    config = WhatsAppConfig.from_sources({"api_version": "v22.0", "phone_number_id": "9"}, env)
    assert config.messages_url == "https://graph.facebook.com/v22.0/9/messages"
    empty = WhatsAppConfig.from_sources({}, {})
    assert not empty.enabled
    assert empty.missing() == ["WHATSAPP_VERIFY_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_ACCESS_TOKEN",
                               "WHATSAPP_PHONE_NUMBER_ID"]


def test_api_version_is_not_hard_coded_elsewhere() -> None:
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(p.relative_to(root)) for p in (root / "bot").rglob("*.py")
        if p.name != "whatsapp.py" and re.search(r"graph\.facebook\.com|\bv\d+\.0/", p.read_text(errors="ignore"))
    ]
    assert offenders == []


# -------------------------------------------------------------- the channel, in-process
def test_inactive_channel_answers_503() -> None:
    channel = WhatsAppInput(WhatsAppConfig())
    assert channel.verify({"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"})[0] == 503
    assert channel.receive(b"{}", sign("", b"{}"), None)[0] == 503


def test_channel_processes_in_the_background_once_and_pseudonymously(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PSEUDONYM_SECRET", "unit-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    graph = FakeGraphAPI("tok", "PN").start()
    config = WhatsAppConfig("v", "app", "tok", "PN", graph.url)
    received = []

    async def on_new_message(message) -> None:
        received.append(message)
        await message.output_channel.send_response(
            message.sender_id, {"text": "Antwoord", "buttons": [{"title": "Ja", "payload": "/affirm"}]}
        )

    async def scenario() -> None:
        channel = WhatsAppInput(config, GraphClient(config, backoff=0.01))
        raw = json.dumps(_body(_msg("text", text={"body": "/greet"}), _msg("image"))).encode()
        assert channel.receive(raw, "sha256=bad", on_new_message) == (403, "forbidden")
        assert channel.receive(raw, sign("app", raw), on_new_message) == (200, "ok")
        assert channel.receive(raw, sign("app", raw), on_new_message) == (200, "ok")  # re-delivery
        await channel.drain()
        await channel.client.close()

    try:
        asyncio.run(scenario())
    finally:
        graph.stop()
    assert len(received) == 1
    message = received[0]
    assert message.text == "greet", "typed '/greet' does not bypass NLU"
    assert message.sender_id == hmac.new(b"unit-secret", b"31612345678", hashlib.sha256).hexdigest()
    assert message.input_channel == "whatsapp"
    assert message.message_id == common.message_key("whatsapp", "wamid.text") != "wamid.text"
    # Two webhooks are processed concurrently: the order between them is not fixed.
    assert sorted(m["type"] for m in graph.sent) == ["interactive", "text"]
    assert all(m["to"] == "31612345678" for m in graph.sent)
    assert [m["text"]["body"] for m in graph.sent if m["type"] == "text"] == [common.text("only_text")]


def test_silence_is_never_the_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("PSEUDONYM_SECRET", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    graph = FakeGraphAPI("tok", "PN").start()
    config = WhatsAppConfig("v", "app", "tok", "PN", graph.url)

    async def broken(message) -> None:
        raise RuntimeError("agent failed")

    async def scenario() -> None:
        channel = WhatsAppInput(config, GraphClient(config, backoff=0.01))
        raw = json.dumps(_body(_msg("text", text={"body": "hoi"}))).encode()
        channel.receive(raw, sign("app", raw), broken)
        await channel.drain()
        await channel.client.close()

    try:
        asyncio.run(scenario())
    finally:
        graph.stop()
    assert [m["text"]["body"] for m in graph.sent] == [common.text("unavailable")]


def test_graph_client_retries_429_and_5xx_but_not_4xx() -> None:
    graph = FakeGraphAPI("tok", "PN").start()
    config = WhatsAppConfig("v", "app", "tok", "PN", graph.url)
    message = text_messages("316", "hoi")[0]

    async def scenario() -> list[bool]:
        client = GraphClient(config, attempts=3, backoff=0.01)
        results = []
        graph.fail_next(429, 500)
        results.append(await client.send(message))
        graph.fail_next(400)
        results.append(await client.send(message))
        graph.fail_next(503, 503, 503)
        results.append(await client.send(message))
        await client.close()
        return results

    try:
        assert asyncio.run(scenario()) == [True, False, False]
        assert graph.requests == 3 + 1 + 3
        assert len(graph.sent) == 1
    finally:
        graph.stop()


def test_graph_client_gives_up_when_the_api_is_unreachable() -> None:
    config = WhatsAppConfig("v", "app", "tok", "PN", "http://127.0.0.1:9")
    client = GraphClient(config, attempts=2, backoff=0.01, timeout=2)

    async def scenario() -> bool:
        try:
            return await client.send(text_messages("316", "hoi")[0])
        finally:
            await client.close()

    assert asyncio.run(scenario()) is False


# ---------------------------------------------------------------------------- telegram
def test_telegram_keyboard_and_callback_data() -> None:
    ids = IssuedPayloads()
    long_payload = '/find_group{"group_postcode": "' + "9" * 80 + '"}'
    markup = keyboard([{"title": "Welke hulp is er?", "payload": "/ask_capabilities"},
                       {"title": "Zoek", "payload": long_payload}, {"title": "", "payload": "/x"}], ids, CONV)
    rows = markup.inline_keyboard
    assert [len(r) for r in rows] == [1, 1]
    assert ids.resolve(CONV, rows[0][0].callback_data) == "/ask_capabilities"
    assert len(rows[0][0].callback_data.encode()) <= 64
    data = rows[1][0].callback_data
    assert data.startswith("h1") and len(data.encode()) <= 64
    assert ids.resolve_or_title(CONV, data, "Zoek") == long_payload
    assert IssuedPayloads().resolve_or_title(CONV, data, "/Zoek") == "Zoek"
    assert keyboard([], ids, CONV) is None

    class Message:
        reply_markup = markup

    assert pressed_button_text(Message(), data) == "Zoek"
    assert pressed_button_text(None, data) == ""


def test_telegram_config_and_secret() -> None:
    config = GatewayConfig.from_env({"TELEGRAM_BOT_TOKEN": " 1:a ", "RASA_URL": "http://rasa:5005/"})
    assert config.token == "1:a" and config.rasa_url == "http://rasa:5005"
    assert config.api_base == "https://api.telegram.org/bot" and not config.webhook_url
    assert secret_matches("s", "s") and not secret_matches("s", "t") and not secret_matches("s", None)
    assert not secret_matches("", ""), "an empty secret never matches"
