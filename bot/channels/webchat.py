"""A small chat page for trying the assistant in a browser: GET ``/webhooks/webchat/``.

Enabled in credentials.yml with ``bot.channels.webchat.WebChatInput:``. The page (HTML + inline JS,
no external assets) talks to Rasa's REST channel on the same server (``/webhooks/rest/webhook``)
with a random sender id per browser tab, and shows buttons. ``WEBCHAT_ENABLED=false`` switches the
page off (404), e.g. in production where only WhatsApp and Telegram are offered.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Awaitable, Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import common

PAGE = Path(__file__).resolve().with_name("webchat.html")
GREET_PAYLOAD = "/greet"


@lru_cache(maxsize=1)
def _template() -> str:
    return PAGE.read_text(encoding="utf-8")


def render_page(nonce: str) -> str:
    """The chat page with its texts; the config JSON is escaped so it cannot close the script tag."""
    config = json.dumps({"unavailable": common.text("unavailable"), "greet_payload": GREET_PAYLOAD})
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


class WebChatInput(InputChannel):
    """Serves the chat page; the messages themselves go through the REST channel."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WebChatInput:
        value = str((credentials or {}).get("enabled") or os.environ.get("WEBCHAT_ENABLED", "true"))
        return cls(enabled=value.strip().lower() not in {"0", "false", "no", "off"})

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled

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

        return page
