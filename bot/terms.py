"""Follow-up questions about the answer just given: terms and steps (content/terms.yml).

"Wat is een pro formafactuur?", "waar vind ik dat formulier?", "moet ik het voor de
bevalling aanvragen of erna?" right after the kraamzorg outcome are questions about that
answer, not a new topic. A term belongs to one or more contexts (the kraamzorg outcome, a
card, or 'global'); :func:`context_from_events` tells which answer the parent just got
and :func:`find_terms` which term her question is about, in that context first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.contacts import Contact, contact_line, contacts
from bot.content import (
    CONTENT_DIR,
    MAX_BUTTON_TITLE,
    ContentError,
    Source,
    _check_checked,
    _check_figures,
    _check_sources,
    _figures_in,
    _normalise_figure,
    source_tag,
)
from bot.languages.localize import language, localized

TERMS_FILE = CONTENT_DIR / "terms.yml"
GLOBAL = "global"
FIXED_CONTEXTS = ("kraamzorg_outcome", "baby_loss", "low_mood", "human", GLOBAL)
REQUIRED = ("id", "name", "patterns", "contexts", "explanation", "sources", "checked")
OPTIONAL = ("label", "contacts", "card", "figures")
MAX_EXPLANATION_CHARS = 500
_ID_RE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_CONTEXT_RE = re.compile(r"^card:[a-z0-9_]+$")


@dataclass(frozen=True)
class Term:
    id: str
    name: str
    patterns: tuple[re.Pattern[str], ...]
    contexts: tuple[str, ...]
    explanation: str
    sources: tuple[Source, ...]
    checked: dt.date
    label: str = ""
    contacts: tuple[str, ...] = ()
    card: str = ""
    figures: tuple[tuple[str, str], ...] = ()
    lang: str = "nl"

    @property
    def button_title(self) -> str:
        return self.label or self.name

    @property
    def answer_id(self) -> str:
        return f"term:{self.id}"

    @property
    def source_line(self) -> str:
        refs = "; ".join(s.ref for s in self.sources)
        if self.lang == "en":
            return f"Source: {refs} (checked on {self.checked:%d-%m-%Y})."
        return f"Bron: {refs} (gecontroleerd op {self.checked:%d-%m-%Y})."

    @property
    def source_tag(self) -> str:
        """The short source line parents see: who published it and when it was checked."""
        return source_tag(self.sources, self.checked, self.lang)

    def match_length(self, normalised: str) -> int:
        """Length of the longest pattern match in ``normalised`` text (0: no match)."""
        return max((len(m.group(0)) for p in self.patterns for m in p.finditer(normalised)), default=0)

    def belongs_to(self, context: str | None) -> bool:
        return context is not None and context in self.contexts


def normalise(text: str) -> str:
    """Lower case, accents and punctuation removed (keeps % and -), single spaces."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9%\- ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def validate_term(data: Any, origin: str, registry: Mapping[str, Contact]) -> Term:
    if not isinstance(data, dict):
        raise ContentError(f"{origin}: a term must be a mapping of fields")
    problems = [f"field '{k}' is missing or empty" for k in REQUIRED if not data.get(k)]
    if problems:
        raise ContentError(f"{origin}: " + "; ".join(problems))
    tid = str(data["id"])
    origin = f"{origin} ({tid})"
    unknown = sorted(set(map(str, data)) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        problems.append(f"unknown field(s) {', '.join(unknown)} (a typo?)")
    if not _ID_RE.match(tid):
        problems.append("field 'id' may only use a-z, 0-9 and '_'")
    for key in ("name", "explanation", "label", "card"):
        if data.get(key) is not None and not isinstance(data[key], str):
            problems.append(f"field '{key}' must be text")
    if problems:
        raise ContentError(f"{origin}: " + "; ".join(problems))
    name, label = data["name"].strip(), str(data.get("label") or "").strip()
    if len(label or name) > MAX_BUTTON_TITLE:
        problems.append(f"name or label must fit a button ({MAX_BUTTON_TITLE} characters): add a short 'label'")
    patterns: list[re.Pattern[str]] = []
    raw_patterns = data["patterns"] if isinstance(data["patterns"], list) else []
    if not raw_patterns:
        problems.append("field 'patterns' must list regular expressions")
    for raw in raw_patterns:
        try:
            pattern = re.compile(str(raw))
        except re.error as exc:
            problems.append(f"pattern '{raw}' is not a valid regular expression ({exc})")
            continue
        if pattern.search(""):
            problems.append(f"pattern '{raw}' matches an empty message")
        patterns.append(pattern)
    ctxs = data["contexts"] if isinstance(data["contexts"], list) else []
    bad = [c for c in ctxs if not (c in FIXED_CONTEXTS or (isinstance(c, str) and _CONTEXT_RE.match(c)))]
    if not ctxs or bad:
        problems.append(f"field 'contexts' must list {', '.join(FIXED_CONTEXTS)} or card:<id> (bad: {bad})")
    links = data.get("contacts") or []
    missing = [c for c in links if c not in registry] if isinstance(links, list) else ["(not a list)"]
    if missing:
        problems.append(f"contact(s) {', '.join(map(str, missing))} not in content/contacts.yml")
    explanation = re.sub(r"\s+", " ", data["explanation"]).strip()
    if len(explanation) > MAX_EXPLANATION_CHARS:
        problems.append(f"field 'explanation' has {len(explanation)} characters; keep it under {MAX_EXPLANATION_CHARS}")
    checked = _check_checked(data["checked"], problems)
    sources = _check_sources(data["sources"], problems)
    figures = _check_figures(data.get("figures"), problems)
    declared = {_normalise_figure(v) for v, _ in figures}
    used = {_normalise_figure(f) for f in _figures_in(f"{name} {label} {explanation}")}
    for fig in sorted(used - declared):
        problems.append(f"figure '{fig}' in the texts is not declared under 'figures' with a source")
    for fig in sorted(declared - used):
        problems.append(f"figure '{fig}' is declared but not used in any text: remove it")
    if problems:
        raise ContentError(f"{origin}: " + "; ".join(problems))
    return Term(
        id=tid, name=name, patterns=tuple(patterns), contexts=tuple(ctxs), explanation=explanation,
        sources=tuple(sources), checked=checked, label=label,  # type: ignore[arg-type]
        contacts=tuple(links), card=str(data.get("card") or "").strip(), figures=tuple(figures),
    )


def load_terms(
    path: Path = TERMS_FILE,
    registry: Mapping[str, Contact] | None = None,
    card_ids: Iterable[str] | None = None,
    lang: str = "nl",
) -> dict[str, Term]:
    """Load and validate every term as read in ``lang`` (English from each term's ``en:``
    block). ``card_ids``: the cards a context or ``card`` may name."""
    lang = language(lang)
    try:
        raw = localized(yaml.safe_load(path.read_text(encoding="utf-8")), lang)
    except yaml.YAMLError as exc:
        raise ContentError(f"{path.name}: not valid YAML ({exc})") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("terms"), list):
        raise ContentError(f"{path.name}: needs a top-level 'terms:' list")
    registry = contacts() if registry is None else registry
    known_cards = set(card_ids) if card_ids is not None else None
    found: dict[str, Term] = {}
    errors: list[str] = []
    for i, item in enumerate(raw["terms"], 1):
        try:
            term = dataclasses.replace(validate_term(item, f"{path.name} entry {i}", registry), lang=lang)
        except ContentError as exc:
            errors.append(str(exc))
            continue
        if term.id in found:
            errors.append(f"{path.name}: duplicate term id '{term.id}'")
        if known_cards is not None:
            for ctx in term.contexts:
                if ctx.startswith("card:") and ctx[5:] not in known_cards:
                    errors.append(f"{path.name} ({term.id}): context '{ctx}' names no card")
            if term.card and term.card not in known_cards:
                errors.append(f"{path.name} ({term.id}): card '{term.card}' does not exist")
        found[term.id] = term
    if errors:
        raise ContentError("\n".join(errors))
    return found


@lru_cache(maxsize=2)
def terms(lang: str = "nl") -> dict[str, Term]:
    """The shipped terms in ``lang``, loaded once per process."""
    return load_terms(lang=language(lang))


def ask_which_text(has_options: bool, lang: str = "nl", path: Path = TERMS_FILE) -> str:
    """The question when no term is recognised (content/terms.yml ``ask_which``), in ``lang``."""
    raw = localized(yaml.safe_load(path.read_text(encoding="utf-8")), language(lang))
    text = str(raw["ask_which"]["options" if has_options else "no_options"])
    return re.sub(r"\s+", " ", text).strip()


def find_terms(text: str, context: str | None, catalogue: Mapping[str, Term] | None = None) -> list[Term]:
    """Terms the question names, best first: terms of ``context`` before global ones,
    then the longest match. A term outside the context and not global is not found."""
    norm = normalise(text)
    scored = []
    for term in (terms() if catalogue is None else catalogue).values():
        in_context = term.belongs_to(context)
        if not (in_context or GLOBAL in term.contexts):
            continue
        length = term.match_length(norm)
        if length:
            scored.append((not in_context, -length, term.id, term))
    return [t for *_, t in sorted(scored, key=lambda s: s[:3])]


def terms_for_context(context: str | None, catalogue: Mapping[str, Term] | None = None) -> list[Term]:
    """The terms that belong to an answer (not the global ones), in file order."""
    return [t for t in (terms() if catalogue is None else catalogue).values() if t.belongs_to(context)]


def render_term(term: Term) -> str:
    """The explanation with the routes of its contacts and the short source tag, in the term's language."""
    text = f"*{term.name}*\n{term.explanation}"
    if term.contacts:
        text += "\n\n" + "\n".join(f"• {contact_line(cid, lang=term.lang)}" for cid in term.contacts)
    return f"{text}\n\n{term.source_tag}"


# ---------------------------------------------------------------- context of the last answer
# Answers that are a context for follow-up questions, by the action that gave them.
CONTEXT_ACTIONS = {
    "action_kraamzorg_result": "kraamzorg_outcome",
    "action_kraamzorg_more": "kraamzorg_outcome",
    "action_kraamzorg_correct": "kraamzorg_outcome",
    "action_baby_loss": "baby_loss",
    "action_low_mood": "low_mood",
    "action_human": "human",
}
CARD_ACTIONS = ("action_show_offering", "action_offering_detail", "action_show_referral")
# Answers that keep the context of the answer before them (a follow-up, a 'thanks', a
# clarifying question); any other answer starts a new topic and ends the context.
KEEP_CONTEXT = {
    "action_listen", "action_explain_term", "action_clarify", "action_default_fallback", "action_safety",
    "utter_thank", "utter_affirm_no_context", "utter_deny_no_context", "action_session_start",
}
# How many of her earlier messages the context reaches back.
CONTEXT_TURNS = 4


# A short question about the answer just given: a question word, few words ("binnen hoeveel
# dagen?", "wanneer moet ik dat doen", "aan wie moet ik dat vertellen").
_FOLLOW_UP_RE = re.compile(
    r"^(?:en\s+|maar\s+|oke?\s+|ok\s+)?(?:wanneer|hoe\s*lang|hoelang|hoeveel|binnen|tot\s+wanneer|waar|wie|aan\s+wie|"
    r"bij\s+wie|welke|wat\s+moet|moet\s+ik|kan\s+ik|mag\s+ik|hoe\s+(?:doe|moet|kan|regel|vraag))\b")
FOLLOW_UP_MAX_WORDS = 8


def is_follow_up_question(text: str) -> bool:
    """A short question that only makes sense about the answer just given."""
    words = text.lower().strip().split()
    return 0 < len(words) <= FOLLOW_UP_MAX_WORDS and bool(_FOLLOW_UP_RE.search(" ".join(words)))


def context_from_events(events: Iterable[Mapping[str, Any]], slots: Mapping[str, Any]) -> str | None:
    """The context of the most recent answer before her latest message (None: no context).

    Follow-up answers (term explanations, clarifications, a 'thanks') keep the context of
    the answer before them, for up to ``CONTEXT_TURNS`` of her messages; any other answer
    (a greeting, the menu, a form) is a new topic.
    """
    evs = list(events)
    # Skip her latest message (the question itself) and anything after it.
    last_user = max((i for i, e in enumerate(evs) if e.get("event") == "user"), default=len(evs))
    turns = 0
    for event in reversed(evs[:last_user]):
        kind = event.get("event")
        if kind == "user":
            turns += 1
            if turns > CONTEXT_TURNS:
                return None
        elif kind == "restart" or kind == "session_started":
            return None
        elif kind == "action":
            name = event.get("name") or ""
            if name in CONTEXT_ACTIONS:
                return CONTEXT_ACTIONS[name]
            if name in CARD_ACTIONS:
                offering = slots.get("offering")
                return f"card:{offering}" if isinstance(offering, str) and offering else None
            if name not in KEEP_CONTEXT:
                return None
    return None
