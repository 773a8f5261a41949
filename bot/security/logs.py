"""Keep message texts out of Rasa's logs.

Rasa 3.6 logs user texts in structured log events, e.g. ``rest.message.received.failure`` (the REST
channel, which the Telegram gateway uses) and ``message.parsing.failed`` (a message starting with
"/" that is not a valid payload). :func:`drop_message_text` is a structlog processor that replaces
the values of every key Rasa itself marks as personal (its ``_anonymizer`` list) before anything is
rendered; :func:`install` puts it first in Rasa's structlog configuration.

Rasa also repeats user input in Python warnings ("Failed to parse arguments in line '/...'",
"Parsed an intent '...' which is not defined"): :func:`install` silences exactly those.
"""

from __future__ import annotations

import warnings
from typing import Any

import structlog

OMITTED = "[weggelaten]"
# Rasa warnings whose message contains what the user typed.
TEXT_WARNINGS = (r"Failed to parse arguments in line", r"Parsed an intent '", r"Parsed an entity '")
# The keys Rasa's own anonymizer treats as message content (rasa/utils/log_utils.py), plus "texts".
TEXT_KEYS = frozenset({
    "text", "texts", "response_text", "user_text", "slot_values", "parse_data_text", "parse_data_entities",
    "prediction_events", "tracker_latest_message", "prefilled_slots", "message", "response",
    "slot_candidates", "rasa_event", "rasa_events", "tracker_states", "current_states", "old_states",
    "successes", "current_entity", "next_entity", "states", "entity", "token_text", "user_message",
    "json_message", "events",
})


def drop_message_text(_logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    for key in TEXT_KEYS.intersection(event_dict):
        if event_dict[key] is not None:
            event_dict[key] = OMITTED
    return event_dict


def add_processor() -> None:
    """Put :func:`drop_message_text` first in the current structlog configuration."""
    processors = list(structlog.get_config().get("processors") or [])
    if drop_message_text not in processors:
        structlog.configure(processors=[drop_message_text, *processors])


def silence_text_warnings() -> None:
    for pattern in TEXT_WARNINGS:
        warnings.filterwarnings("ignore", message=pattern)


def install() -> None:
    """Filter now, and again each time Rasa (re)configures structlog."""
    silence_text_warnings()
    import rasa.__main__ as rasa_main
    import rasa.utils.log_utils as log_utils

    original = log_utils.configure_structlog
    if getattr(original, "_drops_text", False):
        add_processor()
        return

    def configure_structlog(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        add_processor()
        silence_text_warnings()  # after Rasa's own warning filters (which would take precedence)

    configure_structlog._drops_text = True  # type: ignore[attr-defined]
    log_utils.configure_structlog = configure_structlog
    rasa_main.configure_structlog = configure_structlog
    add_processor()
