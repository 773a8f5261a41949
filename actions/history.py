"""What the parent said earlier in this conversation (read from the tracker's events)."""

from __future__ import annotations

from rasa_sdk import Tracker

# How many of her latest messages count as 'this conversation' for context (stage, weeks).
RECENT_MESSAGES = 12


def recent_user_texts(tracker: Tracker, limit: int = RECENT_MESSAGES) -> list[str]:
    """Her typed messages since the session started, newest first (button payloads left out)."""
    texts: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        if event.get("event") != "user":
            continue
        text = event.get("text")
        if isinstance(text, str) and text.strip() and not text.startswith("/"):
            texts.append(text)
            if len(texts) >= limit:
                break
    return texts
