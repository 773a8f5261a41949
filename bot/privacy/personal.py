"""Which slots and answers hold personal data (one place for the tracker store and the purge).

- Registration (``bot/registration/fields.py``): every slot in ``PERSONAL_SLOTS``; the answers to
  its personal questions, and the free-text help answer (``reg_help``: "ik heb schulden en ...").
- Kraamzorg check: every ``kz_`` slot (income, debts, savings, household, due date, insurance):
  values only encrypted while the form runs, answers never kept (``domain.yml`` lists them under
  ``kraamzorg_form``; a test checks that each one is covered). One exception: ``kz_previous``,
  her answers of the last check, stays encrypted until the session ends (``KEPT_UNTIL_SESSION_END``).
- Any other feature's slot named ``*_name``, ``*_phone``, ``*_postcode`` (recognised in texts as
  well), or ``*_message``, ``*_moment`` (a message for the staff, when to call her).

Values of these slots are encrypted in the tracker store and overwritten once no form needs them;
an answer to a question for one of them is not stored at all.
"""

from __future__ import annotations

from bot.registration.fields import ANSWER_IS_PERSONAL, HELP, PERSONAL_SLOTS

KRAAMZORG_PREFIX = "kz_"
# Slots of other features that hold personal data, recognised by name: slot suffix -> kind.
PERSONAL_SUFFIXES = {"_name": "name", "_phone": "phone", "_postcode": "postcode"}
# Free text for the staff or about her day ('cb_message', 'cb_moment'): personal, not searched for.
PERSONAL_TEXT_SUFFIXES = ("_message", "_moment")
# Personal slots whose current value stays (encrypted) after the form, until the session ends
# (120 minutes without a message) or a new value replaces it: the answers of her last kraamzorg
# check, for 'Waarom?', 'Hoe vraag ik het aan' and a correction right after the outcome.
KEPT_UNTIL_SESSION_END = frozenset({"kz_previous"})
# Set by an action to have this conversation's stored events deleted after the turn (erasure.py).
ERASE_SLOT = "privacy_erase"


def is_personal_slot(slot: str | None) -> bool:
    """True when the slot's value is personal data (encrypted in the tracker store, compacted)."""
    if not slot:
        return False
    return slot in PERSONAL_SLOTS or slot.startswith(KRAAMZORG_PREFIX) or any(
        slot.endswith(suffix) for suffix in (*PERSONAL_SUFFIXES, *PERSONAL_TEXT_SUFFIXES)
    )


def redaction_kind(slot: str | None) -> str | None:
    """How a value of this slot is recognised in free text (``name``, ``phone``, ...), or None.

    Kraamzorg slots hold canonical codes ('yes', 'single', '1250.00'): encrypted, but not searched
    for in other texts (that would remove ordinary words).
    """
    if not slot:
        return None
    if slot in PERSONAL_SLOTS:
        return PERSONAL_SLOTS[slot]
    for suffix, kind in PERSONAL_SUFFIXES.items():
        if slot.endswith(suffix):
            return kind
    return None


def answer_is_personal(slot: str | None) -> bool:
    """When the bot asked for this slot, her whole answer is personal data and is not stored."""
    if not slot:
        return False
    return (
        slot in ANSWER_IS_PERSONAL
        or slot == HELP
        or slot.startswith(KRAAMZORG_PREFIX)
        or any(slot.endswith(suffix) for suffix in (*PERSONAL_SUFFIXES, *PERSONAL_TEXT_SUFFIXES))
    )
