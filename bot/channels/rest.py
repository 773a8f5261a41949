"""Rasa's REST channel with guards: ``bot.channels.rest.GuardedRestInput`` (URL ``/webhooks/rest/webhook``).

REST is the channel for development, tests, the load test and internal gateways (the Telegram
gateway). It is not a public channel: anyone who can reach it picks any sender id (and so continues
anyone's conversation), so nginx never publishes it (deploy/nginx.conf) and:

- in production (``APP_ENV=production``) it answers 404 unless ``RASA_REST_TOKEN`` is set, and then
  only to requests with ``Authorization: Bearer <RASA_REST_TOKEN>``;
- only such a token-bearing request (a trusted gateway) may name its ``input_channel`` (from
  :data:`GATEWAY_CHANNELS`) and pass metadata; any other request is ``rest`` and its metadata is
  dropped, except the load test's sequence numbers (integers);
- a failure while handling a message is logged without the message text (Rasa's own channel logs
  the text with ``rest.message.received.failure``);
- streaming (``?stream=true``) is not offered.

Without a token in development the channel works as Rasa's: ``/intent{...}`` messages included,
which the tests use.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.privacy.keys import is_production
from bot.security.tokens import bearer_matches

log = logging.getLogger(__name__)

TOKEN_ENV = "RASA_REST_TOKEN"
GATEWAY_CHANNELS = frozenset({"telegram"})
# Metadata an untrusted request may carry: the load test's sequence numbers (bot/loadtest).
UNTRUSTED_METADATA = ("lt_seq", "lt_burst")
MAX_SENDER_LENGTH = 128


def untrusted_metadata(metadata: Any) -> dict[str, int] | None:
    if not isinstance(metadata, Mapping):
        return None
    kept = {
        key: metadata[key] for key in UNTRUSTED_METADATA
        if isinstance(metadata.get(key), int) and not isinstance(metadata.get(key), bool)
    }
    return kept or None


class GuardedRestInput(InputChannel):
    """Rasa's REST channel (same URL, same answers) with the guards of the module doc."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GuardedRestInput:
        token = str((credentials or {}).get("token") or os.environ.get(TOKEN_ENV, "")).strip()
        return cls(token=token, production=is_production())

    def __init__(self, token: str = "", production: bool = False) -> None:
        self.token = token
        self.production = production
        if production and not token:
            log.info("REST channel off (production without %s)", TOKEN_ENV)

    @property
    def enabled(self) -> bool:
        return bool(self.token) or not self.production

    def admit(
        self, body: Any, authorization: str | None
    ) -> tuple[int, str] | tuple[str, str, str, dict[str, Any] | None]:
        """Check one request: (status, reason) to refuse it, or (sender, text, input_channel, metadata)."""
        if not self.enabled:
            return 404, "not found"
        trusted = bearer_matches(self.token, authorization)
        if self.production and not trusted:
            return 403, "forbidden"
        if not isinstance(body, Mapping):
            return 400, "bad request"
        sender, text = body.get("sender"), body.get("message")
        if not isinstance(sender, str) or not sender or len(sender) > MAX_SENDER_LENGTH or not isinstance(text, str):
            return 400, "bad request"
        channel = body.get("input_channel")
        if trusted and channel in GATEWAY_CHANNELS:
            input_channel = str(channel)
        else:
            input_channel = self.name()
        metadata = body.get("metadata")
        if trusted:
            metadata = dict(metadata) if isinstance(metadata, Mapping) else None
        else:
            metadata = untrusted_metadata(metadata)
        return sender, text, input_channel, metadata

    async def handle(
        self, body: Any, authorization: str | None, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> tuple[int, Any]:
        """One request: (HTTP status, JSON answer). The bot's replies, as Rasa's REST channel gives them."""
        admitted = self.admit(body, authorization)
        if len(admitted) == 2:
            status, reason = admitted
            return status, {"error": reason}
        sender, text, input_channel, metadata = admitted
        collector = CollectingOutputChannel()
        try:
            await on_new_message(UserMessage(text, collector, sender, input_channel=input_channel, metadata=metadata))
        except Exception as exc:  # noqa: BLE001 - logged without the text (personal data)
            log.error("rest: handling a message failed: %s", exc.__class__.__name__)
        return 200, collector.messages

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("custom_webhook_GuardedRestInput", __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.text("not found", status=404)
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:  # noqa: BLE001 - Sanic raises its own error for invalid JSON
                body = None
            status, answer = await self.handle(body, request.headers.get("Authorization"), on_new_message)
            return response.json(answer, status=status)

        return hook
