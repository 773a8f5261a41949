"""Rasa input/output channel for Meta's WhatsApp Cloud API.

Enable it in credentials.yml with ``bot.channels.whatsapp.WhatsAppInput:``; the settings come from
the environment (or, when given, from the credentials entry)::

    WHATSAPP_VERIFY_TOKEN     token you also type in Meta's webhook settings (GET verification)
    WHATSAPP_APP_SECRET       the Meta app's secret; signs every POST (X-Hub-Signature-256)
    WHATSAPP_ACCESS_TOKEN     (system user) access token to send messages
    WHATSAPP_PHONE_NUMBER_ID  id of the business phone number that sends
    WHATSAPP_API_BASE         default https://graph.facebook.com
    WHATSAPP_API_VERSION      default v21.0

Without the first four the channel is inactive: its routes answer 503 and Rasa runs on.

Webhook URL for Meta: ``https://<host>/webhooks/whatsapp/webhook``.

Flow: the POST is checked against the app secret over the raw bytes (403 and nothing processed
when wrong), acknowledged at once, and processed in a background task: each message id once (also
after a restart, via ``bot.store.dedup``), sender id pseudonymised and message id replaced by a keyed
hash before they reach Rasa; the real WhatsApp id only lives in the per-message
:class:`WhatsAppOutput`. Button and list-row ids are issued per sender (``common.IssuedPayloads``):
a reply with an id the bot did not send to her counts as her typing the button's title.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import common, loop_hook

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"
DEFAULT_API_BASE = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v21.0"

# Limits of the Cloud API (messages endpoint).
TEXT_LIMIT = 4096
BUTTON_BODY_LIMIT = 1024
LIST_BODY_LIMIT = 4096
MAX_BUTTONS = 3
BUTTON_TITLE_LIMIT = 20
BUTTON_ID_LIMIT = 256
MAX_ROWS = 10
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
ROW_ID_LIMIT = 200
LIST_BUTTON_LIMIT = 20

# Message types that get the 'only text works' answer. Reactions and system messages are ignored.
NON_TEXT_TYPES = frozenset(
    {"image", "audio", "voice", "video", "document", "sticker", "location", "contacts", "unsupported"}
)

_SETTINGS = {
    # credentials.yml key: (environment variable, default)
    "verify_token": ("WHATSAPP_VERIFY_TOKEN", ""),
    "app_secret": ("WHATSAPP_APP_SECRET", ""),
    "access_token": ("WHATSAPP_ACCESS_TOKEN", ""),
    "phone_number_id": ("WHATSAPP_PHONE_NUMBER_ID", ""),
    "api_base": ("WHATSAPP_API_BASE", DEFAULT_API_BASE),
    "api_version": ("WHATSAPP_API_VERSION", DEFAULT_API_VERSION),
}
REQUIRED = ("verify_token", "app_secret", "access_token", "phone_number_id")


@dataclass(frozen=True)
class WhatsAppConfig:
    verify_token: str = ""
    app_secret: str = ""
    access_token: str = ""
    phone_number_id: str = ""
    api_base: str = DEFAULT_API_BASE
    api_version: str = DEFAULT_API_VERSION

    @classmethod
    def from_sources(cls, credentials: Mapping[str, Any] | None, environ: Mapping[str, str]) -> WhatsAppConfig:
        """Credentials entry first (when non-empty), then the environment, then the default."""
        values = {}
        for key, (env_name, default) in _SETTINGS.items():
            value = str((credentials or {}).get(key) or "").strip() or environ.get(env_name, "").strip()
            values[key] = value or default
        return cls(**values)

    def missing(self) -> list[str]:
        """Names of the environment variables that are required but empty (never their values)."""
        return [_SETTINGS[key][0] for key in REQUIRED if not getattr(self, key)]

    @property
    def enabled(self) -> bool:
        return not self.missing()

    @property
    def messages_url(self) -> str:
        return f"{self.api_base.rstrip('/')}/{self.api_version.strip('/')}/{self.phone_number_id}/messages"


# ------------------------------------------------------------------------------------ incoming
def signature_valid(app_secret: str, raw_body: bytes, header: str | None) -> bool:
    """Check ``X-Hub-Signature-256: sha256=<hex>`` = HMAC-SHA256(app secret, raw request bytes).

    Any header that is not plain ASCII is simply wrong (``compare_digest`` raises on non-ASCII str).
    """
    if not app_secret or not header or not header.startswith("sha256=") or not header.isascii():
        return False
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header[len("sha256="):].strip().lower().encode())


def sign(app_secret: str, raw_body: bytes) -> str:
    """The header value Meta sends for ``raw_body`` (used by tests and local tools)."""
    return "sha256=" + hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Incoming:
    """One message from a webhook. ``kind``: 'text' (typed), 'payload' (a button/list reply), 'other'."""

    message_id: str
    wa_id: str
    kind: str
    text: str = ""
    title: str = ""


def parse_message(raw: Mapping[str, Any]) -> Incoming | None:
    """One entry of ``value.messages``; None for what is ignored (reactions, system, broken)."""
    message_id, wa_id, kind = raw.get("id"), raw.get("from"), raw.get("type")
    if not message_id or not wa_id or not isinstance(kind, str):
        return None
    if kind == "text":
        body = ((raw.get("text") or {}).get("body") or "").strip()
        return Incoming(str(message_id), str(wa_id), "text", body) if body else None
    if kind == "interactive":
        interactive = raw.get("interactive") or {}
        reply = interactive.get(interactive.get("type") or "") or {}
        if not isinstance(reply, Mapping) or not (reply.get("id") or reply.get("title")):
            return None
        return Incoming(
            str(message_id), str(wa_id), "payload", str(reply.get("id") or ""), str(reply.get("title") or "")
        )
    if kind == "button":  # quick-reply button of a template message
        button = raw.get("button") or {}
        if not (button.get("payload") or button.get("text")):
            return None
        return Incoming(
            str(message_id), str(wa_id), "payload", str(button.get("payload") or ""), str(button.get("text") or "")
        )
    if kind in NON_TEXT_TYPES:
        return Incoming(str(message_id), str(wa_id), "other")
    return None


def _message_values(body: Any, phone_number_id: str | None) -> Iterator[Mapping[str, Any]]:
    """The ``value`` of every 'messages' change in a webhook body meant for our business number.

    One Meta app can serve several numbers: with ``phone_number_id`` the others are skipped.
    """
    if not isinstance(body, Mapping) or body.get("object") != "whatsapp_business_account":
        return
    for entry in body.get("entry") or []:
        for change in (entry or {}).get("changes") or []:
            if (change or {}).get("field") != "messages":
                continue
            value = change.get("value") or {}
            target = str((value.get("metadata") or {}).get("phone_number_id") or "")
            if phone_number_id and target and target != phone_number_id:
                log.info("whatsapp: ignored messages for another phone number id")
                continue
            yield value


def parse_statuses(body: Any, phone_number_id: str | None = None) -> list[tuple[str, str]]:
    """(message id, status) of the delivery reports in a webhook body (sent/delivered/read/failed)."""
    return [(str(raw["id"]), str(raw["status"]))
            for value in _message_values(body, phone_number_id)
            for raw in value.get("statuses") or []
            if isinstance(raw, Mapping) and raw.get("id") and raw.get("status") in ("sent", "delivered", "read", "failed")]


def record_statuses(statuses: list[tuple[str, str]]) -> int:
    """Delivery reports for staff messages (``bot.store.threads``); the others are ignored."""
    from bot.store.threads import status_callback

    return sum(1 for message_id, status in statuses
               if status_callback(common.message_key(CHANNEL, message_id), status))


def parse_webhook(body: Any, phone_number_id: str | None = None) -> list[Incoming]:
    """Messages in a webhook body; statuses and other fields are ignored, and so are messages
    sent to another business number than ``phone_number_id`` (we must not answer for it)."""
    found: list[Incoming] = []
    for value in _message_values(body, phone_number_id):
        for raw in value.get("messages") or []:
            message = parse_message(raw) if isinstance(raw, Mapping) else None
            if message is not None:
                found.append(message)
    return found


# ------------------------------------------------------------------------------------ outgoing
def _envelope(to: str, kind: str, content: dict[str, Any]) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": kind, kind: content}


def text_messages(to: str, message: str) -> list[dict[str, Any]]:
    """Plain text, split at the API's 4096-character limit."""
    return [
        _envelope(to, "text", {"preview_url": False, "body": part}) for part in common.split_text(message, TEXT_LIMIT)
    ]


def _choices(buttons: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(title, payload) of each button, without empties and duplicate payloads."""
    seen: set[str] = set()
    found = []
    for button in buttons or []:
        title = " ".join(str(button.get("title") or "").split())
        payload = str(button.get("payload") or "").strip() or title
        if not title or payload in seen:
            continue
        seen.add(payload)
        found.append((title, payload))
    return found


def choice_messages(
    to: str, message: str | None, buttons: Iterable[Mapping[str, Any]], ids: common.IssuedPayloads, conversation: str
) -> list[dict[str, Any]]:
    """A text with choices: 1-3 reply buttons, 4-10 a list message, more: a list of 10 plus a text
    naming the others. Text that does not fit in the interactive body goes first as plain text.
    Button and row ids are issued for ``conversation`` (the sender pseudonym) by ``ids``."""
    choices = _choices(buttons)
    if not choices:
        return text_messages(to, message or "")
    as_buttons = len(choices) <= MAX_BUTTONS
    body_limit = BUTTON_BODY_LIMIT if as_buttons else LIST_BODY_LIMIT
    parts = common.split_text(message or "", body_limit) or [common.text("choose")]
    messages = [m for part in parts[:-1] for m in text_messages(to, part)]
    body = {"text": parts[-1]}
    if as_buttons:
        action: dict[str, Any] = {
            "buttons": [
                {
                    "type": "reply",
                    "reply": {"id": ids.encode(conversation, payload, BUTTON_ID_LIMIT), "title": common.shorten(title, BUTTON_TITLE_LIMIT)},
                }
                for title, payload in choices
            ]
        }
        messages.append(_envelope(to, "interactive", {"type": "button", "body": body, "action": action}))
        return messages
    rows = []
    for title, payload in choices[:MAX_ROWS]:
        row = {"id": ids.encode(conversation, payload, ROW_ID_LIMIT), "title": common.shorten(title, ROW_TITLE_LIMIT)}
        if len(title) > ROW_TITLE_LIMIT:
            row["description"] = common.shorten(title, ROW_DESCRIPTION_LIMIT)
        rows.append(row)
    action = {
        "button": common.shorten(common.text("list_button"), LIST_BUTTON_LIMIT),
        "sections": [{"rows": rows}],
    }
    messages.append(_envelope(to, "interactive", {"type": "list", "body": body, "action": action}))
    rest = choices[MAX_ROWS:]
    if rest:
        listing = "\n".join([common.text("more_choices"), *(f"- {title}" for title, _ in rest)])
        messages.extend(text_messages(to, listing))
    return messages


class GraphClient:
    """Sends message payloads to the Cloud API; retries 429/5xx/network errors with backoff."""

    def __init__(
        self,
        config: WhatsAppConfig,
        attempts: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        timeout: float = 15.0,
    ) -> None:
        self.config = config
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                headers={"Authorization": f"Bearer {self.config.access_token}"},
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        delay = self.backoff * (2 ** (attempt - 1))
        try:
            delay = max(delay, float(retry_after)) if retry_after else delay
        except ValueError:
            pass
        return min(delay, self.max_backoff)

    async def send(self, payload: dict[str, Any]) -> bool:
        """POST one message; True when the API accepted it. Logs never contain text or numbers."""
        kind = payload.get("type")
        for attempt in range(1, self.attempts + 1):
            retry_after = None
            try:
                async with self._client().post(self.config.messages_url, json=payload) as resp:
                    if resp.status < 300:
                        return True
                    retry_after = resp.headers.get("Retry-After")
                    error = await _graph_error(resp)
                    retryable = resp.status == 429 or resp.status >= 500
                    log.warning(
                        "whatsapp send %s failed: HTTP %s, error code %s, subcode %s, fbtrace %s (attempt %d/%d)",
                        kind, resp.status, error.get("code"), error.get("error_subcode"),
                        error.get("fbtrace_id"), attempt, self.attempts,
                    )
                    if not retryable:
                        return False
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                log.warning(
                    "whatsapp send %s failed: %s (attempt %d/%d)", kind, exc.__class__.__name__, attempt, self.attempts
                )
            if attempt < self.attempts:
                await asyncio.sleep(self._delay(attempt, retry_after))
        log.error("whatsapp send %s gave up after %d attempts", kind, self.attempts)
        return False


async def _graph_error(resp: aiohttp.ClientResponse) -> dict[str, Any]:
    """Code fields of a Graph API error body (its message text is not logged)."""
    try:
        data = await resp.json(content_type=None)
    except (ValueError, aiohttp.ClientError):
        return {}
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, dict) else {}


class WhatsAppOutput(OutputChannel):
    """Output for ONE incoming message: holds the real WhatsApp id; Rasa only sees the pseudonym."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(
        self, client: GraphClient, wa_id: str, ids: common.IssuedPayloads | None = None, conversation: str = ""
    ) -> None:
        self.client = client
        self.wa_id = wa_id
        self.ids = ids or common.IssuedPayloads()
        self.conversation = conversation or common.pseudonym(CHANNEL, wa_id)
        self.sent = 0

    async def _send_all(self, messages: list[dict[str, Any]]) -> None:
        for message in messages:
            if await self.client.send(message):
                self.sent += 1

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self._send_all(text_messages(self.wa_id, text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self._send_all(choice_messages(self.wa_id, text, buttons, self.ids, self.conversation))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_with_buttons(recipient_id, text, quick_replies)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send_all([_envelope(self.wa_id, "image", {"link": image})])

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """Custom payloads with a ``whatsapp`` key are sent as that Cloud API message; others are skipped."""
        message = json_message.get("whatsapp") if isinstance(json_message, dict) else None
        if isinstance(message, dict) and message.get("type"):
            await self._send_all([{**message, "messaging_product": "whatsapp", "to": self.wa_id}])
        else:
            log.debug("whatsapp: custom payload without a 'whatsapp' message skipped")


# ------------------------------------------------------------------------------------- channel
class WhatsAppInput(InputChannel):
    """Webhook for the WhatsApp Cloud API at ``/webhooks/whatsapp/webhook``."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WhatsAppInput:
        return cls(WhatsAppConfig.from_sources(credentials, os.environ))

    def __init__(self, config: WhatsAppConfig, client: GraphClient | None = None) -> None:
        self.config = config
        self.client = client or GraphClient(config)
        self.ids = common.IssuedPayloads()
        self._tasks: set[asyncio.Task] = set()
        self._seen: OrderedDict[str, None] = OrderedDict()  # recent ids: cheap first dedup guard
        if config.enabled:
            log.info("WhatsApp channel active (webhook /webhooks/whatsapp/webhook)")
        else:
            log.warning("WhatsApp channel inactive (answers 503): set %s", ", ".join(config.missing()))

    # --------------------------------------------------------------------------- dedup
    async def _first_time(self, message_key: str) -> bool:
        if message_key in self._seen:
            return False
        self._seen[message_key] = None
        while len(self._seen) > 10_000:
            self._seen.popitem(last=False)
        try:
            return await asyncio.get_running_loop().run_in_executor(
                None, common.mark_processed, CHANNEL, message_key
            )
        except Exception as exc:  # noqa: BLE001 - rather answer twice after a restart than never
            log.error("whatsapp: dedup store failed (%s); processing message anyway", exc.__class__.__name__)
            return True

    # ------------------------------------------------------------------------- process
    async def handle(self, message: Incoming, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Process one incoming message (already verified, not yet deduplicated).

        Rasa never sees the WhatsApp id or the message id (it encodes the phone number): the
        sender is a pseudonym, the message id a keyed hash. A button reply only counts as a
        payload when the bot issued that id to this sender; otherwise its title is typed text.
        """
        message_key = common.message_key(CHANNEL, message.message_id)
        if not await self._first_time(message_key):
            log.info("whatsapp: duplicate message ignored")
            return
        sender_id = common.pseudonym(CHANNEL, message.wa_id)
        output = WhatsAppOutput(self.client, message.wa_id, self.ids, sender_id)
        if message.kind == "other":
            await output.send_text_message(message.wa_id, common.text("only_text"))
            return
        if message.kind == "payload":
            text = self.ids.resolve_or_title(sender_id, message.text, message.title)
        else:
            text = common.typed_text(message.text)
        if not text:
            return
        metadata = common.sender_metadata(CHANNEL, message.wa_id) or None
        decision = await loop_hook.inbound(CHANNEL, message.wa_id, sender_id, metadata, text)
        if not decision.forward:  # a staff member has the conversation: the bot is silent
            if decision.reply:  # ... except the safety net
                await output.send_text_message(message.wa_id, decision.reply)
            return
        try:
            await on_new_message(
                UserMessage(text, output, sender_id, input_channel=CHANNEL, message_id=message_key, metadata=metadata)
            )
        except Exception as exc:  # noqa: BLE001 - the parent must get an answer, whatever broke
            log.error("whatsapp: handling a message failed: %s", exc.__class__.__name__)
        if output.sent == 0:
            await output.send_text_message(message.wa_id, common.text("unavailable"))
        await loop_hook.after_turn(CHANNEL, message.wa_id, sender_id, metadata)

    async def _process(self, messages: list[Incoming], on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        for message in messages:
            try:
                await self.handle(message, on_new_message)
            except Exception:  # noqa: BLE001 - never let one message stop the others
                log.exception("whatsapp: unexpected error while processing a message")

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------------- routes
    def verify(self, args: Mapping[str, str]) -> tuple[int, str]:
        """GET verification: echo ``hub.challenge`` when mode and token are right."""
        if not self.config.enabled:
            return 503, "WhatsApp channel not configured"
        token = args.get("hub.verify_token") or ""
        if args.get("hub.mode") == "subscribe" and hmac.compare_digest(
            token.encode(), self.config.verify_token.encode()
        ):
            return 200, args.get("hub.challenge") or ""
        log.warning("whatsapp: webhook verification refused")
        return 403, "forbidden"

    def receive(
        self, raw: bytes, signature: str | None, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> tuple[int, str]:
        """POST: check the signature over the raw bytes, start processing in the background, answer."""
        if not self.config.enabled:
            return 503, "WhatsApp channel not configured"
        if not signature_valid(self.config.app_secret, raw, signature):
            log.warning("whatsapp: webhook with a missing or wrong signature refused")
            return 403, "forbidden"
        try:
            body = json.loads(raw)
        except ValueError:
            return 400, "bad request"
        messages = parse_webhook(body, self.config.phone_number_id)
        if messages:
            self._spawn(self._process(messages, on_new_message))
        statuses = parse_statuses(body, self.config.phone_number_id)
        if statuses:
            self._spawn(self._statuses(statuses))
        return 200, "ok"

    async def _statuses(self, statuses: list[tuple[str, str]]) -> None:
        try:
            await asyncio.get_running_loop().run_in_executor(None, record_statuses, statuses)
        except Exception as exc:  # noqa: BLE001 - a lost delivery report only leaves the status behind
            log.error("whatsapp: recording delivery reports failed: %s", exc.__class__.__name__)

    async def drain(self) -> None:
        """Wait for the background tasks (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("whatsapp_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.config.enabled else "inactive"})

        @hook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            status, body = self.verify({key: request.args.get(key) for key in request.args})
            return response.text(body, status=status)

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            status, body = self.receive(
                request.body or b"", request.headers.get("X-Hub-Signature-256"), on_new_message
            )
            return response.text(body, status=status)

        @hook.listener("before_server_stop")
        async def finish_work(*_: Any) -> None:
            try:
                await asyncio.wait_for(self.drain(), timeout=10)
            except asyncio.TimeoutError:
                log.warning("whatsapp: stopped with messages still being processed")

        @hook.listener("after_server_stop")
        async def close_client(*_: Any) -> None:
            await self.client.close()

        return hook
