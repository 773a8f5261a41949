"""Text sets of the sensitive conversations (content/wellbeing/*.yml): load, check, render.

A text set has ``texts`` (key -> Dutch text), the ``contacts`` its texts may name with
``{phone:<id>}`` / ``{host:<id>}`` (filled from content/contacts.yml, so a number lives in
one place), ``sources``, ``checked`` and ``figures`` for any other number in a text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.contacts import Contact, contacts
from bot.content import (
    CONTENT_DIR,
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

_PLACEHOLDER_RE = re.compile(r"\{(phone|host):([a-z0-9_]+)\}")
_ANY_BRACE_RE = re.compile(r"[{}]")


@dataclass(frozen=True)
class TextSet:
    name: str
    texts: Mapping[str, str]
    contacts: tuple[str, ...]
    sources: tuple[Source, ...]
    checked: dt.date
    figures: tuple[tuple[str, str], ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    lang: str = "nl"

    def render(self, key: str, registry: Mapping[str, Contact] | None = None) -> str:
        """The text ``key`` with its placeholders filled from the contact registry."""
        reg = contacts() if registry is None else registry

        def fill(m: re.Match[str]) -> str:
            c = reg[m.group(2)]
            return c.phone if m.group(1) == "phone" else c.host

        return _PLACEHOLDER_RE.sub(fill, self.texts[key])

    @property
    def source_line(self) -> str:
        refs = "; ".join(s.ref for s in self.sources)
        if self.lang == "en":
            return f"Source: {refs} (checked on {self.checked:%d-%m-%Y})."
        return f"Bron: {refs} (gecontroleerd op {self.checked:%d-%m-%Y})."

    @property
    def source_tag(self) -> str:
        """The short source line parents see: who published it and when it was checked (issue 16)."""
        return source_tag(self.sources, self.checked, self.lang)

    def button(self, key: str, payload: str) -> dict[str, str]:
        """A button with its title from the set's ``buttons`` (in the set's language)."""
        return {"title": str(self.extra["buttons"][key]), "payload": payload}


def _tidy(text: str) -> str:
    """Folded YAML text: one blank line in the file is a line break (bullets), two are a
    paragraph break; other whitespace is collapsed."""
    paragraphs = []
    for para in re.split(r"\n[ \t]*\n", text.strip()):
        lines = [re.sub(r"[ \t]+", " ", line).strip() for line in para.split("\n")]
        paragraphs.append("\n".join(line for line in lines if line))
    return "\n\n".join(p for p in paragraphs if p)


def validate_text_set(data: Any, name: str, registry: Mapping[str, Contact] | None = None,
                      extra_keys: tuple[str, ...] = (), lang: str = "nl") -> TextSet:
    """Check a text set as read in ``lang`` (its ``en:`` block laid over the Dutch for English)."""
    reg = contacts() if registry is None else registry
    lang = language(lang)
    data = localized(data, lang)
    if not isinstance(data, dict):
        raise ContentError(f"{name}: must be a mapping")
    problems: list[str] = []
    for key in ("texts", "contacts", "sources", "checked"):
        if not data.get(key):
            problems.append(f"field '{key}' is missing or empty")
    unknown = sorted(set(data) - {"texts", "contacts", "sources", "checked", "figures", *extra_keys})
    if unknown:
        problems.append(f"unknown field(s) {', '.join(unknown)}")
    if problems:
        raise ContentError(f"{name}: " + "; ".join(problems))
    texts = data["texts"]
    if not isinstance(texts, dict) or not all(isinstance(v, str) and v.strip() for v in texts.values()):
        raise ContentError(f"{name}: 'texts' must map keys to non-empty texts")
    listed = list(data["contacts"]) if isinstance(data["contacts"], list) else []
    missing = [c for c in listed if c not in reg]
    if missing:
        problems.append(f"contact(s) {', '.join(missing)} not in content/contacts.yml")
    checked = _check_checked(data["checked"], problems)
    sources = _check_sources(data["sources"], problems)
    figures = _check_figures(data.get("figures"), problems)
    declared = {_normalise_figure(v) for v, _ in figures}
    used: set[str] = set()
    tidy = {str(k): _tidy(v) for k, v in texts.items()}
    for key, text in tidy.items():
        for kind, cid in _PLACEHOLDER_RE.findall(text):
            if cid not in listed:
                problems.append(f"text '{key}': {{{kind}:{cid}}} names a contact not listed under 'contacts'")
            elif cid in reg and kind == "phone" and not reg[cid].phone:
                problems.append(f"text '{key}': contact '{cid}' has no phone number")
            elif cid in reg and kind == "host" and not reg[cid].url:
                problems.append(f"text '{key}': contact '{cid}' has no website")
        bare = _PLACEHOLDER_RE.sub("", text)
        if _ANY_BRACE_RE.search(bare):
            problems.append(f"text '{key}': unknown placeholder (use {{phone:<id>}} or {{host:<id>}})")
        for found in _figures_in(bare):
            norm = _normalise_figure(found)
            used.add(norm)
            if norm not in declared:
                problems.append(f"figure '{found}' in text '{key}' is not declared under 'figures' (phone numbers: use {{phone:<id>}})")
        if re.search(r"\b(u|uw)\b", text, re.IGNORECASE) and not key.startswith("note_"):
            problems.append(f"text '{key}': use 'je', not 'u'")
    for value, _ in figures:
        if _normalise_figure(value) not in used:
            problems.append(f"figure '{value}' is declared but not used in any text: remove it")
    if problems:
        raise ContentError(f"{name}: " + "; ".join(problems))
    return TextSet(
        name=name, texts=tidy, contacts=tuple(listed), sources=tuple(sources),
        checked=checked, figures=tuple(figures),  # type: ignore[arg-type]
        extra={k: data[k] for k in extra_keys if k in data}, lang=lang,
    )


def load_text_set(path: Path, registry: Mapping[str, Contact] | None = None,
                  extra_keys: tuple[str, ...] = (), lang: str = "nl") -> TextSet:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(f"{path.name}: not valid YAML ({exc})") from exc
    return validate_text_set(data, path.name, registry, extra_keys, lang)


# Text sets that carry more than texts: the extra fields they may have.
_EXTRA_KEYS = {"wellbeing/baby_loss": ("suppressed_cards", "buttons"), "wellbeing/low_mood": ("buttons",),
               "handoff": ("buttons",)}


@cache
def text_set(name: str, lang: str = "nl") -> TextSet:
    """A shipped text set, e.g. 'wellbeing/baby_loss' (content/wellbeing/baby_loss.yml) or
    'handoff' (content/handoff.yml), in ``lang`` ('nl' or 'en'), loaded once per process."""
    return load_text_set(CONTENT_DIR / f"{name}.yml", extra_keys=_EXTRA_KEYS.get(name, ()), lang=language(lang))
