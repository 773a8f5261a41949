"""Helpers shared by the channels: fixed texts, text splitting, sender pseudonyms, dedup.

No Rasa imports here, so the Telegram gateway (a separate process) can use it too.
"""

from __future__ import annotations

import hmac
import logging
import re
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.languages.localize import language, localized

log = logging.getLogger(__name__)

TEXTS_FILE = Path(__file__).resolve().parents[2] / "content" / "channels" / "texts.yml"
REQUIRED_TEXTS = ("only_text", "unavailable", "list_button", "choose", "more_choices")


@lru_cache(maxsize=2)
def texts(lang: str = "nl") -> dict[str, str]:
    """The channels' fixed texts from content/channels/texts.yml (validated), in ``lang``
    (Dutch, the default, or English from the file's ``en:`` block)."""
    raw: dict[str, Any] = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8")) or {}
    data: dict[str, Any] = localized(raw, language(lang))
    found = data.get("texts") or {}
    missing = [key for key in REQUIRED_TEXTS if not str(found.get(key) or "").strip()]
    if missing:
        raise ValueError(f"{TEXTS_FILE}: missing texts {missing}")
    return {key: " ".join(str(value).split()) for key, value in found.items()}


def text(key: str, lang: str = "nl") -> str:
    return texts(lang)[key]


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


# Leading white space (any Unicode space, line breaks) and slashes, in any mix: Rasa strips the
# text and treats anything that then starts with "/" as a command, so "/ /affirm" or "/\n/greet"
# must lose every one of them.
_COMMAND = re.compile(r"^[\s/]+")


def typed_text(message: str) -> str:
    """Text a person typed, made safe to forward to Rasa.

    A message starting with ``/`` bypasses Rasa's NLU (``/intent{"slot": "value"}``). Typed text
    must never do that, so every leading slash (also behind white space) is removed; only button
    payloads that the bot itself issued are forwarded unchanged (:class:`IssuedPayloads`).
    """
    return _COMMAND.sub("", message or "").strip()


# ------------------------------------------------------------------------------- button ids
class IssuedPayloads:
    """Button/callback ids for the payloads the bot sent to one conversation, and only those.

    A channel never sends a payload itself as the id: the id carries a tag, a keyed hash of
    (conversation, payload), so a reply can only name a payload that the bot issued to this
    conversation; anything else (a forged ``/safety_suicide``, another chat's id) resolves to
    None and the channel falls back to the button's title as typed text. Short payloads travel
    inside the id (``b1<tag>:<payload>``), so they survive a restart and work on every instance;
    payloads too long for the channel's limit get ``h1<tag>`` and are remembered in memory.
    """

    SIGNED = "b1"
    HASHED = "h1"
    TAG_LENGTH = 16

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._payloads: OrderedDict[str, str] = OrderedDict()

    def _tag(self, conversation: str, payload: str) -> str:
        from bot.privacy.pseudonym import keyed_hash

        return keyed_hash("button", f"{conversation}\x00{payload}")[2:2 + self.TAG_LENGTH]

    def encode(self, conversation: str, payload: str, limit: int) -> str:
        """The id to send for ``payload``; at most ``limit`` bytes (UTF-8)."""
        tag = self._tag(conversation, payload)
        signed = f"{self.SIGNED}{tag}:{payload}"
        if len(signed.encode("utf-8")) <= limit:
            return signed
        key = f"{self.HASHED}{tag}"
        self._payloads[key] = payload
        self._payloads.move_to_end(key)
        while len(self._payloads) > self.capacity:
            self._payloads.popitem(last=False)
        return key

    def resolve(self, conversation: str, button_id: str) -> str | None:
        """The payload behind an id this bot issued to ``conversation``; None for anything else."""
        button_id = button_id or ""
        cut = len(self.SIGNED) + self.TAG_LENGTH
        if button_id.startswith(self.SIGNED) and button_id[cut:cut + 1] == ":":
            tag, payload = button_id[len(self.SIGNED):cut], button_id[cut + 1:]
        elif button_id.startswith(self.HASHED) and len(button_id) == cut:
            tag, payload = button_id[len(self.HASHED):], self._payloads.get(button_id)
        else:
            return None
        if not payload or not hmac.compare_digest(tag, self._tag(conversation, payload)):
            return None
        return payload

    def resolve_or_title(self, conversation: str, button_id: str, title: str) -> str:
        """The issued payload, or else the button's title as typed text (never a command)."""
        payload = self.resolve(conversation, button_id)
        return payload if payload is not None else typed_text(title)


# ----------------------------------------------------------------------------------- pseudonyms
def _raw_identity(channel: str, raw_id: str) -> str:
    # WhatsApp uses the bare number so other features (registration) can derive the same key
    # from a phone number; other channels prefix the channel so ids cannot collide.
    return raw_id if channel == "whatsapp" else f"{channel}:{raw_id}"


def pseudonym(channel: str, raw_id: str) -> str:
    """The Rasa sender id for a channel's user id (a WhatsApp id IS a phone number)."""
    from bot.privacy.pseudonym import sender_key

    return sender_key(_raw_identity(channel, raw_id))


def sender_metadata(channel: str, raw_id: str) -> dict[str, Any]:
    """UserMessage metadata for this sender: her pseudonyms under older secrets, signed.

    Empty unless ``PSEUDONYM_SECRET`` lists an old secret (rotation); see bot/privacy/pseudonym.py.
    """
    from bot.privacy.pseudonym import legacy_pseudonyms, signed_aliases

    raw = _raw_identity(channel, raw_id)
    return signed_aliases(pseudonym(channel, raw_id), legacy_pseudonyms(raw))


# -------------------------------------------------------------------------------------- dedup
def message_key(channel: str, message_id: str) -> str:
    """A keyed hash of a channel's message id: what Rasa and the dedup table get instead of it.

    A WhatsApp message id (``wamid.``) encodes the sender's phone number, so it is never stored.
    """
    from bot.privacy.pseudonym import keyed_hash

    return keyed_hash("message-id", f"{channel}\x00{message_id}")


def mark_processed(channel: str, message_id: str) -> bool:
    """True the first time ``(channel, message_id)`` is seen, False for a re-delivery."""
    from bot.store.dedup import mark_processed as store_mark_processed

    return store_mark_processed(channel, message_id)
