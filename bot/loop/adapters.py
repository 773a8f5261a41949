"""Adapters to colleagues' code (some not on main yet, with the fallback used until then).

* :func:`aanmeldpunt_phone` - the aanmeldpunt's number from the contact registry
  (``content/contacts.yml``), the one place for phone numbers.
* :func:`sender_keys_for` - every pseudonymous key her cases can be stored under
  (``bot.privacy.pseudonym.lookup_keys``, privacy engineer: covers a rotated secret);
  until then: the one current key.
* :func:`erase_after_turn_event`, :func:`erase_other_conversations` - deleting tracker events
  (``bot.privacy.erasure``, privacy engineer). The conversation she writes in is deleted by
  the tracker store after the turn is saved (the store reacts to the ``privacy_erase`` slot);
  other conversations of hers (another channel) only once the privacy code is there.
* :func:`chat_retention_days` - how long the tracker store keeps a conversation
  (``TRACKER_RETENTION_DAYS``), only claimed once a purge actually enforces it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

log = logging.getLogger(__name__)

ERASE_SLOT = "privacy_erase"  # the same name as bot.privacy.personal.ERASE_SLOT


def aanmeldpunt_phone() -> str:
    from bot.contacts import contact

    return contact("aanmeldpunt").phone


def sender_keys_for(sender_id: str, metadata: Mapping[str, Any] | None = None) -> list[str]:
    """Her pseudonymous keys, current first."""
    try:
        from bot.privacy.pseudonym import lookup_keys
    except ImportError:
        from bot.privacy.pseudonym import sender_key

        return [sender_key(sender_id)]
    return lookup_keys(sender_id, metadata)


def erase_after_turn_event() -> dict[str, Any]:
    """The event that makes the tracker store delete this conversation once the turn is saved."""
    try:
        from bot.privacy.erasure import erase_after_turn_event as privacy_event
    except ImportError:
        return {"event": "slot", "timestamp": None, "name": ERASE_SLOT, "value": True}
    return privacy_event()


def erase_other_conversations(sender_keys: Iterable[str]) -> int:
    """Delete the stored conversations of these sender keys (her cases made on another channel)."""
    keys = [k for k in sender_keys if k]
    if not keys:
        return 0
    try:
        from bot.privacy.erasure import erase_for_sender_keys
    except ImportError:
        log.warning("erasure of other conversations needs bot.privacy.erasure (not installed yet)")
        return 0
    try:
        return erase_for_sender_keys(keys)
    except Exception as err:  # noqa: BLE001 - the store data is already erased; report, do not fail
        log.error("erasing other conversations failed: %s", err.__class__.__name__)
        return 0


def chat_retention_days() -> int | None:
    """Days the tracker store keeps a conversation, when a purge enforces it; else None."""
    try:
        from bot.privacy.retention import retention_days
    except ImportError:
        return None
    try:
        return retention_days()
    except ValueError:
        return None
