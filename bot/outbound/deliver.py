"""Deliver one stored message on its case's channel and record what happened."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.outbound import send
from bot.outbound.config import WINDOW_HOURS, OutboundConfig
from bot.store import threads
from bot.store.models import utcnow

log = logging.getLogger(__name__)


def _key(channel: str, message_id: str | None) -> str | None:
    if not message_id:
        return None
    from bot.channels.common import message_key

    return message_key(channel, message_id)


def window_open(last_inbound_at: datetime | None, now: datetime) -> bool:
    """Inside Meta's 24-hour customer-service window (she wrote less than 24 hours ago)."""
    return last_inbound_at is not None and now - last_inbound_at < timedelta(hours=WINDOW_HOURS)


def deliver(message_id: int, config: OutboundConfig | None = None, url: str | None = None,
            now: datetime | None = None, *, reply_opened: bool = False) -> str:
    """Send message ``message_id``; returns its new status (``sent``, ``held``, ``failed``...).

    ``reply_opened``: she just wrote (WhatsApp), so a held message goes out as free-form text.
    """
    config = config or OutboundConfig.from_env()
    now = now or utcnow()
    target = threads.delivery_target(message_id, url=url)
    if target is None:
        raise LookupError(message_id)
    if target.status in ("sent", "delivered", "read"):
        return target.status
    if target.address is None:
        error = "channel_unsupported" if target.channel not in ("telegram", "whatsapp", "webchat") else "no_address"
        threads.mark(message_id, "failed", error=error, now=now, url=url)
        return "failed"
    if target.channel == "webchat":
        threads.mark(message_id, "sent", via="webchat", now=now, url=url)
        return "sent"
    if target.channel == "telegram":
        result = send.telegram(config, target.address, target.text)
        status = "sent" if result.ok else "failed"
        threads.mark(message_id, status, via="text", channel_message_key=_key("telegram-out", result.message_id),
                     error=result.error, now=now, url=url)
        return status
    # WhatsApp
    if reply_opened or window_open(target.last_inbound_at, now):
        result = send.whatsapp_text(config, target.address, target.text)
        status = "sent" if result.ok else "failed"
        threads.mark(message_id, status, via="text", channel_message_key=_key("whatsapp", result.message_id),
                     error=result.error, now=now, url=url)
        return status
    if target.status == "held":
        return "held"  # the template went out already; the text follows when she replies
    result = send.whatsapp_template(config, target.address)
    status = "held" if result.ok else "failed"
    threads.mark(message_id, status, via="template", channel_message_key=_key("whatsapp", result.message_id),
                 error=result.error, now=now, url=url)
    return status


def deliver_many(message_ids: list[int], config: OutboundConfig | None = None, url: str | None = None,
                 *, reply_opened: bool = False) -> dict[int, str]:
    """Deliver several messages; one failure never stops the others."""
    results: dict[int, str] = {}
    for message_id in message_ids:
        try:
            results[message_id] = deliver(message_id, config, url, reply_opened=reply_opened)
        except Exception as exc:  # noqa: BLE001 - the message stays stored; the next retry takes it
            log.error("outbound: delivering message %s failed: %s", message_id, exc.__class__.__name__)
            results[message_id] = "error"
    return results


def retry_failed(config: OutboundConfig | None = None, url: str | None = None) -> dict[int, str]:
    """Background retry (cron): every failed message once more."""
    return deliver_many(threads.failed_message_ids(url=url), config, url)
