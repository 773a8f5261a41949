"""Slot names of the registration conversation, and which of them hold personal data."""

from __future__ import annotations

FORM = "registration_form"
WITHDRAW_FORM = "registration_withdraw_form"

# Asked in this order by the registration form (domain.yml lists the same order).
PREGNANT = "reg_pregnant"
ROTTERDAM = "reg_rotterdam"
CONSENT = "reg_consent"
NAME = "reg_name"
PHONE = "reg_phone"
POSTCODE = "reg_postcode"
DUE = "reg_due"
HELP = "reg_help"
REACHABLE = "reg_reachable"
LANGUAGE = "reg_language"  # the language she wants to be called in (issue 14 item 5)
CONFIRM = "reg_confirm"
FORM_SLOTS = (PREGNANT, ROTTERDAM, CONSENT, NAME, PHONE, POSTCODE, DUE, HELP, REACHABLE, LANGUAGE, CONFIRM)

# Bookkeeping slots (set by the actions only, never from user input).
WEEKS = "reg_weeks"
GEBIED = "reg_gebied"
HELP_PICKED = "reg_help_picked"
HELP_TEXT = "reg_help_text"  # what she typed at the help question in her own words
CONSENT_AT = "reg_consent_at"
CONSENT_VERSION = "reg_consent_version"
INSTANCE = "reg_instance"
INTERPRETER = "reg_interpreter"  # True / False / None (not said), set with LANGUAGE
OUTCOME = "reg_outcome"
REFERENCE = "reg_reference"
WITHDRAW_OK = "reg_withdraw_ok"
STATE_SLOTS = (WEEKS, GEBIED, HELP_PICKED, HELP_TEXT, CONSENT_AT, CONSENT_VERSION, INSTANCE, OUTCOME, INTERPRETER)
ALL_SLOTS = FORM_SLOTS + STATE_SLOTS + (REFERENCE, WITHDRAW_OK)

# Personal data: slot -> kind of value (for redaction of the same value in free text).
PERSONAL_SLOTS: dict[str, str] = {
    NAME: "name",
    PHONE: "phone",
    POSTCODE: "postcode",
    DUE: "date",
    WEEKS: "other",
    GEBIED: "other",
    HELP: "other",
    HELP_PICKED: "other",
    HELP_TEXT: "other",
    REACHABLE: "other",
}
# When the bot asked for one of these, the whole answer is personal data: it is not kept at all.
ANSWER_IS_PERSONAL = (NAME, PHONE, POSTCODE, DUE, REACHABLE)
