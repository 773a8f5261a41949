"""The web chat: a small chat page (GET ``/webhooks/webchat/``) and its own message endpoint.

Enabled in credentials.yml with ``bot.channels.webchat.WebChatInput:``. The page (HTML + inline JS,
no external assets) posts to ``/webhooks/webchat/webhook`` on the same server with a random id per
browser tab. This endpoint, unlike Rasa's REST channel, is safe to publish:

- the Rasa sender id is a pseudonym of the tab's id (the id itself is never stored);
- ``input_channel`` is always ``webchat`` and no client metadata is passed on;
- typed text never reaches Rasa as a ``/command``; a button press names an id the bot issued to
  this conversation (``common.IssuedPayloads``), anything else counts as typing the button's title;
- the greeting is started by the server (``{"start": true}``), not by a client payload.

Rate limits per IP address are set in nginx (deploy/nginx.conf). ``WEBCHAT_ENABLED=false`` switches
page and endpoint off (404).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import common, loop_hook

log = logging.getLogger(__name__)

CHANNEL = "webchat"
PAGE = Path(__file__).resolve().with_name("webchat.html")
GREET_PAYLOAD = "/greet"
# What the page generates: "web-" + 32 hex characters (16 random bytes).
CLIENT_ID = re.compile(r"^web-[0-9a-f]{32}$")
TEXT_LIMIT = 2000  # the page allows 1000 characters
BUTTON_ID_LIMIT = 512


@lru_cache(maxsize=1)
def _template() -> str:
    return PAGE.read_text(encoding="utf-8")


def render_page(nonce: str) -> str:
    """The chat page with its texts; the config JSON is escaped so it cannot close the script tag."""
    config = json.dumps({"unavailable": common.text("unavailable")})
    config = config.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return _template().replace("{{NONCE}}", nonce).replace("{{CONFIG_JSON}}", config)


def security_headers(nonce: str) -> dict[str, str]:
    csp = (
        "default-src 'none'; "
        f"script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        "connect-src 'self'; img-src 'self' https: data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }


def _inbox_sync(conversation: str) -> list[str]:
    from bot.loop.adapters import sender_keys_for
    from bot.store.threads import webchat_inbox

    return [m.text for m in webchat_inbox(sender_keys_for(conversation, None))]


class BadRequest(ValueError):
    """The request body is not a web chat message."""


def message_text(body: Any, conversation: str, ids: common.IssuedPayloads) -> str:
    """What to send to Rasa for one request body (already checked to be a dict with a sender)."""
    if body.get("start") is True:
        return GREET_PAYLOAD
    if "button" in body:
        button, title = body.get("button"), body.get("title")
        if not isinstance(button, str) or not isinstance(title, str) or len(button) > BUTTON_ID_LIMIT:
            raise BadRequest("button and title must be strings")
        return ids.resolve_or_title(conversation, button, title[:TEXT_LIMIT])
    message = body.get("message")
    if not isinstance(message, str):
        raise BadRequest("message must be a string")
    return common.typed_text(message[:TEXT_LIMIT])


def issue_buttons(reply: Mapping[str, Any], conversation: str, ids: common.IssuedPayloads) -> dict[str, Any]:
    """A reply for the page: buttons carry issued ids instead of their payloads; no recipient id."""
    out = {key: value for key, value in reply.items() if key in ("text", "image")}
    buttons = reply.get("buttons") or reply.get("quick_replies") or []
    issued = []
    for button in buttons:
        title = " ".join(str(button.get("title") or "").split())
        payload = str(button.get("payload") or "").strip() or title
        if title:
            issued.append({"title": title, "id": ids.encode(conversation, payload, BUTTON_ID_LIMIT)})
    if issued:
        out["buttons"] = issued
    return out


class WebChatInput(InputChannel):
    """Serves the chat page and takes its messages (see the module doc)."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatInput:
        value = str((credentials or {}).get("enabled") or os.environ.get("WEBCHAT_ENABLED", "true"))
        return cls(enabled=value.strip().lower() not in {"0", "false", "no", "off"})

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.ids = common.IssuedPayloads()

    async def converse(
        self, body: Any, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> tuple[int, list[dict[str, Any]] | dict[str, str]]:
        """Handle one request body; (HTTP status, JSON answer)."""
        if not isinstance(body, dict) or not isinstance(body.get("sender"), str) or not CLIENT_ID.match(body["sender"]):
            return 400, {"error": "bad request"}
        conversation = common.pseudonym(CHANNEL, body["sender"])
        try:
            text = message_text(body, conversation, self.ids)
        except BadRequest:
            return 400, {"error": "bad request"}
        if not text:
            return 400, {"error": "empty message"}
        # The address of a web chat is its pseudonym: staff messages wait until the page asks.
        decision = await loop_hook.inbound(CHANNEL, conversation, conversation, None, text)
        if not decision.forward:  # a staff member has the conversation: the bot is silent
            # ... except the safety net. "handoff" tells the page that no bot answer is coming.
            return 200, [{"handoff": True, **({"text": decision.reply} if decision.reply else {})}]
        collector = CollectingOutputChannel()
        try:
            await on_new_message(UserMessage(text, collector, conversation, input_channel=CHANNEL))
        except Exception as exc:  # noqa: BLE001 - never log the text; the page shows its apology
            log.error("webchat: handling a message failed: %s", exc.__class__.__name__)
            return 500, {"error": "unavailable"}
        await loop_hook.after_turn(CHANNEL, conversation, conversation, None)
        return 200, [issue_buttons(m, conversation, self.ids) for m in collector.messages]

    async def inbox(self, body: Any) -> tuple[int, list[dict[str, Any]] | dict[str, str]]:
        """Messages from the aanmeldpunt for this conversation that the page has not shown yet."""
        if not isinstance(body, dict) or not isinstance(body.get("sender"), str) or not CLIENT_ID.match(body["sender"]):
            return 400, {"error": "bad request"}
        conversation = common.pseudonym(CHANNEL, body["sender"])
        try:
            found = await asyncio.get_running_loop().run_in_executor(None, _inbox_sync, conversation)
        except Exception as exc:  # noqa: BLE001 - the page asks again later
            log.error("webchat: reading the inbox failed: %s", exc.__class__.__name__)
            return 503, {"error": "unavailable"}
        return 200, [{"text": text, "from": "aanmeldpunt"} for text in found]

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        page = Blueprint("webchat_page", __name__)

        @page.route("/", methods=["GET"])
        async def chat(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.text("not found", status=404)
            if not request.path.endswith("/"):
                # Relative links in the page assume the trailing slash.
                return response.redirect(request.path + "/")
            nonce = secrets.token_urlsafe(16)
            return response.html(render_page(nonce), headers=security_headers(nonce))

        async def answer_json(request: Request,
                              handle: Callable[[Any], Awaitable[tuple[int, Any]]]) -> HTTPResponse:
            """Parse the JSON body, let ``handle`` answer it; 404 when the web chat is off."""
            if not self.enabled:
                return response.text("not found", status=404)
            try:
                body = json.loads(request.body or b"null")
            except ValueError:
                return response.json({"error": "bad request"}, status=400)
            status, answer = await handle(body)
            return response.json(answer, status=status, headers={"Cache-Control": "no-store"})

        @page.route("/inbox", methods=["POST"])
        async def inbox(request: Request) -> HTTPResponse:
            return await answer_json(request, self.inbox)

        @page.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await answer_json(request, lambda body: self.converse(body, on_new_message))

        return page
