"""The shipped configuration without WhatsApp settings (like a plain `make run`): Rasa starts, the
WhatsApp webhook answers 503, REST and the web chat page work. Uses the suite's shared stack."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from bot.channels.whatsapp import sign


def _status(request: urllib.request.Request | str) -> int:
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_whatsapp_is_inactive_without_settings_and_rasa_runs(rasa_stack) -> None:
    hook = f"{rasa_stack.url}/webhooks/whatsapp/webhook"
    assert _status(f"{hook}?hub.mode=subscribe&hub.verify_token=&hub.challenge=1") == 503
    raw = json.dumps({"object": "whatsapp_business_account", "entry": []}).encode()
    post = urllib.request.Request(hook, data=raw, headers={"X-Hub-Signature-256": sign("", raw)}, method="POST")
    assert _status(post) == 503
    with urllib.request.urlopen(f"{rasa_stack.url}/webhooks/whatsapp/", timeout=10) as resp:
        assert json.loads(resp.read()) == {"status": "inactive"}
    assert "WhatsApp channel inactive" in rasa_stack.log_text()
    assert _status(f"{rasa_stack.url}/webhooks/webchat/") == 200
    assert rasa_stack.rest("inactive-check", "/greet")
