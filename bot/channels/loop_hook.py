"""Where the channels meet the aanmeldpunt's message threads (issue 13, items 2 and 3).

Every connector calls :func:`inbound` with what she typed before it goes to Rasa:

* her address and the time are remembered for her cases on this channel (so staff can write
  to her, and WhatsApp's 24-hour window is known); messages staff wrote while the window was
  closed (a template asked her to reply) are delivered now;
* her message lands in the case's thread during a handoff or when staff wrote to her recently;
* during a handoff the bot stays silent: :attr:`Decision.forward` is False. The safety net
  still answers: an emergency found by its detector gets the emergency answer right here.

After the bot's turn, :func:`after_turn` remembers the address of a case made in that turn.
Failures here never keep her message from Rasa (fail open: the bot answers as before).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    forward: bool = True  # send the message to Rasa
    reply: str | None = None  # answer now (the safety net during a handoff)


FORWARD = Decision()


def _keys(sender_id: str, metadata: Mapping[str, Any] | None) -> list[str]:
    from bot.loop.adapters import sender_keys_for

    return sender_keys_for(sender_id, metadata)


def safety_reply(text: str) -> str | None:
    """The safety net's emergency answer for ``text`` (its detector, directly), else None."""
    from bot.safety import detect, emergency_text

    hit = detect(text)
    return emergency_text(hit.tier, hit.lang) if hit else None


def inbound_sync(channel: str, address: str, sender_id: str, metadata: Mapping[str, Any] | None, text: str) -> Decision:
    from bot.store import threads

    keys = _keys(sender_id, metadata)
    result = threads.record_inbound(channel, address, keys, text)
    if result.held:
        from bot.outbound import deliver_many

        deliver_many(result.held, reply_opened=True)
    if not result.handoff:
        return FORWARD
    return Decision(forward=False, reply=safety_reply(text))


def after_turn_sync(channel: str, address: str, sender_id: str, metadata: Mapping[str, Any] | None) -> None:
    from bot.store import threads

    threads.remember_contact(channel, address, _keys(sender_id, metadata))


async def inbound(channel: str, address: str, sender_id: str, metadata: Mapping[str, Any] | None,
                  text: str) -> Decision:
    """What to do with her message (see the module doc); never raises."""
    try:
        return await asyncio.get_running_loop().run_in_executor(
            None, inbound_sync, channel, address, sender_id, metadata, text)
    except Exception as exc:  # noqa: BLE001 - the bot must still answer
        log.error("%s: message thread hook failed (%s); forwarding to Rasa", channel, exc.__class__.__name__)
        return FORWARD


async def after_turn(channel: str, address: str, sender_id: str, metadata: Mapping[str, Any] | None) -> None:
    try:
        await asyncio.get_running_loop().run_in_executor(None, after_turn_sync, channel, address, sender_id, metadata)
    except Exception as exc:  # noqa: BLE001 - only the address is not remembered this time
        log.error("%s: remembering the channel address failed (%s)", channel, exc.__class__.__name__)
