"""Texts about languages: the first answer in other languages and the Nederlands/English switch.

``content/languages/first_answers.yml`` holds one short fixed text per other language (team
written, ``reviewed: false`` until a speaker checks it; nothing is translated at run time), with
``{phone:<id>}`` / ``{url:<id>}`` filled in from the contact registry. ``texts.yml`` holds the
switch texts in Dutch and English.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

import yaml

from bot.content import CONTENT_DIR, ContentError
from bot.languages.detect import FOREIGN_LANGUAGES
from bot.languages.localize import localized

FIRST_ANSWERS_FILE = CONTENT_DIR / "languages" / "first_answers.yml"
TEXTS_FILE = CONTENT_DIR / "languages" / "texts.yml"
CHOICE_BUTTONS = ({"title": "Nederlands", "payload": "Nederlands"}, {"title": "English", "payload": "English"})
_PLACEHOLDER_RE = re.compile(r"\{(phone|url):([a-z0-9_]+)\}")


def _clean(text: Any) -> str:
    return " ".join(str(text or "").split())


def fill_contacts(text: str) -> str:
    """Replace ``{phone:id}`` and ``{url:id}`` by the registry's number or website."""
    from bot.contacts import contact

    def one(match: re.Match[str]) -> str:
        kind, cid = match.groups()
        c = contact(cid)
        value = c.phone if kind == "phone" else c.host
        if not value:
            raise ContentError(f"{FIRST_ANSWERS_FILE.name}: contact '{cid}' has no {kind}")
        return value

    return _PLACEHOLDER_RE.sub(one, text)


def validate_first_answers(data: Any) -> dict[str, dict[str, Any]]:
    """Check the file; return {lang: {"name", "reviewed", "reviewer", "text"}} with contacts filled in."""
    if not isinstance(data, dict) or not isinstance(data.get("languages"), dict):
        raise ContentError(f"{FIRST_ANSWERS_FILE.name}: needs a 'languages:' mapping")
    if not isinstance(data.get("checked"), dt.date):
        raise ContentError(f"{FIRST_ANSWERS_FILE.name}: 'checked' must be a date")
    out: dict[str, dict[str, Any]] = {}
    for lang, spec in data["languages"].items():
        where = f"{FIRST_ANSWERS_FILE.name}: {lang}"
        if lang not in FOREIGN_LANGUAGES:
            raise ContentError(f"{where}: not a language the detector names {FOREIGN_LANGUAGES}")
        if not isinstance(spec, dict) or not _clean(spec.get("name")) or not _clean(spec.get("text")):
            raise ContentError(f"{where}: 'name' and 'text' are required")
        if not isinstance(spec.get("reviewed"), bool):
            raise ContentError(f"{where}: 'reviewed' must be true or false")
        if spec["reviewed"] and not _clean(spec.get("reviewer")):
            raise ContentError(f"{where}: a reviewed text names its 'reviewer'")
        text = _clean(spec["text"])
        if "{phone:aanmeldpunt}" not in text or "{url:cjg}" not in text:
            raise ContentError(f"{where}: the text must give {{phone:aanmeldpunt}} and the CJG route {{url:cjg}}")
        unknown = re.sub(_PLACEHOLDER_RE, "", text)
        if "{" in unknown or "}" in unknown:
            raise ContentError(f"{where}: only {{phone:<id>}} and {{url:<id>}} placeholders are allowed")
        if re.search(r"\d{3}", unknown):
            raise ContentError(f"{where}: type no numbers in the text; use {{phone:<id>}}")
        out[lang] = {"name": _clean(spec["name"]), "reviewed": spec["reviewed"],
                     "reviewer": _clean(spec.get("reviewer")), "text": fill_contacts(text)}
    return out


@lru_cache(maxsize=1)
def first_answers() -> dict[str, dict[str, Any]]:
    """The shipped first answers, validated, per language code."""
    return validate_first_answers(yaml.safe_load(FIRST_ANSWERS_FILE.read_text(encoding="utf-8")))


def first_answer(lang: str) -> str | None:
    """The first answer in ``lang``, or ``None`` when there is none."""
    found = first_answers().get(lang)
    return found["text"] if found else None


@lru_cache(maxsize=1)
def _switch_texts() -> dict[str, Any]:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8")) or {}


def switch_text(key: str, lang: str) -> str:
    """'offer' or 'chosen' in ``lang`` (nl or en)."""
    return _clean(localized(_switch_texts(), lang)[key])


def offer_text() -> str:
    """The one-time offer after a first English message: English first, then the Dutch line."""
    return f"{switch_text('offer', 'en')}\n{switch_text('offer', 'nl')}"
