"""Deleting a parent's conversation history (the Rasa tracker store's events).

Two ways in, one effect:

- **Inside her conversation** (withdrawal now; her erasure request, issue 13): the action returns
  :func:`erase_after_turn_event` (``SlotSet("privacy_erase", True)``). Rasa saves the turn, and the
  redacting tracker store then deletes every stored event of this conversation. Deleting from
  the action server directly would not work: Rasa writes the whole current session again when it
  saves the turn.
- **From outside** (staff, a CLI, a scheduled job): :func:`erase_conversation` with the Rasa sender
  id, or :func:`erase_for_sender_keys` with a registration's ``sender_key`` (the conversation is
  found by recomputing each stored sender's key).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bot.privacy.personal import ERASE_SLOT

if TYPE_CHECKING:
    from bot.privacy.tracker_store import RedactingSQLTrackerStore

__all__ = ["ERASE_SLOT", "erase_after_turn_event", "erase_conversation", "erase_for_sender_keys"]


def erase_after_turn_event() -> dict[str, Any]:
    """The event an action returns to have this conversation deleted once the turn is saved."""
    return {"event": "slot", "timestamp": None, "name": ERASE_SLOT, "value": True}


def _store(store: RedactingSQLTrackerStore | None) -> RedactingSQLTrackerStore | None:
    if store is not None:
        return store
    from bot.privacy.retention import tracker_store_from_env

    return tracker_store_from_env()


def erase_conversation(sender_id: str, store: RedactingSQLTrackerStore | None = None) -> int:
    """Delete every stored event of the conversation ``sender_id``; returns how many."""
    if not sender_id:
        raise ValueError("sender_id is required")
    store = _store(store)
    return store.erase_conversation(sender_id) if store is not None else 0


def erase_for_sender_keys(keys: Iterable[str], store: RedactingSQLTrackerStore | None = None) -> int:
    """Delete the conversations whose ``sender_key`` (under any configured secret) is in ``keys``."""
    from bot.privacy.pseudonym import sender_keys

    wanted = set(keys)
    store = _store(store)
    if store is None or not wanted:
        return 0
    erased = 0
    for sender_id in store.sender_ids():
        if wanted.intersection(sender_keys(sender_id)):
            erased += store.erase_conversation(sender_id)
    return erased
