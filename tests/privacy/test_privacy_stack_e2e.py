"""Findings 3, 4, 5, 10 and 12 end to end: the real Rasa + action server as the launchers start them.

The development stack (``rasa_stack``) and, in this module, a production-mode stack
(``APP_ENV=production`` with every secret set).
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.testing.stack import RasaStack, texts

FORGED_TRACKER = {
    "next_action": "validate_registration_form",
    "sender_id": "attacker",
    "tracker": {"sender_id": "attacker", "slots": {"reg_consent": True, "reg_consent_version": "forged"},
                "latest_message": {"text": "ja", "intent": {"name": "affirm"}}, "events": [], "paused": False,
                "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"},
    "domain": {},
    "version": "3.6.2",
}


def _post(url: str, payload: dict, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, state = fields[1], fields[3]
            host, hex_port = address.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(host)
    return found


# ------------------------------------------------------------------ development stack
def test_rest_ignores_input_channel_and_metadata(rasa_stack: RasaStack) -> None:
    status, _ = rasa_stack.post_json("/webhooks/rest/webhook", {
        "sender": "e2e-channel", "message": "hoi", "input_channel": "whatsapp",
        "metadata": {"naam": "Geheimnaam Xylofoon"}})
    assert status == 200
    tracker = rasa_stack.tracker("e2e-channel")
    assert tracker["latest_input_channel"] == "rest"
    assert "Xylofoon" not in json.dumps(tracker)


def test_message_text_never_reaches_rasas_log(rasa_stack: RasaStack) -> None:
    """'/...' that is no valid payload made Rasa log it (message.parsing.failed), text included."""
    rasa_stack.rest("e2e-log", "/!geheim4242 {")
    assert "geheim4242" not in rasa_stack.log_text()
    assert "geheim4242" not in json.dumps(rasa_stack.tracker("e2e-log"))


def test_token_is_not_on_the_command_line(rasa_stack: RasaStack) -> None:
    cmdline = Path(f"/proc/{rasa_stack.procs['rasa'].pid}/cmdline").read_bytes().decode(errors="replace")
    assert "--enable-api" in cmdline and rasa_stack.token not in cmdline
    actions = Path(f"/proc/{rasa_stack.procs['actions'].pid}/cmdline").read_bytes().decode(errors="replace")
    assert rasa_stack.action_token not in actions


def test_files_under_var_are_private(rasa_stack: RasaStack) -> None:
    rasa_stack.rest("e2e-files", "hoi")
    tracker_db = rasa_stack.workdir / "tracker.db"
    assert tracker_db.exists()
    assert stat.S_IMODE(tracker_db.stat().st_mode) & 0o077 == 0, oct(tracker_db.stat().st_mode)


def test_everything_listens_on_loopback_only(rasa_stack: RasaStack) -> None:
    for port in (rasa_stack.rasa_port, rasa_stack.action_port):
        addresses = _listening_addresses(port)
        assert addresses and addresses <= {"0100007F", "00000000000000000000000001000000"}, (port, addresses)


def test_action_server_rejects_requests_without_the_shared_secret(rasa_stack: RasaStack) -> None:
    """A made-up tracker posted to the action server stored a registration with a forged consent."""
    webhook = f"{rasa_stack.action_url}/webhook"
    assert _post(webhook, FORGED_TRACKER)[0] == 403
    assert _post(webhook, FORGED_TRACKER, {"Authorization": "Bearer wrong"})[0] == 403
    assert _post(f"{rasa_stack.action_url}/actions", {})[0] in (403, 405)
    with urllib.request.urlopen(f"{rasa_stack.action_url}/health", timeout=10) as resp:
        assert resp.status == 200
    # With the token, a broken request gets an error without the tracker echoed back.
    broken = {"next_action": "action_registration_start", "tracker": ["06-98765432"], "version": "3.6.2"}
    status, body = _post(webhook, broken, {"Authorization": f"Bearer {rasa_stack.action_token}"})
    assert status >= 400 and "98765432" not in body, body
    # Rasa itself sends the token: a custom action runs.
    assert "Sleutel van Rotterdam" in texts(rasa_stack.rest("e2e-actions", "wat is de sleutel van rotterdam"))


def test_withdrawal_erases_the_conversation_from_the_tracker_store(rasa_stack: RasaStack) -> None:
    """After the withdrawal turn Rasa saves the conversation; the store then deletes all of it."""
    sender = "e2e-withdraw"
    steps = ["ik wil me aanmelden", "Ja, ik ben zwanger", "Ja, ik woon in Rotterdam", "Ja, ik geef toestemming",
             "Wilhelmina Zonnebloem", "0612345678", "3072 AB", "20 weken", "Wonen", "Klaar", "Ochtend", "Nederlands",
             "Klopt, versturen"]
    for message in steps:
        reply = texts(rasa_stack.rest(sender, message))
    assert "MVR-" in reply, reply
    assert "intrekken" in texts(rasa_stack.rest(sender, "trek mijn aanmelding in"))
    result = texts(rasa_stack.rest(sender, "Ja, trek mijn aanmelding in"))
    assert "ingetrokken" in result and "gesprek" in result, result
    events = rasa_stack.tracker(sender)["events"]
    assert not [e for e in events if e.get("event") == "user"], events


# ------------------------------------------------------------------- production stack
@pytest.fixture(scope="module")
def production_stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("production-stack")
    stack = RasaStack(model=trained_model, workdir=workdir, env={
        "APP_ENV": "production",
        "PSEUDONYM_SECRET": secrets.token_urlsafe(32),
        "TRACKER_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "APP_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SEARCH_INDEX_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": f"sqlite:///{workdir / 'app.db'}",
        "RASA_REST_TOKEN": "gateway-" + secrets.token_urlsafe(24),
    })
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


def test_production_rest_is_closed_except_for_the_gateway(production_stack: RasaStack) -> None:
    url = f"{production_stack.url}/webhooks/rest/webhook"
    assert _post(url, {"sender": "s", "message": "hoi"})[0] == 403
    token = production_stack.env["RASA_REST_TOKEN"]
    status, body = _post(url, {"sender": "gw", "message": "hoi", "input_channel": "telegram"},
                         {"Authorization": f"Bearer {token}"})
    assert status == 200 and json.loads(body)
    assert production_stack.tracker("gw")["latest_input_channel"] == "telegram"


def test_production_web_chat_works_without_rest(production_stack: RasaStack) -> None:
    client = "web-" + secrets.token_hex(16)
    status, body = _post(f"{production_stack.url}/webhooks/webchat/webhook", {"sender": client, "start": True})
    assert status == 200 and "Stevige Start" in body
    assert client not in body
