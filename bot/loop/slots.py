"""Slot and form names of the loop conversation (domain.yml, block '### aanmeldpunt loop')."""

from __future__ import annotations

# verification of a reference code from another channel
REF = "loop_ref"  # the code being checked (set by the action, never from a payload)
PURPOSE = "loop_purpose"  # what she wanted before the check: status / my_data / withdraw / erase
VERIFY = "loop_verify_phone"  # her answer (the last two digits) -> "ok" / "failed"; '_phone': never kept in clear
# destructive flows: armed only by an explicit request (bot.loop.requests)
ARMED = "loop_armed"  # "withdraw" or "erase"
ERASE_OK = "loop_erase_ok"
WITHDRAW_OK = "reg_withdraw_ok"  # the registration's withdrawal form (kept for its rules)
# callback request / message for the staff
CB_CONSENT = "cb_consent"
CB_PHONE = "cb_phone"
CB_MOMENT = "cb_moment"
CB_MESSAGE = "cb_message"
CB_CONSENT_AT = "cb_consent_at"
CB_CONSENT_VERSION = "cb_consent_version"
CB_INSTANCE = "cb_instance"
CB_OUTCOME = "cb_outcome"
# carriers: the personal values a 'my data' answer shows, so the tracker store redacts them
# from the stored copy of the answer (recognised by their suffixes) and then forgets them.
SHOWN = {"name": "loop_shown_name", "phone": "loop_shown_phone", "postcode": "loop_shown_postcode"}

VERIFY_FORM = "loop_verify_form"
ERASE_FORM = "loop_erase_form"
WITHDRAW_FORM = "registration_withdraw_form"
CALLBACK_FORM = "loop_callback_form"
MESSAGE_FORM = "loop_message_form"

CALLBACK_SLOTS = (CB_CONSENT, CB_PHONE, CB_MOMENT, CB_MESSAGE, CB_CONSENT_AT, CB_CONSENT_VERSION, CB_INSTANCE,
                  CB_OUTCOME)
