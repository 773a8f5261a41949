"""Offering cards: load, validate and render the YAML files in content/offerings/.

A card is what a municipal editor maintains. Every figure in a parent-facing text
(a number, an amount, a phone number) must be declared under ``figures`` with its
source; :func:`validate_card` rejects a card that misses a field or shows an
unsourced figure.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
OFFERINGS_DIR = CONTENT_DIR / "offerings"

REQUIRED_TEXT_FIELDS = ("name", "summary", "for_whom", "costs", "how_to_get", "contact")
APPLIES_VALUES = ("parent", "professional", "parent_or_professional")
# Text fields shown to parents; every figure in them needs a declared, sourced figure.
PARENT_FACING_FIELDS = REQUIRED_TEXT_FIELDS
_FIGURE_RE = re.compile(r"\d[\d.,\s-]*\d|\d")


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

    @property
    def source_line(self) -> str:
        refs = "; ".join(s.ref for s in self.sources)
        return f"Bron: {refs} (gecontroleerd op {self.checked:%d-%m-%Y})."


def _figures_in(text: str) -> list[str]:
    return [m.group(0).strip(" .,-") for m in _FIGURE_RE.finditer(text)]


def _normalise_figure(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value)


def validate_card(data: Any, origin: str = "<card>") -> Card:
    """Check one card's raw YAML data and return it as a :class:`Card`."""
    if not isinstance(data, dict):
        raise ContentError(f"{origin}: a card must be a mapping of fields")
    problems: list[str] = []
    for key in ("id", "intent", *REQUIRED_TEXT_FIELDS, "applies", "sources", "checked"):
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(f"field '{key}' is missing or empty")
    if problems:
        raise ContentError(f"{origin}: " + "; ".join(problems))
    if data["applies"] not in APPLIES_VALUES:
        problems.append(f"field 'applies' must be one of {', '.join(APPLIES_VALUES)}")
    if not str(data["intent"]).startswith("info_"):
        problems.append("field 'intent' must start with 'info_'")
    checked = data["checked"]
    if isinstance(checked, str):
        try:
            checked = dt.date.fromisoformat(checked)
        except ValueError:
            problems.append("field 'checked' must be a date like 2026-11-23")
    if isinstance(checked, dt.date) and checked > dt.date.today():
        problems.append("field 'checked' lies in the future")
    sources: list[Source] = []
    if not isinstance(data["sources"], list) or not data["sources"]:
        problems.append("field 'sources' must list at least one source")
    else:
        for i, src in enumerate(data["sources"], 1):
            if not isinstance(src, dict) or not str(src.get("ref", "")).strip():
                problems.append(f"source {i} needs a 'ref' (a seed file name or a public source)")
                continue
            if not (src.get("seed") or src.get("url")):
                problems.append(f"source {i} needs a 'seed' file name or a 'url'")
            sources.append(Source(ref=src["ref"], url=src.get("url"), seed=src.get("seed")))
    figures: list[tuple[str, str]] = []
    for i, fig in enumerate(data.get("figures") or [], 1):
        if not isinstance(fig, dict) or not str(fig.get("value", "")).strip():
            problems.append(f"figure {i} needs a 'value'")
            continue
        if not str(fig.get("source", "")).strip():
            problems.append(f"figure '{fig['value']}' has no source")
            continue
        figures.append((str(fig["value"]), str(fig["source"])))
    declared = {_normalise_figure(v) for v, _ in figures}
    for key in PARENT_FACING_FIELDS:
        for found in _figures_in(str(data[key])):
            if _normalise_figure(found) not in declared:
                problems.append(f"figure '{found}' in '{key}' is not declared under 'figures' with a source")
    if problems:
        raise ContentError(f"{origin}: " + "; ".join(problems))
    return Card(
        id=str(data["id"]),
        intent=str(data["intent"]),
        name=str(data["name"]).strip(),
        summary=str(data["summary"]).strip(),
        for_whom=str(data["for_whom"]).strip(),
        costs=str(data["costs"]).strip(),
        how_to_get=str(data["how_to_get"]).strip(),
        applies=str(data["applies"]),
        contact=str(data["contact"]).strip(),
        sources=tuple(sources),
        checked=checked,
        figures=tuple(figures),
        related=tuple(data.get("related") or ()),
    )


def load_cards(directory: Path = OFFERINGS_DIR) -> dict[str, Card]:
    """Load and validate every card; raise :class:`ContentError` listing all problems."""
    cards: dict[str, Card] = {}
    errors: list[str] = []
    for path in sorted(directory.glob("*.yml")):
        try:
            card = validate_card(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
        except (ContentError, yaml.YAMLError) as exc:
            errors.append(str(exc))
            continue
        if card.id != path.stem:
            errors.append(f"{path.name}: id '{card.id}' must equal the file name '{path.stem}'")
        if card.id in cards:
            errors.append(f"{path.name}: duplicate id '{card.id}'")
        cards[card.id] = card
    intents = [c.intent for c in cards.values()]
    for intent in {i for i in intents if intents.count(i) > 1}:
        errors.append(f"intent '{intent}' is used by more than one card")
    for card in cards.values():
        for rel in card.related:
            if rel not in cards:
                errors.append(f"{card.id}.yml: related card '{rel}' does not exist")
    if errors:
        raise ContentError("\n".join(errors))
    return cards


@lru_cache(maxsize=1)
def cards() -> dict[str, Card]:
    """The shipped cards, loaded once per process."""
    return load_cards()


def card_for_intent(intent: str | None) -> Card | None:
    return next((c for c in cards().values() if c.intent == intent), None)


# ---------------------------------------------------------------- rendering
Button = dict[str, str]


def _payload(intent: str, card: Card) -> str:
    return f'/{intent}{{"offering": "{card.id}"}}'


def render_summary(card: Card) -> tuple[str, list[Button]]:
    """Short text plus at most three follow-up buttons, for any channel."""
    text = f"*{card.name}*\n{card.summary}\n\n{card.source_line}"
    buttons: list[Button] = [
        {"title": "Hoe krijg ik dit?", "payload": _payload("offering_how", card)},
        {"title": "Is dit iets voor mij?", "payload": _payload("offering_for_whom", card)},
    ]
    if card.related:
        rel = cards()[card.related[0]]
        buttons.append({"title": rel.name[:20], "payload": f"/{rel.intent}"})
    else:
        buttons.append({"title": "Praten met iemand", "payload": "/request_human"})
    return text, buttons[:3]


def render_detail(card: Card, aspect: str) -> tuple[str, list[Button]]:
    """Answer a follow-up: ``aspect`` is 'how' or 'for_whom'."""
    if aspect == "for_whom":
        text = f"*{card.name}: voor wie?*\n{card.for_whom}\n\nKosten: {card.costs}"
        other = {"title": "Hoe krijg ik dit?", "payload": _payload("offering_how", card)}
    else:
        text = f"*{card.name}: hoe krijg je het?*\n{card.how_to_get}\n\nContact: {card.contact}"
        other = {"title": "Is dit iets voor mij?", "payload": _payload("offering_for_whom", card)}
    text += f"\n\n{card.source_line}"
    return text, [other, {"title": "Andere vraag", "payload": "/ask_capabilities"},
                  {"title": "Praten met iemand", "payload": "/request_human"}]
