"""The answers of the safety net (content/safety.yml): per tier, per language, validated.

Dutch texts are the plain fields; English mirrors them in an ``en:`` block; the other
languages have one line per tier (``other_languages``), marked ``reviewed: false`` until a
speaker of the language has checked them. Nothing is translated at run time.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import yaml

from bot.content import CONTENT_DIR
from bot.safety.tiers import EMERGENCY_TIERS, MAYBE_TOPICS

TEXTS_FILE = CONTENT_DIR / "safety.yml"
FOREIGN_TIERS = ("life", "pregnancy_urgent", "violence", "suicide")
MAX_SENTENCES = 3
# Phone numbers as a parent sees them; "113.nl" is a web address, not a number.
_NUMBER_RE = re.compile(r"(?<![\d-])(?:\d{4}-\d{4}|\d{3})(?![\d-]|\.nl)")
_SENTENCE_RE = re.compile(r"[.!?](?:\s|$)")


class SafetyContentError(ValueError):
    """content/safety.yml is invalid (the message says where)."""


def numbers_in(text: str) -> list[str]:
    """The phone numbers in ``text``, in order of appearance."""
    return _NUMBER_RE.findall(text)


def sentence_count(text: str) -> int:
    return len(_SENTENCE_RE.findall(text.strip() + " "))


def _clean(text: Any) -> str:
    return " ".join(str(text or "").split())


def validate(data: dict[str, Any]) -> None:
    """Raise :class:`SafetyContentError` when a text, number or translation is missing or wrong."""
    sources = data.get("sources") or {}
    numbers = data.get("numbers") or {}
    for number, source in numbers.items():
        if source not in sources or not str(sources[source].get("url", "")).startswith("https://"):
            raise SafetyContentError(f"number {number}: source {source!r} is not listed with an https url")
    if not data.get("checked"):
        raise SafetyContentError("checked: (the date the texts were last checked) is required")
    tiers = data.get("tiers") or {}
    if set(tiers) != set(EMERGENCY_TIERS):
        raise SafetyContentError(f"tiers: exactly {list(EMERGENCY_TIERS)}")
    english = (data.get("en") or {}).get("tiers") or {}
    for tier in EMERGENCY_TIERS:
        order = [str(n) for n in tiers[tier].get("order") or []]
        for lang, text in (("nl", tiers[tier].get("text")), ("en", (english.get(tier) or {}).get("text"))):
            text = _clean(text)
            where = f"{tier} ({lang})"
            if not text:
                raise SafetyContentError(f"{where}: text missing")
            if sentence_count(text) > MAX_SENTENCES:
                raise SafetyContentError(f"{where}: at most {MAX_SENTENCES} sentences")
            found = numbers_in(text)
            unknown = set(found) - set(numbers)
            if unknown:
                raise SafetyContentError(f"{where}: numbers without a source: {sorted(unknown)}")
            if list(dict.fromkeys(found)) != order:
                raise SafetyContentError(f"{where}: numbers {found} are not in the order {order}")
    for block in (data, data.get("en") or {}):
        maybe = block.get("maybe") or {}
        if set(maybe) != set(MAYBE_TOPICS) or not all(_clean(v) for v in maybe.values()):
            raise SafetyContentError(f"maybe: a line for each of {list(MAYBE_TOPICS)} (Dutch and en)")
        for line in maybe.values():
            if set(numbers_in(_clean(line))) - set(numbers) or sentence_count(_clean(line)) > 2:
                raise SafetyContentError(f"maybe line too long or with an unsourced number: {line!r}")
        if not _clean(block.get("after_form")):
            raise SafetyContentError("after_form is required (Dutch and en)")
    for lang, spec in (data.get("other_languages") or {}).items():
        if not isinstance(spec.get("reviewed"), bool) or not spec.get("name"):
            raise SafetyContentError(f"other_languages.{lang}: name and reviewed (true/false) are required")
        for tier in FOREIGN_TIERS:
            text = _clean(spec.get(tier))
            order = [str(n) for n in tiers[tier].get("order") or []]
            wanted = [n for n in order if n != "0800-0113"]
            if not text or [n for n in dict.fromkeys(numbers_in(text))] != wanted:
                raise SafetyContentError(f"other_languages.{lang}.{tier}: missing, or numbers not {wanted}")


@lru_cache(maxsize=1)
def safety_texts() -> dict[str, Any]:
    """content/safety.yml, validated."""
    data = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8")) or {}
    validate(data)
    return data


def emergency_text(tier: str, lang: str = "nl") -> str:
    """The answer for an emergency ``tier`` in ``lang`` (Dutch when the language has none)."""
    data = safety_texts()
    if tier not in EMERGENCY_TIERS:
        raise KeyError(tier)
    if lang == "en":
        return _clean(data["en"]["tiers"][tier]["text"])
    other = (data.get("other_languages") or {}).get(lang) or {}
    if other.get(tier):
        return _clean(other[tier])
    return _clean(data["tiers"][tier]["text"])


def maybe_text(topic: str | None, lang: str = "nl") -> str:
    """The one 'bel bij twijfel' line for ``topic`` (pregnancy when unknown)."""
    data = safety_texts()
    block = data["en"] if lang == "en" else data
    return _clean(block["maybe"].get(topic or "pregnancy") or block["maybe"]["pregnancy"])


def after_form_text(lang: str = "nl") -> str:
    data = safety_texts()
    return _clean((data["en"] if lang == "en" else data)["after_form"])


def answer_languages() -> tuple[str, ...]:
    """Every language with an answer: nl, en and the other languages."""
    return ("nl", "en", *(safety_texts().get("other_languages") or {}))
