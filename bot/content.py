"""Offering cards: load, validate and render the YAML files in content/offerings/.

A card is what a municipal editor maintains. Every figure in a parent-facing text
(a number, an amount, a phone number) must be declared under ``figures`` with its
source; :func:`validate_card` rejects a card that misses a field, has an unknown
field (a typo), shows an unsourced figure, declares a figure it does not use, or
renders longer than a WhatsApp message allows. :func:`load_cards` adds the checks
across files (id equals file name, unique ids and intents, related cards exist).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.languages.localize import localized
from bot.readability import split_message, words

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
OFFERINGS_DIR = CONTENT_DIR / "offerings"

REQUIRED_TEXT_FIELDS = ("name", "summary", "for_whom", "costs", "how_to_get", "contact")
REQUIRED_FIELDS = ("id", "intent", *REQUIRED_TEXT_FIELDS, "applies", "sources", "checked")
OPTIONAL_FIELDS = ("label", "figures", "related", "next_step")
APPLIES_VALUES = ("parent", "professional", "parent_or_professional")
# Text fields shown to parents; every figure in them needs a declared, sourced figure.
PARENT_FACING_FIELDS = (*REQUIRED_TEXT_FIELDS, "label")

# WhatsApp Cloud API limits for interactive reply-button messages.
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_MESSAGE_TEXT = 1024
MAX_SUMMARY_CHARS = 320
MAX_SUMMARY_SENTENCES = 3
MAX_RELATED = 1
# A chat message holds at most this many words (about half a phone screen).
MAX_MESSAGE_WORDS = 60
# Who published a source, for the short source tag parents see (full refs stay in the card).
HOST_PUBLISHERS = {"rotterdam.nl": "gemeente Rotterdam"}
SEED_PUBLISHERS = {"004": "gemeente Deventer"}
DEFAULT_SEED_PUBLISHER = "gemeente Rotterdam"

# A figure: digits, optionally with decimal/thousand separators ("1,5", "1.000") and
# groups split by a space or hyphen ("010 267 26 53", "0800-2000"). A comma or dot
# followed by a space ends the figure, so "week 32, 8 weken" gives "32" and "8".
_FIGURE_RE = re.compile(r"\d+(?:[.,]\d+)*(?:[ \t\-]\d+(?:[.,]\d+)*)*")
_ID_RE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_INTENT_RE = re.compile(r"^info_[a-z0-9_]+$")
_PLAIN_INTENT_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_SEED_RE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
_URL_RE = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
_SENTENCE_END_RE = re.compile(r"[.!?](?:\s|$)")


class ContentError(ValueError):
    """A content file is invalid; the message says which file and why (for editors)."""


@dataclass(frozen=True)
class Source:
    ref: str
    url: str | None = None
    seed: str | None = None


@dataclass(frozen=True)
class Card:
    id: str
    intent: str
    name: str
    summary: str
    for_whom: str
    costs: str
    how_to_get: str
    applies: str
    contact: str
    sources: tuple[Source, ...]
    checked: dt.date
    figures: tuple[tuple[str, str], ...] = ()
    related: tuple[str, ...] = field(default_factory=tuple)
    # Button title (<= 20 characters) when the name is too long for a button.
    label: str = ""
    # Optional button to a conversation feature: (title, intent), e.g. the kraamzorg check.
    next_step: tuple[str, str] | None = None
    # The language of the texts: "nl", or "en" for the card read through its ``en:`` block.
    lang: str = "nl"

    @property
    def source_line(self) -> str:
        """The full source line (for maintainers and the content report)."""
        refs = "; ".join(s.ref for s in self.sources)
        return f"Bron: {refs} (gecontroleerd op {self.checked:%d-%m-%Y})."

    @property
    def source_tag(self) -> str:
        """The short source line parents see: who published it and when it was checked."""
        return source_tag(self.sources, self.checked, self.lang)

    @property
    def button_title(self) -> str:
        """Title for a button that opens this card (fits WhatsApp's 20 characters)."""
        return self.label or self.name


def publisher(source: Source) -> str:
    """'gemeente Rotterdam', 'rijksvaccinatieprogramma.nl': who published a source."""
    if source.url:
        host = (urlsplit(source.url).hostname or "").removeprefix("www.")
        return HOST_PUBLISHERS.get(host, host)
    return SEED_PUBLISHERS.get((source.seed or "")[:3], DEFAULT_SEED_PUBLISHER)


def source_tag(sources: tuple[Source, ...] | list[Source], checked: dt.date, lang: str = "nl") -> str:
    """'Bron: gemeente Rotterdam, rijksvaccinatieprogramma.nl (23-11-2026)': never a file name."""
    names = list(dict.fromkeys(publisher(s) for s in sources))
    return f"{ui('source', lang)}: {', '.join(names)} ({checked:%d-%m-%Y})"


def _figures_in(text: str) -> list[str]:
    return [m.group(0) for m in _FIGURE_RE.finditer(text)]


def _normalise_figure(value: str) -> str:
    return re.sub(r"[\s\-]", "", value)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}


def _check_checked(value: Any, problems: list[str]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            problems.append("field 'checked' must be a date like 2026-11-23")
            return None
    if not isinstance(value, dt.date):
        problems.append("field 'checked' must be a date like 2026-11-23")
        return None
    if value > dt.date.today():
        problems.append("field 'checked' lies in the future")
    return value


def _check_sources(raw: Any, problems: list[str]) -> list[Source]:
    sources: list[Source] = []
    if not isinstance(raw, list) or not raw:
        problems.append("field 'sources' must list at least one source")
        return sources
    for i, src in enumerate(raw, 1):
        if not isinstance(src, dict) or not str(src.get("ref") or "").strip():
            problems.append(f"source {i} needs a 'ref' (a seed file name or a public source)")
            continue
        unknown = sorted(set(src) - {"ref", "seed", "url"})
        if unknown:
            problems.append(f"source {i} has unknown field(s) {', '.join(map(str, unknown))} (use ref, seed, url)")
        seed, url = src.get("seed"), src.get("url")
        if not (seed or url):
            problems.append(f"source {i} needs a 'seed' file name or a 'url'")
        if seed and not _SEED_RE.match(str(seed)):
            problems.append(f"source {i}: seed '{seed}' must be a seed file name like 003_5a0fde9bb2cd66c4.txt")
        if url and not _URL_RE.match(str(url)):
            problems.append(f"source {i}: url '{url}' must start with https:// or http://")
        sources.append(Source(ref=str(src["ref"]).strip(), url=url or None, seed=seed or None))
    return sources


def _check_figures(raw: Any, problems: list[str]) -> list[tuple[str, str]]:
    figures: list[tuple[str, str]] = []
    if raw is None:
        return figures
    if not isinstance(raw, list):
        problems.append("field 'figures' must be a list of {value, source}")
        return figures
    for i, fig in enumerate(raw, 1):
        if not isinstance(fig, dict) or not str(fig.get("value") or "").strip():
            problems.append(f"figure {i} needs a 'value'")
            continue
        value = str(fig["value"]).strip()
        if not _FIGURE_RE.fullmatch(value):
            problems.append(f"figure '{value}' must be only the number as written in the text, e.g. '010 267 26 53'")
            continue
        if not str(fig.get("source") or "").strip():
            problems.append(f"figure '{value}' has no source")
            continue
        figures.append((value, str(fig["source"]).strip()))
    return figures


def _check_related(raw: Any, card_id: str, problems: list[str]) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(r, str) and r.strip() for r in raw):
        problems.append("field 'related' must be a list of card ids")
        return ()
    if len(raw) > MAX_RELATED:
        problems.append(f"field 'related' may name at most {MAX_RELATED} card")
    if card_id in raw:
        problems.append("field 'related' must not name the card itself")
    return tuple(r.strip() for r in raw)


def _check_next_step(raw: Any, problems: list[str]) -> tuple[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"title", "intent"}:
        problems.append("field 'next_step' needs exactly 'title' and 'intent'")
        return None
    title, intent = str(raw["title"] or "").strip(), str(raw["intent"] or "").strip()
    if not title or len(title) > MAX_BUTTON_TITLE:
        problems.append(f"next_step title must have 1 to {MAX_BUTTON_TITLE} characters")
    if not _PLAIN_INTENT_RE.match(intent) or intent.startswith("info_"):
        problems.append("next_step intent must be a conversation intent like kraamzorg_check (not info_*)")
    return title, intent


def validate_card(data: Any, origin: str = "<card>", lang: str = "nl") -> Card:
    """Check one card's raw YAML data and return it as a :class:`Card` in ``lang``.

    The card's ``en:`` block (the English of its text fields) is laid over the Dutch fields for
    ``lang="en"`` and checked by the same rules (bot/languages/localize.py).
    """
    if not isinstance(data, dict):
        raise ContentError(f"{origin}: a card must be a mapping of fields")
    if "en" in data and not isinstance(data["en"], dict):
        raise ContentError(f"{origin}: 'en' must be a mapping of the translated fields")
    unknown_en = sorted(set(map(str, data.get("en") or {})) - set(PARENT_FACING_FIELDS) - {"next_step"})
    if unknown_en:
        raise ContentError(f"{origin}: unknown field(s) in 'en': {', '.join(unknown_en)} (translate only texts)")
    data = localized(data, lang)
    origin = origin if lang == "nl" else f"{origin} ({lang})"
    problems: list[str] = []
    for key in REQUIRED_FIELDS:
        if _is_blank(data.get(key)):
            problems.append(f"field '{key}' is missing or empty")
    if problems:
        raise ContentError(f"{origin}: " + "; ".join(problems))
    unknown = sorted(set(map(str, data)) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        problems.append(f"unknown field(s) {', '.join(unknown)} (a typo?)")
    for key in (*REQUIRED_TEXT_FIELDS, "id", "intent"):
        if not isinstance(data[key], str):
            problems.append(f"field '{key}' must be text")
    if problems:
        raise ContentError(f"{origin}: " + "; ".join(problems))
    card_id = data["id"].strip()
    if not _ID_RE.match(card_id):
        problems.append("field 'id' may only use a-z, 0-9 and '_' (and equals the file name)")
    if not _INTENT_RE.match(data["intent"].strip()):
        problems.append("field 'intent' must start with 'info_' and use only a-z, 0-9 and '_'")
    if data["applies"] not in APPLIES_VALUES:
        problems.append(f"field 'applies' must be one of {', '.join(APPLIES_VALUES)}")
    label = data.get("label")
    if label is not None and (not isinstance(label, str) or not label.strip() or len(label.strip()) > MAX_BUTTON_TITLE):
        problems.append(f"field 'label' must be text of 1 to {MAX_BUTTON_TITLE} characters")
        label = None
    if not label and len(data["name"].strip()) > MAX_BUTTON_TITLE:
        problems.append(f"field 'name' is longer than {MAX_BUTTON_TITLE} characters: add a short 'label' for buttons")
    checked = _check_checked(data["checked"], problems)
    sources = _check_sources(data["sources"], problems)
    figures = _check_figures(data.get("figures"), problems)
    related = _check_related(data.get("related"), card_id, problems)
    next_step = _check_next_step(data.get("next_step"), problems)

    declared = {_normalise_figure(v) for v, _ in figures}
    used: set[str] = set()
    for key in PARENT_FACING_FIELDS:
        for found in _figures_in(str(data.get(key) or "")):
            norm = _normalise_figure(found)
            used.add(norm)
            if norm not in declared:
                problems.append(f"figure '{found}' in '{key}' is not declared under 'figures' with a source")
    for value, _ in figures:
        if _normalise_figure(value) not in used:
            problems.append(f"figure '{value}' is declared but not used in any text: remove it")

    summary = data["summary"].strip()
    if len(summary) > MAX_SUMMARY_CHARS:
        problems.append(f"field 'summary' has {len(summary)} characters; keep it under {MAX_SUMMARY_CHARS}")
    sentences = len(_SENTENCE_END_RE.findall(summary))
    if sentences > MAX_SUMMARY_SENTENCES:
        problems.append(f"field 'summary' has {sentences} sentences; use at most {MAX_SUMMARY_SENTENCES}")
    if problems:
        raise ContentError(f"{origin}: " + "; ".join(problems))

    card = Card(
        id=card_id,
        intent=data["intent"].strip(),
        name=data["name"].strip(),
        summary=summary,
        for_whom=data["for_whom"].strip(),
        costs=data["costs"].strip(),
        how_to_get=data["how_to_get"].strip(),
        applies=str(data["applies"]),
        contact=data["contact"].strip(),
        sources=tuple(sources),
        checked=checked,  # type: ignore[arg-type]  # a date: problems would have been raised
        figures=tuple(figures),
        related=related,
        label=(label or "").strip(),
        next_step=next_step,
        lang=lang,
    )
    summary_words = len(words(_summary_text(card)))
    if summary_words > MAX_MESSAGE_WORDS:
        problems.append(f"the card's first message has {summary_words} words; keep it under {MAX_MESSAGE_WORDS}"
                        " (shorten 'summary')")
    for text in (_summary_text(card), *detail_messages(card, "how"), *detail_messages(card, "for_whom")):
        if len(text) > MAX_MESSAGE_TEXT:
            problems.append(f"a rendered message has {len(text)} characters; WhatsApp allows {MAX_MESSAGE_TEXT}")
    if problems:
        raise ContentError(f"{origin}: " + "; ".join(problems))
    return card


def load_cards(directory: Path = OFFERINGS_DIR, lang: str = "nl") -> dict[str, Card]:
    """Load and validate every card in ``lang``; raise :class:`ContentError` listing all problems."""
    cards: dict[str, Card] = {}
    errors: list[str] = []
    for path in sorted(directory.glob("*.yml")):
        try:
            card = validate_card(yaml.safe_load(path.read_text(encoding="utf-8")), path.name, lang)
        except (ContentError, yaml.YAMLError) as exc:
            errors.append(str(exc))
            continue
        if card.id != path.stem:
            errors.append(f"{path.name}: id '{card.id}' must equal the file name '{path.stem}'")
        if card.id in cards:
            errors.append(f"{path.name}: duplicate id '{card.id}'")
        cards[card.id] = card
    intents = [c.intent for c in cards.values()]
    for intent in sorted({i for i in intents if intents.count(i) > 1}):
        errors.append(f"intent '{intent}' is used by more than one card")
    for card in cards.values():
        for rel in card.related:
            if rel not in cards:
                errors.append(f"{card.id}.yml: related card '{rel}' does not exist")
    if errors:
        raise ContentError("\n".join(errors))
    return cards


@lru_cache(maxsize=2)
def cards(lang: str = "nl") -> dict[str, Card]:
    """The shipped cards in ``lang`` ("nl" or "en"), loaded once per process."""
    return load_cards(lang="en" if lang == "en" else "nl")


def card_for_intent(intent: str | None, lang: str = "nl") -> Card | None:
    return next((c for c in cards(lang).values() if c.intent == intent), None)


# ---------------------------------------------------------------- rendering
Button = dict[str, str]

HUMAN_BUTTON: Button = {"title": "Praten met iemand", "payload": "/request_human"}
OTHER_QUESTION_BUTTON: Button = {"title": "Andere vraag", "payload": "/ask_capabilities"}
# Button titles (WhatsApp allows 20 characters in a reply button).
HOW_TITLE = "Hoe vraag ik het aan"
FOR_WHOM_TITLE = "Is dit voor mij?"
# The fixed words around a card's texts, per language (issue 11).
UI: dict[str, dict[str, str]] = {
    "nl": {"source": "Bron", "for_whom": "{name}: voor wie?", "costs": "Kosten",
           "how": "{name}: zo vraag je het aan", "contact": "Contact", "how_title": HOW_TITLE,
           "for_whom_title": FOR_WHOM_TITLE, "human": HUMAN_BUTTON["title"], "other": OTHER_QUESTION_BUTTON["title"]},
    "en": {"source": "Source", "for_whom": "{name}: who is it for?", "costs": "Costs",
           "how": "{name}: how to get it", "contact": "Contact", "how_title": "How do I get it?",
           "for_whom_title": "Is this for me?", "human": "Talk to someone", "other": "Other question"},
}


def ui(key: str, lang: str = "nl") -> str:
    """A fixed word of the card layout in ``lang`` (Dutch when unknown)."""
    return UI.get(lang, UI["nl"])[key]


def human_button(lang: str = "nl") -> Button:
    return {"title": ui("human", lang), "payload": HUMAN_BUTTON["payload"]}


def other_question_button(lang: str = "nl") -> Button:
    return {"title": ui("other", lang), "payload": OTHER_QUESTION_BUTTON["payload"]}


def _payload(intent: str, card: Card) -> str:
    return f'/{intent}{{"offering": "{card.id}"}}'


def _how_button(card: Card) -> Button:
    return {"title": ui("how_title", card.lang), "payload": _payload("offering_how", card)}


def _for_whom_button(card: Card) -> Button:
    return {"title": ui("for_whom_title", card.lang), "payload": _payload("offering_for_whom", card)}


def _summary_text(card: Card) -> str:
    return f"*{card.name}*\n{card.summary}\n\n{card.source_tag}"


def _detail_body(card: Card, aspect: str) -> str:
    lang = card.lang
    if aspect == "for_whom":
        return f"*{ui('for_whom', lang).format(name=card.name)}*\n{card.for_whom}\n\n{ui('costs', lang)}: {card.costs}"
    return f"*{ui('how', lang).format(name=card.name)}*\n{card.how_to_get}\n\n{ui('contact', lang)}: {card.contact}"


def detail_messages(card: Card, aspect: str) -> list[str]:
    """The answer to a follow-up question as chat messages of at most MAX_MESSAGE_WORDS words.

    The short source tag ends the last message.
    """
    room = MAX_MESSAGE_WORDS - len(words(card.source_tag))
    messages = split_message(_detail_body(card, aspect), room)
    messages[-1] = f"{messages[-1]}\n\n{card.source_tag}"
    return messages


def _detail_text(card: Card, aspect: str) -> str:
    """All detail messages joined (for length checks)."""
    return "\n\n".join(detail_messages(card, aspect))


def _follow_up_buttons(card: Card, catalogue: Mapping[str, Card] | None) -> list[Button]:
    """The card's own ways forward: its next step (a conversation feature), then its related card."""
    buttons: list[Button] = []
    if card.next_step:
        title, intent = card.next_step
        buttons.append({"title": title, "payload": f"/{intent}"})
    for rel_id in card.related:
        rel = (cards(card.lang) if catalogue is None else catalogue).get(rel_id)
        if rel is not None:
            buttons.append({"title": rel.button_title, "payload": f"/{rel.intent}"})
    return buttons


def render_summary(card: Card, catalogue: Mapping[str, Card] | None = None) -> tuple[str, list[Button]]:
    """The card as one short message plus at most three follow-up buttons, for any channel.

    ``catalogue`` is the set of cards to resolve ``related`` in (default: the shipped cards).
    """
    buttons = [_how_button(card), _for_whom_button(card)]
    buttons += (_follow_up_buttons(card, catalogue) or [human_button(card.lang)])[:1]
    return _summary_text(card), buttons[:MAX_BUTTONS]


def render_detail(
    card: Card, aspect: str, catalogue: Mapping[str, Card] | None = None
) -> tuple[list[str], list[Button]]:
    """Answer a follow-up: ``aspect`` is 'how' or 'for_whom' (anything else: 'how').

    Returns the messages (each at most MAX_MESSAGE_WORDS words) and the buttons for the last one.
    """
    aspect = "for_whom" if aspect == "for_whom" else "how"
    other = _how_button(card) if aspect == "for_whom" else _for_whom_button(card)
    extra = _follow_up_buttons(card, catalogue)
    if len(extra) >= 2:
        buttons = [other, *extra[:2]]
    elif extra:
        buttons = [other, extra[0], human_button(card.lang)]
    else:
        buttons = [other, other_question_button(card.lang), human_button(card.lang)]
    return detail_messages(card, aspect), buttons[:MAX_BUTTONS]
