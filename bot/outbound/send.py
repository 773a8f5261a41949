"""The HTTP calls: Telegram's sendMessage and the WhatsApp Cloud API's messages endpoint.

Errors are reported as short codes (HTTP status, Graph/Bot API error code): never the text,
the number or the API's message, which can quote either.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import httpx

from bot.channels.common import split_text
from bot.outbound.config import OutboundConfig

log = logging.getLogger(__name__)
# httpx logs every request URL at INFO level, and Bot API URLs contain the token.
logging.getLogger("httpx").setLevel(logging.WARNING)
TELEGRAM_LIMIT = 4096
WHATSAPP_LIMIT = 4096


@dataclass(frozen=True)
class Sent:
    ok: bool
    message_id: str | None = None  # the channel's id of the (first) message
    error: str | None = None


def _post(url: str, payload: dict[str, Any], config: OutboundConfig, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.post(url, json=payload, headers=headers or {}, timeout=config.timeout)


def telegram(config: OutboundConfig, chat_id: str, text: str) -> Sent:
    if not config.telegram_token:
        return Sent(False, error="telegram_not_configured")
    url = f"{config.telegram_api_base}{config.telegram_token}/sendMessage"
    first = None
    for part in split_text(text, TELEGRAM_LIMIT):
        try:
            resp = _post(url, {"chat_id": int(chat_id), "text": part}, config)
        except httpx.HTTPError as exc:
            log.warning("outbound telegram failed: %s", exc.__class__.__name__)
            return Sent(False, first, f"network_{exc.__class__.__name__}"[:64])
        if resp.status_code != 200:
            log.warning("outbound telegram failed: HTTP %s", resp.status_code)
            return Sent(False, first, f"http_{resp.status_code}")
        try:
            first = first or str(resp.json()["result"]["message_id"])
        except (ValueError, KeyError, TypeError):
            first = first or "?"
    return Sent(True, first)


def _whatsapp(config: OutboundConfig, payload: dict[str, Any]) -> Sent:
    if not (config.whatsapp_access_token and config.whatsapp_phone_number_id):
        return Sent(False, error="whatsapp_not_configured")
    try:
        resp = _post(config.whatsapp_messages_url, payload, config,
                     {"Authorization": f"Bearer {config.whatsapp_access_token}"})
    except httpx.HTTPError as exc:
        log.warning("outbound whatsapp failed: %s", exc.__class__.__name__)
        return Sent(False, error=f"network_{exc.__class__.__name__}"[:64])
    if resp.status_code >= 300:
        try:
            code = (resp.json().get("error") or {}).get("code")
        except (ValueError, AttributeError):
            code = None
        log.warning("outbound whatsapp failed: HTTP %s, error code %s", resp.status_code, code)
        return Sent(False, error=f"http_{resp.status_code}" + (f"_code_{code}" if code is not None else ""))
    try:
        return Sent(True, str(resp.json()["messages"][0]["id"]))
    except (ValueError, KeyError, IndexError, TypeError):
        return Sent(True, None)


def whatsapp_text(config: OutboundConfig, wa_id: str, text: str) -> Sent:
    first: Sent | None = None
    for part in split_text(text, WHATSAPP_LIMIT):
        result = _whatsapp(config, {"messaging_product": "whatsapp", "recipient_type": "individual", "to": wa_id,
                                    "type": "text", "text": {"preview_url": False, "body": part}})
        if not result.ok:
            return Sent(False, first.message_id if first else None, result.error)
        first = first or result
    return first or Sent(False, error="empty")


def whatsapp_template(config: OutboundConfig, wa_id: str) -> Sent:
    """The pre-approved template (by name) that asks her to reply; it has no variables."""
    if not config.whatsapp_reply_template:
        return Sent(False, error="no_template_configured")
    return _whatsapp(config, {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": wa_id, "type": "template",
        "template": {"name": config.whatsapp_reply_template, "language": {"code": config.whatsapp_template_language}},
    })
