"""The buttons the bot has shown, read from its own record (the tracker's bot messages).

WhatsApp and Telegram users often *type* a button's title instead of tapping it ("hulp
thuis", "iets anders vragen", "opnieuw doen"), sometimes with a typo. ``match_button`` finds
the button they meant among the buttons the bot showed in this session, so the typed title
does what the button does, in every channel (``bot.dialogue.typed_buttons`` and
``actions/conversation.py``). The record is the tracker's ``BotUttered`` events: the same
record the channels use to accept only payloads the bot issued.

Works on serialised events (dicts, as the action server gets them) and on Rasa's Event
objects (as policies get them).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

Button = dict[str, Any]
_NON_WORD_RE = re.compile(r"[^a-z0-9]+")
_PAYLOAD_RE = re.compile(r"^/([A-Za-z_][\w-]*)(\{.*\})?\s*$", re.DOTALL)
MAX_TYPED_LENGTH = 60  # a title typed back is short; a long message is a message


def _kind(event: Any) -> str | None:
    if isinstance(event, dict):
        return event.get("event")
    return getattr(event, "type_name", None)


def _buttons_of(event: Any) -> list[Button]:
    data = event.get("data") if isinstance(event, dict) else getattr(event, "data", None)
    buttons = (data or {}).get("buttons") or []
    return [b for b in buttons if isinstance(b, dict) and b.get("title") and b.get("payload")]


def _is_session_start(event: Any) -> bool:
    if _kind(event) == "session_started":
        return True
    name = event.get("name") if isinstance(event, dict) else getattr(event, "action_name", None)
    return _kind(event) == "action" and name == "action_session_start"


def shown_buttons(events: Iterable[Any]) -> list[Button]:
    """Buttons of the bot's messages in the current session, most recent message first."""
    session: list[Any] = []
    for event in events:
        if _is_session_start(event):
            session = []
        else:
            session.append(event)
    shown: list[Button] = []
    for event in reversed(session):
        if _kind(event) == "bot":
            shown.extend(_buttons_of(event))
    return shown


def simplify(text: str) -> str:
    """Lower case, no accents, no punctuation or emoji, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return _NON_WORD_RE.sub(" ", plain).strip()


def _allowed_typos(title: str) -> int:
    length = len(title.replace(" ", ""))
    if length < 5:
        return 0
    return 1 if length < 10 else 2


def match_button(text: str, buttons: list[Button]) -> Button | None:
    """The shown button whose title ``text`` is (small typos allowed), the most recent first.

    Exact matches (after :func:`simplify`) win over near ones; a title of fewer than 5 letters
    must match exactly ("ja" is not "nee"); 5-9 letters allow one typo, longer titles two.
    """
    from rapidfuzz.distance import Levenshtein

    typed = simplify(text)
    if not typed or len(typed) > MAX_TYPED_LENGTH or (text or "").lstrip().startswith("/"):
        return None
    near: tuple[int, int, Button] | None = None
    for order, button in enumerate(buttons):
        title = simplify(str(button.get("title") or ""))
        if not title:
            continue
        if typed == title or typed.replace(" ", "") == title.replace(" ", ""):
            return button
        allowed = _allowed_typos(title)
        if allowed:
            distance = min(Levenshtein.distance(typed, title, score_cutoff=allowed),
                           Levenshtein.distance(typed.replace(" ", ""), title.replace(" ", ""),
                                                score_cutoff=allowed))
            if distance <= allowed and (near is None or (distance, order) < near[:2]):
                near = (distance, order, button)
    return near[2] if near else None


def parse_payload(payload: str) -> tuple[str, dict[str, Any]] | None:
    """``/intent{"slot": "value"}`` -> (intent, entities); None for a text payload or bad JSON."""
    match = _PAYLOAD_RE.match(payload or "")
    if not match:
        return None
    entities: dict[str, Any] = {}
    if match.group(2):
        try:
            parsed = json.loads(match.group(2))
        except ValueError:
            return None
        if not isinstance(parsed, dict):
            return None
        entities = parsed
    return match.group(1), entities
