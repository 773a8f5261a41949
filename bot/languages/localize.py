"""One content file, two languages: Dutch plain fields, English in an ``en:`` block.

A content file keeps its Dutch texts as the plain fields and mirrors the same field names in
one ``en:`` block, at the level of the fields it translates (a card's top level, or inside one
entry of a list)::

    summary: Bij Home-Start komt een vrijwilliger ...
    en:
      summary: With Home-Start a volunteer comes to your home ...

:func:`localized` gives the data as a reader in one language sees it: for Dutch the ``en``
blocks are dropped; for English every ``en`` block is laid over its Dutch fields (nested
mappings field by field, anything else replaced). Ids, sources, figures and dates are never
translated: they stay in the plain fields. :func:`missing_translations` and
:func:`figure_mismatches` are the checks of the content completeness test.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

LANGUAGES = ("nl", "en")
DEFAULT = "nl"
EN_KEY = "en"
# Fields that are never translated: ids, references, sources, dates, numbers, payloads.
NOT_TRANSLATED = frozenset({
    "id", "intent", "intents", "url", "seed", "ref", "source", "sources", "checked", "figures", "value",
    "related", "contacts", "contact_ids", "payload", "phone", "order", "numbers", "keywords", "synonyms",
    "examples", "version", "reviewed", "reviewer", "applies", "answer_id", "key", "kind", "type", "tier",
    "terms", "match", "patterns", "pattern", "aliases", "lang", "language", "name_nl",
    # Notes for the aanmeldpunt's staff (they read Dutch), not texts a parent reads.
    "note_kept", "note_paused", "note_paused_plain",
    "suppressed_cards",  # card ids
})
# A number as a parent sees it: "010 267 26 53", "1.250,50", "0800-2000", "49".
_FIGURE_RE = re.compile(r"\d+(?:[.,]\d+)*(?:[ \-]\d+(?:[.,]\d+)*)*")


def language(value: Any) -> str:
    """A supported conversation language for a slot value: 'en' or Dutch (the default)."""
    return "en" if str(value or "").strip().lower() == "en" else DEFAULT


def localized(data: Any, lang: str = DEFAULT) -> Any:
    """``data`` as read in ``lang`` (see the module docstring); the input is not changed."""
    if isinstance(data, list):
        return [localized(item, lang) for item in data]
    if not isinstance(data, dict):
        return data
    out = {k: localized(v, lang) for k, v in data.items() if k != EN_KEY}
    if lang == "en" and isinstance(data.get(EN_KEY), dict):
        out = _overlay(out, data[EN_KEY])
    return out


def _overlay(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _overlay(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list) and len(value) == len(out[key]) and all(
                isinstance(v, dict) for v in value) and all(isinstance(b, dict) for b in out[key]):
            out[key] = [_overlay(b, v) for b, v in zip(out[key], value, strict=True)]
        else:
            out[key] = localized(value, "en")
    return out


def is_text(value: Any) -> bool:
    """A text a parent reads: a string with at least one letter (not a bare number or code)."""
    return isinstance(value, str) and bool(re.search(r"[^\W\d_]", value))


def texts(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every translatable text under ``data`` (not inside ``en`` blocks) with its path."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == EN_KEY or key in NOT_TRANSLATED:
                continue
            yield from texts(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from texts(value, (*path, i))
    elif is_text(data):
        yield path, data


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        if isinstance(data, dict) and step in data:
            data = data[step]
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


def pairs(data: Any) -> Iterator[tuple[str, str, str | None]]:
    """(where, Dutch text, English text or None) for every translatable text of ``data``."""
    english = localized(data, "en")
    dutch = localized(data, "nl")
    for path, text in texts(data):
        where = ".".join(map(str, path))
        translated = _get(english, path)
        has_en = _translated(data, path)
        yield where, _get(dutch, path) or text, (translated if has_en and is_text(translated) else None)


def _translated(data: Any, path: tuple[Any, ...]) -> bool:
    """Whether an ``en`` block on the way to ``path`` sets the field at ``path``."""
    node = data
    for i, step in enumerate(path):
        if isinstance(node, dict) and isinstance(node.get(EN_KEY), dict):
            if _get(node[EN_KEY], path[i:]) is not None:
                return True
        node = _get(node, (step,))
        if node is None:
            return False
    return False


def missing_translations(data: Any) -> list[str]:
    """Paths of the texts that have no English."""
    return [where for where, _, en in pairs(data) if en is None]


def figures(text: str) -> Counter[str]:
    """The numbers in a text, without spaces, dashes and separators ("010 267 26 53" -> "0102672653")."""
    return Counter(re.sub(r"[\s\-.,]", "", m.group(0)) for m in _FIGURE_RE.finditer(text or ""))


def figure_mismatches(data: Any) -> list[str]:
    """Texts whose English has other numbers than the Dutch (a translated figure must not change)."""
    problems = []
    for where, nl, en in pairs(data):
        if en is not None and figures(nl) != figures(en):
            problems.append(f"{where}: Dutch {sorted(figures(nl).elements())} vs English {sorted(figures(en).elements())}")
    return problems
