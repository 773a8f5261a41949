"""Telegram end to end: the gateway process (python-telegram-bot) between a fake Bot API server and
a real Rasa + action server."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from channel_kit import PSEUDONYM_SECRET, REST_TOKEN, FakeTelegramAPI, issued_id, sender_key

from bot.channels.common import text as channel_text
from bot.testing.stack import ROOT, base_env, free_port

UNAVAILABLE = channel_text("unavailable")


def start_gateway(api: FakeTelegramAPI, rasa_url: str, workdir: Path, **extra: str) -> subprocess.Popen:
    env = base_env({
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE": api.base_url,
        "RASA_URL": rasa_url,
        "VAR_DIR": str(workdir),
        "PSEUDONYM_SECRET": PSEUDONYM_SECRET,
        "RASA_REST_TOKEN": REST_TOKEN,
        "DATABASE_URL": "",
        **extra,
    })
    log = (workdir / f"gateway-{uuid.uuid4().hex[:6]}.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "bot.channels.telegram_gateway"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def gateway(channel_stack, telegram_api: FakeTelegramAPI, tmp_path_factory: pytest.TempPathFactory):
    proc = start_gateway(telegram_api, channel_stack.url, tmp_path_factory.mktemp("telegram"))
    try:
        telegram_api.wait_for(lambda: "getUpdates" in telegram_api.methods(), timeout=60)
        yield proc
    finally:
        stop(proc)


def _buttons(message: dict) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def test_full_conversation_with_an_inline_button(gateway, telegram_api: FakeTelegramAPI, channel_stack) -> None:
    chat = 700_000_000 + uuid.uuid4().int % 1_000_000

    # /start greets with the menu as an inline keyboard, after a 'typing' action.
    telegram_api.user_message(chat, "/start")
    greeting = telegram_api.wait_for(lambda: telegram_api.received(chat))[-1]
    assert "Stevige Start" in greeting["text"]
    conversation = sender_key(f"telegram:{chat}")
    menu = _buttons(greeting)
    assert ("Welke hulp is er?", issued_id(conversation, "/ask_capabilities")) in menu and len(menu) == 4
    actions = [p for m, p in telegram_api.calls if m == "sendChatAction" and int(p["chat_id"]) == chat]
    assert actions and actions[0]["action"] == "typing"

    # Pressing a button sends its payload, answers the callback query and removes the keyboard.
    telegram_api.press(chat, greeting, issued_id(conversation, "/ask_capabilities"))
    answer = telegram_api.wait_for(lambda: telegram_api.received(chat)[1:])[-1]
    assert "Ik kan je vertellen" in answer["text"]
    assert [p for _, p in _buttons(answer)] == [
        issued_id(conversation, p) for p in ("/info_homestart", "/info_babystartpakket", "/request_human")]
    methods = telegram_api.methods()
    assert "answerCallbackQuery" in methods and "editMessageReplyMarkup" in methods

    # Callback data the bot did not issue (a modified client can send any) is not a payload.
    answered = sum(1 for m in telegram_api.methods() if m == "answerCallbackQuery")
    telegram_api.press(chat, answer, "/safety_suicide")
    telegram_api.wait_for(lambda: sum(1 for m in telegram_api.methods() if m == "answerCallbackQuery") > answered)

    # Typed text goes through NLU: a typed '/intent' loses its slash, so it cannot bypass NLU.
    telegram_api.user_message(chat, "/request_human please")
    reply = telegram_api.wait_for(lambda: telegram_api.received(chat)[2:])
    assert reply[0]["text"].strip()

    # A photo gets the 'only text' answer without bothering Rasa.
    telegram_api.user_message(chat, None, photo=[{"file_id": "f1", "file_unique_id": "u1", "width": 9, "height": 9}])
    # (the hand-off above may still be arriving in more than one message: wait for the answer itself)
    photo_answer = telegram_api.wait_for(
        lambda: [m for m in telegram_api.received(chat)[2:] if m["text"] == channel_text("only_text")])
    assert photo_answer[-1]["text"] == channel_text("only_text")

    # Rasa saw a pseudonym, never the chat id.
    tracker = channel_stack.tracker(sender_key(f"telegram:{chat}"))
    user_texts = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert user_texts == ["/greet", "/ask_capabilities", "request_human please"]
    assert tracker["latest_input_channel"] == "telegram"
    assert str(chat) not in channel_stack.log_text()


def test_rasa_down_gives_an_apology_in_webhook_mode(tmp_path: Path) -> None:
    """Webhook mode with a secret token, and Rasa unreachable: a Dutch apology, never silence."""
    api = FakeTelegramAPI("4243:" + uuid.uuid4().hex).start()
    port, secret = free_port(), "s3cret-" + uuid.uuid4().hex
    dead_rasa = f"http://127.0.0.1:{free_port()}"
    proc = start_gateway(
        api, dead_rasa, tmp_path,
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/webhook", TELEGRAM_WEBHOOK_SECRET=secret,
        TELEGRAM_WEBHOOK_PORT=str(port),
    )
    try:
        registered = api.wait_for(lambda: [p for m, p in api.calls if m == "setWebhook"], timeout=60)[0]
        assert registered["secret_token"] == secret
        chat = 12345
        update = {
            "update_id": 1,
            "message": {"message_id": 1, "date": 1700000000, "chat": {"id": chat, "type": "private"},
                        "from": {"id": chat, "is_bot": False, "first_name": "T"}, "text": "hoi"},
        }

        def post(headers: dict[str, str]) -> int:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/telegram/webhook", data=json.dumps(update).encode(),
                headers={"Content-Type": "application/json", **headers}, method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as resp:
                    return resp.status
            except urllib.error.HTTPError as exc:
                return exc.code

        assert post({}) == 403
        assert post({"X-Telegram-Bot-Api-Secret-Token": "wrong"}) == 403
        assert post({"X-Telegram-Bot-Api-Secret-Token": secret}) == 200
        apology = api.wait_for(lambda: api.received(chat))
        assert len(apology) == 1, "only the request with the secret token was processed"
        assert apology[0]["text"] == UNAVAILABLE
        # Telegram delivers the same update again, then a new one: only the new one is answered.
        assert post({"X-Telegram-Bot-Api-Secret-Token": secret}) == 200
        update["update_id"] = 2
        assert post({"X-Telegram-Bot-Api-Secret-Token": secret}) == 200
        api.wait_for(lambda: len(api.received(chat)) >= 2)
        time.sleep(1.0)
        assert len(api.received(chat)) == 2
        assert "010 267 26 53" in UNAVAILABLE and "Sorry" in UNAVAILABLE
    finally:
        stop(proc)
        api.stop()
