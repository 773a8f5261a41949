"""The registration's parent-facing texts in Dutch and English (content/registration/texts.yml).

One file, Dutch plain fields and an ``en:`` block (bot/languages/localize.py). :func:`text`
returns one text in the conversation language with its placeholders filled; ``{phone}`` is
always the aanmeldpunt's number.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from bot.content import CONTENT_DIR
from bot.languages.localize import language, localized

TEXTS_FILE = CONTENT_DIR / "registration" / "texts.yml"


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8")) or {}


@lru_cache(maxsize=2)
def texts(lang: str = "nl") -> dict[str, Any]:
    """The whole file as read in ``lang``."""
    return localized(_raw(), language(lang))


def text(key: str, lang: str = "nl", **values: Any) -> str:
    """``section.key`` in ``lang`` with ``values`` (and the aanmeldpunt's ``phone``) filled in."""
    from bot.registration.consent import AANMELDPUNT_PHONE

    node: Any = texts(lang)
    for part in key.split("."):
        node = node[part]
    return str(node).format(**{"phone": AANMELDPUNT_PHONE, **values})


def button(key: str, lang: str = "nl", payload: str | None = None) -> dict[str, str]:
    """A button titled ``buttons.key`` in ``lang``; the payload is the Dutch title unless given
    (the form reads a tap as typed text, so a tap means the same in both languages)."""
    return {"title": text(f"buttons.{key}", lang), "payload": payload or text(f"buttons.{key}", "nl")}


def is_button_title(said: str) -> bool:
    """Whether ``said`` is the title of one of the registration's buttons, in either language
    ("Klopt, versturen" typed or tapped at another question is not an answer to that question)."""
    from bot.parsing.common import normalise

    wanted = normalise(said or "")
    return bool(wanted) and any(normalise(str(title)) == wanted
                                for lang in ("nl", "en") for title in (texts(lang).get("buttons") or {}).values())
