"""What the assistant says about keeping her data, in one place, true to what the code does."""

from __future__ import annotations

from bot.privacy.retention import retention_days


def nothing_kept_text(lang: str = "nl") -> str:
    """After a registration that did not happen (no consent, not pregnant, outside Rotterdam).

    Nothing went to the aanmeldpunt; the chat itself is kept (redacted) until the purge deletes it
    after ``TRACKER_RETENTION_DAYS`` (bot/privacy/retention.py), so the text says exactly that.
    """
    try:
        days = retention_days()
    except ValueError:
        days = 90
    if lang == "en":
        return f"I have not passed anything on to the aanmeldpunt. What you type here, I delete after {days} days."
    return f"Ik heb niets aan het aanmeldpunt doorgegeven. Wat je hier typt, wis ik na {days} dagen."
