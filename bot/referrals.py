"""Referral cards (content/referrals/): questions that another organisation answers.

A referral card is an offering card (the schema of :func:`bot.content.validate_card`)
plus ``contacts``: ids from the contact registry (content/contacts.yml), at least one.
The answer says what to know, who answers the question and how to reach them; every
phone number comes from the registry, so one fix reaches every answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.contacts import Contact, contact_line, contacts
from bot.content import (
    CONTENT_DIR,
    MAX_BUTTON_TITLE,
    MAX_BUTTONS,
    MAX_MESSAGE_TEXT,
    Button,
    Card,
    ContentError,
    cards,
    validate_card,
)

REFERRALS_DIR = CONTENT_DIR / "referrals"
HUMAN_BUTTON: Button = {"title": "Praten met iemand", "payload": "/request_human"}
OTHER_QUESTION_BUTTON: Button = {"title": "Andere vraag", "payload": "/ask_capabilities"}
MAX_CONTACTS = 4
# Answer ids (shared convention with the NLU evaluation): 'referral:<id>', except the CJG card.
_SPECIAL_ANSWER_IDS = {"cjg": "cjg"}


@dataclass(frozen=True)
class Referral:
    card: Card
    contacts: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.card.id

    @property
    def intent(self) -> str:
        return self.card.intent

    @property
    def answer_id(self) -> str:
        return _SPECIAL_ANSWER_IDS.get(self.id, f"referral:{self.id}")


def validate_referral(
    data: Any, origin: str = "<referral>", registry: Mapping[str, Contact] | None = None, lang: str = "nl"
) -> Referral:
    """An offering card plus a non-empty ``contacts`` list of registry ids (in ``lang``)."""
    if not isinstance(data, dict):
        raise ContentError(f"{origin}: a card must be a mapping of fields")
    base = {k: v for k, v in data.items() if k != "contacts"}
    problems: list[str] = []
    try:
        card = validate_card(base, origin, lang)
    except ContentError as exc:
        problems.append(str(exc).removeprefix(f"{origin}: "))
        card = None
    raw = data.get("contacts")
    registry = contacts() if registry is None else registry
    if not isinstance(raw, list) or not raw or not all(isinstance(c, str) and c.strip() for c in raw):
        problems.append("field 'contacts' must list at least one contact id from content/contacts.yml")
        raw = []
    elif len(raw) > MAX_CONTACTS:
        problems.append(f"field 'contacts' may name at most {MAX_CONTACTS} contacts")
    unknown = [c for c in raw if c not in registry]
    if unknown:
        problems.append(f"contact(s) {', '.join(unknown)} not in content/contacts.yml")
    if len(set(raw)) != len(raw):
        problems.append("field 'contacts' names a contact twice")
    if problems or card is None:
        raise ContentError(f"{origin}: " + "; ".join(problems))
    referral = Referral(card=card, contacts=tuple(raw))
    for text, _ in (render_referral(referral, {}), *(render_referral_detail(referral, a, {}) for a in ("how", "for_whom"))):
        if len(text) > MAX_MESSAGE_TEXT:
            raise ContentError(f"{origin}: a rendered message has {len(text)} characters; WhatsApp allows {MAX_MESSAGE_TEXT}")
    return referral


def load_referrals(
    directory: Path = REFERRALS_DIR,
    registry: Mapping[str, Contact] | None = None,
    offerings: Mapping[str, Card] | None = None,
    lang: str = "nl",
) -> dict[str, Referral]:
    """Load every card; raise :class:`ContentError` listing all problems.

    Across files: id equals the file name, unique ids and intents (also against the
    offering cards), and a related card exists among the referral cards.
    """
    found: dict[str, Referral] = {}
    errors: list[str] = []
    for path in sorted(directory.glob("*.yml")):
        try:
            ref = validate_referral(yaml.safe_load(path.read_text(encoding="utf-8")), path.name, registry, lang)
        except (ContentError, yaml.YAMLError) as exc:
            errors.append(str(exc))
            continue
        if ref.id != path.stem:
            errors.append(f"{path.name}: id '{ref.id}' must equal the file name '{path.stem}'")
        if ref.id in found:
            errors.append(f"{path.name}: duplicate id '{ref.id}'")
        found[ref.id] = ref
    offerings = cards() if offerings is None else offerings
    offering_intents = {c.intent for c in offerings.values()}
    intents = [r.intent for r in found.values()]
    for ref in found.values():
        if intents.count(ref.intent) > 1 or ref.intent in offering_intents:
            errors.append(f"{ref.id}.yml: intent '{ref.intent}' is used by another card")
        if ref.id in offerings:
            errors.append(f"{ref.id}.yml: id '{ref.id}' is also an offering card")
        for rel in ref.card.related:
            if rel not in found:
                errors.append(f"{ref.id}.yml: related card '{rel}' is not a referral card")
    if errors:
        raise ContentError("\n".join(sorted(set(errors))))
    return found


@lru_cache(maxsize=2)
def referrals(lang: str = "nl") -> dict[str, Referral]:
    """The shipped referral cards in ``lang`` ("nl" or "en"), loaded once per process."""
    return load_referrals(lang="en" if lang == "en" else "nl")


def referral_for_intent(intent: str | None, lang: str = "nl") -> Referral | None:
    return next((r for r in referrals(lang).values() if r.intent == intent), None)


# The fixed words around a referral card, per language (issue 11).
_UI = {
    "nl": {"who": "Wie helpt je?", "how": "{name}: hoe regel je het?", "for_whom": "{name}: voor wie?",
           "costs": "Kosten", "how_title": "Hoe regel ik dit?", "for_whom_title": "Voor wie is dit?"},
    "en": {"who": "Who can help you?", "how": "{name}: how do you arrange it?", "for_whom": "{name}: who is it for?",
           "costs": "Costs", "how_title": "How do I arrange it?", "for_whom_title": "Who is it for?"},
}


def _ui(key: str, ref: Referral) -> str:
    return _UI.get(ref.card.lang, _UI["nl"])[key]


def _buttons(ref: Referral) -> tuple[Button, Button]:
    """(other question, human) in the card's language."""
    from bot.content import human_button, other_question_button

    return other_question_button(ref.card.lang), human_button(ref.card.lang)


# ---------------------------------------------------------------- rendering
def _contact_block(ref: Referral) -> str:
    return "\n".join(f"• {contact_line(cid, lang=ref.card.lang)}" for cid in ref.contacts)


def _payload(intent: str, ref: Referral) -> str:
    return f'/{intent}{{"offering": "{ref.id}"}}'


def _how_button(ref: Referral) -> Button:
    return {"title": _ui("how_title", ref), "payload": _payload("offering_how", ref)}


def _for_whom_button(ref: Referral) -> Button:
    return {"title": _ui("for_whom_title", ref), "payload": _payload("offering_for_whom", ref)}


def _way_forward(ref: Referral, catalogue: Mapping[str, Referral] | None) -> list[Button]:
    """The card's next step (a chat feature) or its related card."""
    if ref.card.next_step:
        title, intent = ref.card.next_step
        return [{"title": title, "payload": f"/{intent}"}]
    pool = referrals(ref.card.lang) if catalogue is None else catalogue
    for rel_id in ref.card.related:
        rel = pool.get(rel_id)
        if rel is not None:
            return [{"title": rel.card.button_title, "payload": f"/{rel.intent}"}]
    return []


def render_referral(ref: Referral, catalogue: Mapping[str, Referral] | None = None) -> tuple[str, list[Button]]:
    """What to know, who answers it, how to reach them; buttons: how / next or related / human."""
    c = ref.card
    other, human = _buttons(ref)
    text = f"*{c.name}*\n{c.summary}\n\n*{_ui('who', ref)}* {c.contact}\n{_contact_block(ref)}\n\n{_source(c)}"
    buttons = [_how_button(ref), *(_way_forward(ref, catalogue) or [other]), human]
    return text, buttons[:MAX_BUTTONS]


def render_referral_detail(
    ref: Referral, aspect: str, catalogue: Mapping[str, Referral] | None = None
) -> tuple[str, list[Button]]:
    """Follow-up on a referral card: ``aspect`` 'how' (with the contact routes) or 'for_whom'."""
    c = ref.card
    another, human = _buttons(ref)
    if aspect == "for_whom":
        title = _ui("for_whom", ref).format(name=c.name)
        text = f"*{title}*\n{c.for_whom}\n\n{_ui('costs', ref)}: {c.costs}\n\n{_source(c)}"
        other = _how_button(ref)
    else:
        title = _ui("how", ref).format(name=c.name)
        text = f"*{title}*\n{c.how_to_get}\n\n*{_ui('who', ref)}*\n{_contact_block(ref)}\n\n{_source(c)}"
        other = _for_whom_button(ref)
    buttons = [other, *(_way_forward(ref, catalogue) or [another]), human]
    assert all(len(b["title"]) <= MAX_BUTTON_TITLE for b in buttons)
    return text, buttons[:MAX_BUTTONS]


def _source(card: Card) -> str:
    """The card's short source tag: who published it and when it was checked (issue 16).

    The full references stay in the card (``card.source_line``, the content report)."""
    return card.source_tag
