"""Helpers shared by the channels: fixed texts, text splitting, sender pseudonyms, dedup.

No Rasa imports here, so the Telegram gateway (a separate process) can use it too.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

TEXTS_FILE = Path(__file__).resolve().parents[2] / "content" / "channels" / "texts.yml"
REQUIRED_TEXTS = ("only_text", "unavailable", "list_button", "choose", "more_choices")


@lru_cache(maxsize=1)
def texts() -> dict[str, str]:
    """The channels' fixed Dutch texts from content/channels/texts.yml (validated)."""
    data: dict[str, Any] = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8")) or {}
    found = data.get("texts") or {}
    missing = [key for key in REQUIRED_TEXTS if not str(found.get(key) or "").strip()]
    if missing:
        raise ValueError(f"{TEXTS_FILE}: missing texts {missing}")
    return {key: " ".join(str(value).split()) for key, value in found.items()}


def text(key: str) -> str:
    return texts()[key]


_BREAKS = ("\n\n", "\n", ". ", "! ", "? ", " ")


def split_text(message: str, limit: int) -> list[str]:
    """Split ``message`` into parts of at most ``limit`` characters.

    Cuts at a paragraph, line, sentence or word boundary when one exists in the second half
    of the window, otherwise hard at ``limit``. Empty parts are dropped.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    rest = (message or "").strip()
    parts: list[str] = []
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for sep in _BREAKS:
            pos = window.rfind(sep, 0, limit + 1 - len(sep.rstrip()))
            if pos >= limit // 2:
                cut = pos + len(sep.rstrip())
                break
        if cut <= 0:
            cut = limit
        part = rest[:cut].rstrip()
        if part:
            parts.append(part)
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def shorten(label: str, limit: int) -> str:
    """``label`` on one line, cut to ``limit`` characters with an ellipsis when longer."""
    label = " ".join((label or "").split())
    if len(label) <= limit:
        return label
    return label[: limit - 1].rstrip() + "…"


_COMMAND = re.compile(r"^\s*/+")


def typed_text(message: str) -> str:
    """Text a person typed, made safe to forward to Rasa.

    A message starting with ``/`` bypasses Rasa's NLU (``/intent{"slot": "value"}``). Typed text
    must never do that, so leading slashes are removed; only button payloads that the bot itself
    sent are forwarded unchanged.
    """
    return _COMMAND.sub("", message or "").strip()


# ----------------------------------------------------------------------------------- pseudonyms
def pseudonym(channel: str, raw_id: str) -> str:
    """The Rasa sender id for a channel's user id (a WhatsApp id IS a phone number).

    WhatsApp uses ``sender_key(wa_id)`` so that other features (registration) can derive the same
    key from a phone number; other channels prefix the channel so ids cannot collide.
    """
    from bot.privacy.pseudonym import sender_key

    return sender_key(raw_id if channel == "whatsapp" else f"{channel}:{raw_id}")


# -------------------------------------------------------------------------------------- dedup
def mark_processed(channel: str, message_id: str) -> bool:
    """True the first time ``(channel, message_id)`` is seen, False for a re-delivery."""
    from bot.store.dedup import mark_processed as store_mark_processed

    return store_mark_processed(channel, message_id)
