"""The registry of contact routes in content/contacts.yml: load, validate, render.

One place for every organisation's phone number, website and route in words, so that a
fix (a new number) is one edit. Every figure shown to a parent is sourced: the phone
number by the contact's sources, any other number in ``route``, ``reachable`` or
``note`` by a declared figure (the same rule as the offering cards in bot/content.py).

Rendering helpers for other answers:

* :func:`contact_line` - "Aanmeldpunt Moeders van Rotterdam: bel 010 267 26 53." for one id;
* :func:`routes_for` - the lines for the organisations a text names ("vraag het CJG"),
  so an answer that sends a parent somewhere also says how to get there.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.content import (
    CONTENT_DIR,
    ContentError,
    Source,
    _check_checked,
    _check_figures,
    _check_sources,
    _figures_in,
    _normalise_figure,
    localized,
)

CONTACTS_FILE = CONTENT_DIR / "contacts.yml"

REQUIRED = ("id", "name", "sources", "checked")
OPTIONAL = ("short", "phone", "url", "route", "reachable", "note", "figures", "en")
TEXT_FIELDS = ("name", "short", "route", "reachable", "note")
MAX_NOTE_CHARS = 200
_ID_RE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_PHONE_RE = re.compile(r"^\d[\d \-]*\d$|^\d+$")
_URL_RE = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    sources: tuple[Source, ...]
    checked: dt.date
    short: str = ""
    phone: str = ""
    url: str = ""
    route: str = ""
    reachable: str = ""
    note: str = ""
    figures: tuple[tuple[str, str], ...] = ()
    lang: str = "nl"  # "en": the texts come from the contact's ``en:`` block

    @property
    def label(self) -> str:
        """The name to use in running text ('het CJG'), falling back to the full name."""
        return self.short or self.name

    @property
    def host(self) -> str:
        """The website without scheme and 'www.' (what a parent types): 'cjgrijnmond.nl'."""
        return re.sub(r"^https?://(www\.)?", "", self.url).rstrip("/")

    @property
    def source_line(self) -> str:
        refs = "; ".join(s.ref for s in self.sources)
        return f"Bron: {refs} (gecontroleerd op {self.checked:%d-%m-%Y})."


def validate_contact(data: Any, origin: str = "<contact>", lang: str = "nl") -> Contact:
    """Check one contact's raw YAML data and return it as a :class:`Contact` in ``lang``
    (English: the ``en:`` block laid over the Dutch texts, checked by the same rules)."""
    if not isinstance(data, dict):
        raise ContentError(f"{origin}: a contact must be a mapping of fields")
    if set(data.get("en") or {}) - set(TEXT_FIELDS):
        raise ContentError(f"{origin}: 'en' may only translate {', '.join(TEXT_FIELDS)}")
    data = localized(data, lang)
    problems: list[str] = []
    for key in REQUIRED:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()) or value == []:
            problems.append(f"field '{key}' is missing or empty")
    if problems:
        raise ContentError(f"{origin}: " + "; ".join(problems))
    cid = str(data["id"]).strip()
    origin = f"{origin} ({cid})"
    unknown = sorted(set(map(str, data)) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        problems.append(f"unknown field(s) {', '.join(unknown)} (a typo?)")
    if not _ID_RE.match(cid):
        problems.append("field 'id' may only use a-z, 0-9 and '_'")
    for key in ("id", "phone", "url", *TEXT_FIELDS):
        if data.get(key) is not None and not isinstance(data[key], str):
            problems.append(f"field '{key}' must be text (put numbers in quotes)")
    if problems:
        raise ContentError(f"{origin}: " + "; ".join(problems))
    text = {k: str(data.get(k) or "").strip() for k in ("phone", "url", *TEXT_FIELDS)}
    if not (text["phone"] or text["url"] or text["route"]):
        problems.append("a contact needs a way to reach them: 'phone', 'url' or 'route' (in words)")
    if text["phone"] and not _PHONE_RE.match(text["phone"]):
        problems.append(f"phone '{text['phone']}' must be only the number, e.g. '010 267 26 53'")
    if text["url"] and not _URL_RE.match(text["url"]):
        problems.append(f"url '{text['url']}' must start with https:// or http://")
    if len(text["note"]) > MAX_NOTE_CHARS:
        problems.append(f"field 'note' has {len(text['note'])} characters; keep it under {MAX_NOTE_CHARS}")
    checked = _check_checked(data["checked"], problems)
    sources = _check_sources(data["sources"], problems)
    figures = _check_figures(data.get("figures"), problems)

    # The phone is sourced by the contact's sources; any other number needs a declared figure.
    allowed = {_normalise_figure(v) for v, _ in figures}
    if text["phone"]:
        allowed.add(_normalise_figure(text["phone"]))
    used: set[str] = set()
    for key in ("route", "reachable", "note", "short"):
        for found in _figures_in(text[key]):
            norm = _normalise_figure(found)
            used.add(norm)
            if norm not in allowed:
                problems.append(f"figure '{found}' in '{key}' is not the phone and not declared under 'figures'")
    for value, _ in figures:
        if _normalise_figure(value) not in used:
            problems.append(f"figure '{value}' is declared but not used in any text: remove it")
    if problems:
        raise ContentError(f"{origin}: " + "; ".join(problems))
    return Contact(
        id=cid,
        name=text["name"],
        sources=tuple(sources),
        checked=checked,  # type: ignore[arg-type]  # a date: problems would have been raised
        short=text["short"],
        phone=text["phone"],
        url=text["url"],
        route=re.sub(r"\s+", " ", text["route"]),
        reachable=text["reachable"],
        note=re.sub(r"\s+", " ", text["note"]),
        figures=tuple(figures),
        lang=lang,
    )


def load_contacts(path: Path = CONTACTS_FILE, lang: str = "nl") -> dict[str, Contact]:
    """Load and validate the registry; raise :class:`ContentError` listing every problem."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(f"{path.name}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("contacts"), list):
        raise ContentError(f"{path.name}: needs a top-level 'contacts:' list")
    contacts: dict[str, Contact] = {}
    errors: list[str] = []
    for i, item in enumerate(raw["contacts"], 1):
        try:
            contact = validate_contact(item, f"{path.name} entry {i}", lang)
        except ContentError as exc:
            errors.append(str(exc))
            continue
        if contact.id in contacts:
            errors.append(f"{path.name}: duplicate id '{contact.id}'")
        contacts[contact.id] = contact
    if errors:
        raise ContentError("\n".join(errors))
    return contacts


@lru_cache(maxsize=2)
def contacts(lang: str = "nl") -> dict[str, Contact]:
    """The shipped registry in ``lang`` ("nl" or "en"), loaded once per process."""
    return load_contacts(lang="en" if lang == "en" else "nl")


def contact(contact_id: str, lang: str = "nl") -> Contact:
    """One shipped contact; a missing id is a programming error (KeyError names it)."""
    try:
        return contacts(lang)[contact_id]
    except KeyError:
        raise KeyError(f"no contact '{contact_id}' in content/contacts.yml") from None


# ---------------------------------------------------------------- rendering
_CALL = {"nl": "bel", "en": "call"}
_SEE = {"nl": "kijk op", "en": "see"}


def how_to_reach(c: Contact) -> str:
    """The way to reach them, in one short phrase: 'bel 14 010 of kijk op rotterdam.nl'."""
    parts = []
    if c.phone:
        parts.append(f"{_CALL.get(c.lang, 'bel')} {c.phone}")
    if c.url and not c.phone:
        parts.append(f"{_SEE.get(c.lang, 'kijk op')} {c.host}")
    return (" or " if c.lang == "en" else " of ").join(parts)


def contact_line(contact_id: str, with_note: bool = False, lang: str = "nl") -> str:
    """One line for an answer: '*Aanmeldpunt Moeders van Rotterdam*: bel 010 267 26 53.'

    A contact without a phone number gets its route in words; ``with_note`` adds what
    they do.
    """
    c = contact(contact_id, lang)
    if c.phone or not c.route:
        line = f"*{c.name}*: {how_to_reach(c)}."
        if c.reachable:
            line += f" {c.reachable}"
    else:
        line = f"*{c.name}*: {c.route}"
    if with_note and c.note:
        line += f" {c.note}"
    return line


# Names in running text that mean a contact in the registry, so an answer that says
# "vraag het CJG" can say how. Order matters only for readability of the result.
_MENTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("aanmeldpunt", re.compile(r"\baanmeldpunt\b", re.IGNORECASE)),
    ("cjg", re.compile(r"\bCJG\b|\bcentrum voor jeugd en gezin\b|\bconsultatiebureau\b", re.IGNORECASE)),
    ("vraagwijzer", re.compile(r"\bvraagwijzer\b", re.IGNORECASE)),
    ("wijkteam", re.compile(r"\bwijkteams?\b", re.IGNORECASE)),
    ("svb", re.compile(r"\bSVB\b|\bsociale verzekeringsbank\b", re.IGNORECASE)),
    ("toeslagen", re.compile(r"\b(dienst )?toeslagen\b|\bbelastingtelefoon\b", re.IGNORECASE)),
    ("uwv", re.compile(r"\bUWV\b", re.IGNORECASE)),
    ("huisartsenpost", re.compile(r"\bhuisartsenpost\b", re.IGNORECASE)),
)


def mentioned_contacts(text: str) -> list[str]:
    """Ids of the registry's organisations that ``text`` names (CJG, Vraagwijzer, ...)."""
    return [cid for cid, pattern in _MENTIONS if pattern.search(text or "")]


def routes_for(text: str, exclude: tuple[str, ...] = (), lang: str = "nl") -> list[str]:
    """Contact lines for the organisations ``text`` names whose route it does not give yet.

    A text that already shows the phone number (or website) of a named organisation
    needs no extra line for it.
    """
    lines = []
    for cid in mentioned_contacts(text):
        if cid in exclude:
            continue
        c = contact(cid, lang)
        shown = (c.phone and c.phone in text) or (c.url and c.host in text)
        if not shown:
            lines.append(contact_line(cid, lang=lang))
    return lines


def with_routes(text: str, exclude: tuple[str, ...] = (), lang: str = "nl") -> str:
    """``text`` plus a 'Zo bereik je ze' block for every organisation it names without a route."""
    lines = routes_for(text, exclude, lang)
    if not lines:
        return text
    return text + "\n\n" + "\n".join(f"• {line}" for line in lines)
