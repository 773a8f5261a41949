"""Delivery of staff messages on the parent's own channel (issue 13, item 2).

``deliver(message_id)`` sends one stored message (``bot.store.threads``) on the channel of its
case and records the result: Telegram (sendMessage), WhatsApp (free-form text inside Meta's
24-hour customer-service window, else the template ``WHATSAPP_REPLY_TEMPLATE`` that asks her to
reply; the text itself follows when she does), web chat (kept until her page fetches it).
Nothing is lost: the text is stored before any attempt, a failed attempt stays ``failed`` and
is retried (the retry button, or ``python -m bot.outbound retry`` from cron).
"""

from bot.outbound.config import OutboundConfig
from bot.outbound.deliver import deliver, deliver_many, retry_failed

__all__ = ["OutboundConfig", "deliver", "deliver_many", "retry_failed"]
