"""The texts of content/loop/texts.yml: loaded once, validated, rendered.

The status mapping lives here and only here: :func:`status_text` turns a status value of
the store (``bot.store.models.STATUSES``) into the label staff use and the plain words for
the parent (what it means, what happens next and when).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.content import CONTENT_DIR, ContentError, Source, _check_checked, _check_sources
from bot.languages.localize import language, localized

TEXTS_FILE = CONTENT_DIR / "loop" / "texts.yml"
STATUS_FIELDS = ("label", "now", "next")
OPTIONAL_STATUS_FIELDS = ("callback_now", "callback_next")
REQUIRED_TEXTS = (
    "received", "phone_line", "also_callback", "none_found", "none_found_data", "not_withdrawable",
    "ask_reference", "bad_reference", "ask_digits", "digits_unclear", "digits_wrong", "verify_failed",
    "verified", "withdraw_question", "withdraw_kept_open", "withdraw_kept_other", "privacy",
    "chat_retention", "my_data_intro", "my_data_outro", "erase_question", "erase_question_chat_only", "erase_done",
    "erase_done_chat_only", "erase_kept", "erase_unavailable", "unavailable", "human_offer",
    "callback_consent", "message_consent", "callback_no_consent", "ask_callback_phone",
    "ask_callback_moment", "ask_message", "message_too_long", "callback_done", "message_done",
    "callback_unavailable", "handoff_started", "handoff_ended",
    "withdraw_unavailable", "withdraw_none", "withdraw_done", "withdraw_unclear", "erase_unclear", "consent_unclear",
    "erase_what_registration", "erase_what_callback", "erase_what_messages", "and_word", "at_aanmeldpunt",
)
# Placeholders a text may use (filled from settings and the store, never typed in content).
PLACEHOLDERS = {"phone", "days", "date", "reference", "kind", "label", "what", "moment", "chat_retention", "time",
                "version"}
_DIGITS = re.compile(r"\d+(?:[ .,\-]\d+)*")
MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
    "november", "december",
)
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)
MAX_BUTTON_TITLE = 20


@dataclass(frozen=True)
class StatusText:
    label: str
    now: str
    next: str
    callback_now: str = ""
    callback_next: str = ""


@dataclass(frozen=True)
class LoopTexts:
    statuses: dict[str, StatusText]
    texts: dict[str, str]
    sources: tuple[Source, ...]
    checked: dt.date
    buttons: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    my_data: dict[str, str] = field(default_factory=dict)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _clean(text: Any) -> str:
    """Folded YAML (``>-``) turns a blank line into a line break: keep those, tidy the spaces."""
    paragraphs = [p for p in str(text).strip().split("\n") if p.strip()]
    return "\n".join(re.sub(r"\s+", " ", p).strip() for p in paragraphs)


def validate_texts(raw: Any, statuses: tuple[str, ...], origin: str = "texts.yml") -> LoopTexts:
    """Check the raw YAML; raise :class:`ContentError` naming every problem."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise ContentError(f"{origin}: must be a mapping")
    checked = _check_checked(raw.get("checked"), problems)
    sources = _check_sources(raw.get("sources"), problems)
    examples = {str(e) for e in raw.get("examples") or []}

    def check_text(where: str, text: Any) -> str:
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: missing or empty")
            return ""
        try:
            used = _placeholders(text)
        except ValueError as err:
            problems.append(f"{where}: broken {{placeholder}} ({err})")
            return ""
        unknown = used - PLACEHOLDERS
        if unknown:
            problems.append(f"{where}: unknown placeholder(s) {', '.join(sorted(unknown))}")
        for figure in _DIGITS.findall(text):
            if figure not in examples:
                problems.append(f"{where}: figure '{figure}' in the text; use a placeholder or list it under examples")
        return _clean(text)

    status_texts: dict[str, StatusText] = {}
    raw_statuses = raw.get("statuses") or {}
    if not isinstance(raw_statuses, dict):
        problems.append("statuses: must be a mapping status -> texts")
        raw_statuses = {}
    for status in statuses:
        entry = raw_statuses.get(status)
        if not isinstance(entry, dict):
            problems.append(f"statuses.{status}: missing (every status of the store needs its words)")
            continue
        unknown = set(entry) - set(STATUS_FIELDS) - set(OPTIONAL_STATUS_FIELDS)
        if unknown:
            problems.append(f"statuses.{status}: unknown field(s) {', '.join(sorted(unknown))}")
        values = {f: check_text(f"statuses.{status}.{f}", entry.get(f)) for f in STATUS_FIELDS}
        values.update({f: check_text(f"statuses.{status}.{f}", entry[f]) for f in OPTIONAL_STATUS_FIELDS if f in entry})
        status_texts[status] = StatusText(**values)
    for status in set(raw_statuses) - set(statuses):
        problems.append(f"statuses.{status}: not a status of the store ({', '.join(statuses)})")
    raw_texts = raw.get("texts") or {}
    texts = {key: check_text(f"texts.{key}", raw_texts.get(key)) for key in REQUIRED_TEXTS}
    for key in set(raw_texts) - set(REQUIRED_TEXTS):
        problems.append(f"texts.{key}: not used by the code (a typo?)")
    words: dict[str, dict[str, str]] = {}
    for part in ("buttons", "kinds", "my_data"):
        entries = raw.get(part) or {}
        if not isinstance(entries, dict):
            problems.append(f"{part}: must be a mapping key -> text")
            entries = {}
        words[part] = {str(k): check_text(f"{part}.{k}", v) for k, v in entries.items()}
    too_long = [k for k, v in words["buttons"].items() if len(v) > MAX_BUTTON_TITLE]
    if too_long:
        problems.append(f"buttons: title(s) longer than {MAX_BUTTON_TITLE} characters: {', '.join(too_long)}")
    if problems:
        raise ContentError(f"{origin}: " + "; ".join(problems))
    return LoopTexts(statuses=status_texts, texts=texts, sources=tuple(sources), checked=checked,  # type: ignore[arg-type]
                     buttons=words["buttons"], kinds=words["kinds"], my_data=words["my_data"])


def load_texts(path: Path = TEXTS_FILE, lang: str = "nl") -> LoopTexts:
    """The texts as read in ``lang``: Dutch, or English from the file's ``en:`` block."""
    from bot.store.models import STATUSES

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise ContentError(f"{path.name}: not valid YAML ({err})") from err
    return validate_texts(localized(raw, language(lang)), STATUSES, path.name)


@lru_cache(maxsize=2)
def loop_texts(lang: str = "nl") -> LoopTexts:
    return load_texts(lang=language(lang))


def text(key: str, lang: str = "nl", **values: Any) -> str:
    """One text in ``lang``, with its placeholders filled (a missing value is a programming error)."""
    return loop_texts(lang).texts[key].format(**values)


def button(key: str, payload: str, lang: str = "nl") -> dict[str, str]:
    """A button of the loop with its title in ``lang``; the payload is the same in every language."""
    return {"title": loop_texts(lang).buttons[key], "payload": payload}


def kind_word(kind: str, lang: str = "nl") -> str:
    """'aanmelding' / 'terugbelverzoek' (or 'registration' / 'callback request') for a case kind."""
    kinds = loop_texts(lang).kinds
    return kinds.get(kind) or kinds["registration"]


def my_data_word(key: str, lang: str = "nl", **values: Any) -> str:
    """A heading or field label of her own data (content/loop/texts.yml ``my_data``) in ``lang``."""
    return loop_texts(lang).my_data[key].format(**values)


def status_text(status: str, lang: str = "nl") -> StatusText:
    """The words for a status of the store; an unknown status reads as 'in behandeling'."""
    statuses = loop_texts(lang).statuses
    return statuses.get(status) or statuses["in_progress"]


def dutch_date(value: dt.date | dt.datetime, tz: dt.tzinfo | None = None, lang: str = "nl") -> str:
    """'1 december 2026' ('1 December 2026' in English; a datetime is shown in ``tz``,
    default Europe/Amsterdam)."""
    if isinstance(value, dt.datetime):
        from zoneinfo import ZoneInfo

        value = value.astimezone(tz or ZoneInfo("Europe/Amsterdam")).date()
    months = MONTHS_EN if language(lang) == "en" else MONTHS
    return f"{value.day} {months[value.month - 1]} {value.year}"
