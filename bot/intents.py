"""Human labels for intents, used when the bot asks which topic was meant."""

from __future__ import annotations

from bot.content import cards
from bot.safety.tiers import SAFETY_INTENTS

# Intents a parent can be offered as "did you mean ...?" choices, with button labels.
TOPIC_LABELS: dict[str, str] = {
    "kraamzorg_check": "Kraamzorg betalen",
    "request_registration": "Aanmelden voor hulp",
    "find_group": "Groepen in de buurt",
    "feel_lonely": "Ik voel me alleen",
    "ask_capabilities": "Wat kun je?",
    "request_human": "Praten met iemand",
    "withdraw_registration": "Aanmelding intrekken",
    "ask_registration_status": "Status aanmelding",
    "ask_privacy": "Privacy",
    "ask_my_data": "Mijn gegevens",
    "request_callback": "Bel me terug",
    "leave_message": "Bericht sturen",
}

# The same labels in English (issue 11).
TOPIC_LABELS_EN: dict[str, str] = {
    "kraamzorg_check": "Paying kraamzorg",
    "request_registration": "Register for help",
    "find_group": "Groups nearby",
    "feel_lonely": "I feel alone",
    "ask_capabilities": "What can you do?",
    "request_human": "Talk to someone",
    "withdraw_registration": "Withdraw sign-up",
    "ask_registration_status": "Status of sign-up",
    "ask_privacy": "Privacy",
    "ask_my_data": "My data",
    "request_callback": "Call me back",
    "leave_message": "Send a message",
}

# Never offered as a clarification choice (no topic of their own, or handled elsewhere).
NOT_A_TOPIC = {
    "nlu_fallback", "out_of_scope", "greet", "goodbye", "thank", "affirm", "deny", "stop",
    "bot_challenge", "none_of_these", "offering_how", "offering_for_whom", "kz_answer", "give_location",
    "more_groups", "several_needs", "bare_number", "vague", "give_reference",
    "delete_my_data",  # never offered as a guess: deleting needs her own explicit request
    *SAFETY_INTENTS,
}


def topic_label(intent: str, lang: str = "nl") -> str | None:
    """Short button label for an intent in ``lang``, or ``None`` when it is not a topic."""
    if intent in NOT_A_TOPIC:
        return None
    labels = TOPIC_LABELS_EN if lang == "en" else TOPIC_LABELS
    if intent in labels:
        return labels[intent]
    card = next((c for c in cards(lang).values() if c.intent == intent), None)
    return card.button_title if card else None


def topic_labeller(lang: str):
    """``topic_label`` for one language (what the clarify helpers take)."""
    return lambda intent: topic_label(intent, lang)
