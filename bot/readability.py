"""Readability rules for every text a parent reads (B1 Dutch on a phone).

Plain functions, no Rasa: :func:`check_text` returns the problems of one text, so a test
(tests/content/test_readability.py) can run it over every content file, every response in
domain.yml, the rendered answers and the Dutch texts in the code, and name the file and
field of each problem.

The rules:
- a sentence has at most ``MAX_SENTENCE_WORDS`` (25) words;
- the sentences of one text have on average at most ``MAX_AVERAGE_WORDS`` (15) words;
- one chat message has at most ``MAX_MESSAGE_WORDS`` (60) words (about half a phone screen);
- words from the jargon list (content/jargon.yml) are replaced by their plain alternative,
  or, for the few terms parents must learn (e.g. 'bijzondere bijstand'), explained in the
  same text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

MAX_SENTENCE_WORDS = 25
MAX_AVERAGE_WORDS = 15
MAX_MESSAGE_WORDS = 60
JARGON_FILE = Path(__file__).resolve().parent.parent / "content" / "jargon.yml"

# A phone number or amount written with spaces ("010 267 26 53", "€ 1.401,50") is one word.
_NUMBER_GROUP = re.compile(r"(?:€\s*)?\d[\d.,]*(?:[ \-]\d[\d.,]*)*")
_WORD = re.compile(r"[^\W_](?:[\w'’\-.]*[^\W_])?", re.UNICODE)
# A sentence ends at . ! ? or a line break; not at a decimal point or an abbreviation like 'bijv.'.
_ABBREVIATIONS = ("bijv.", "bv.", "o.a.", "d.w.z.", "enz.", "nr.", "v.", "t/m", "ca.", "incl.", "excl.", "art.")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+|(?<=:)\s*\n")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_EMPHASIS = re.compile(r"(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")


@dataclass(frozen=True)
class Problem:
    """One readability problem in a text (Dutch-free: for maintainers)."""

    rule: str  # sentence_too_long | average_too_long | message_too_long | jargon
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.detail}"


@dataclass(frozen=True)
class Jargon:
    term: str
    plain: str
    # For terms a parent must learn: a regex that counts as explaining the term in the same text.
    explained_by: str | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(rf"(?<!\w){re.escape(self.term)}(?!\w)", re.IGNORECASE)


def _clean(text: str) -> str:
    text = _PLACEHOLDER.sub("X", text)
    text = _EMPHASIS.sub("", text)
    return _NUMBER_GROUP.sub("0", text)


def words(text: str) -> list[str]:
    """The words of a text; a phone number or an amount counts as one word."""
    return _WORD.findall(_clean(text))


def sentences(text: str) -> list[str]:
    """The sentences of a text (also split at line breaks: bullets and headings)."""
    protected = text
    for abbr in _ABBREVIATIONS:
        protected = re.sub(rf"(?<!\w){re.escape(abbr)}", abbr.replace(".", "\u2024"), protected, flags=re.I)
    parts = [p.strip(" •-\t") for p in _SENTENCE_BREAK.split(protected)]
    return [p.replace("\u2024", ".") for p in parts if p and words(p)]


@lru_cache(maxsize=1)
def jargon() -> tuple[Jargon, ...]:
    """The jargon list (content/jargon.yml)."""
    data = yaml.safe_load(JARGON_FILE.read_text(encoding="utf-8")) or {}
    items = []
    for entry in data.get("terms") or []:
        items.append(Jargon(str(entry["term"]), str(entry["plain"]), entry.get("explained_by")))
    return tuple(items)


def jargon_problems(text: str, terms: tuple[Jargon, ...] | None = None) -> list[Problem]:
    """Jargon used without its plain alternative (or without the explanation it needs)."""
    found: list[Problem] = []
    for item in jargon() if terms is None else terms:
        if not item.pattern.search(text):
            continue
        if item.explained_by and re.search(item.explained_by, text, re.IGNORECASE):
            continue
        how = "explain it in the same text" if item.explained_by else f"write '{item.plain}'"
        found.append(Problem("jargon", f"'{item.term}': {how}"))
    return found


def check_text(text: str, *, message: bool = False, check_jargon: bool = True) -> list[Problem]:
    """Every readability problem of ``text``. ``message``: the text is one whole chat message."""
    if not isinstance(text, str) or not text.strip():
        return []
    problems: list[Problem] = []
    parts = sentences(text)
    lengths = [len(words(s)) for s in parts]
    for sentence, length in zip(parts, lengths, strict=True):
        if length > MAX_SENTENCE_WORDS:
            problems.append(Problem("sentence_too_long", f"{length} words (max {MAX_SENTENCE_WORDS}): '{sentence}'"))
    if lengths and sum(lengths) / len(lengths) > MAX_AVERAGE_WORDS:
        average = sum(lengths) / len(lengths)
        problems.append(Problem("average_too_long", f"{average:.1f} words per sentence (max {MAX_AVERAGE_WORDS})"))
    if message:
        count = len(words(text))
        if count > MAX_MESSAGE_WORDS:
            problems.append(Problem("message_too_long", f"{count} words (max {MAX_MESSAGE_WORDS}): split it"))
    if check_jargon:
        problems += jargon_problems(text)
    return problems


def split_message(text: str, max_words: int = MAX_MESSAGE_WORDS) -> list[str]:
    """Split a text into chat messages of at most ``max_words`` words.

    Cuts between paragraphs first, then between the lines of a paragraph (a bullet stays
    whole), then between sentences; the layout is kept: a paragraph break stays a blank line,
    a line break a line break, sentences of one line stay on one line. A text that fits is
    returned as it is; a single sentence longer than the limit stays whole (the readability
    check reports it).
    """
    if len(words(text or "")) <= max_words:
        return [text.strip()] if text and text.strip() else []
    units: list[tuple[str, str]] = []  # (separator before it, piece)
    for paragraph in [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]:
        separator = "\n\n"
        if len(words(paragraph)) <= max_words:
            units.append((separator, paragraph))
            continue
        for line in [line.strip() for line in paragraph.split("\n") if line.strip()]:
            pieces = [line] if len(words(line)) <= max_words else _sentences_of_line(line)
            for piece in pieces:
                units.append((separator, piece))
                separator = " "
            separator = "\n"
    messages: list[str] = []
    current = ""
    for separator, piece in units:
        candidate = f"{current}{separator}{piece}" if current else piece
        if current and len(words(candidate)) > max_words:
            messages.append(current)
            candidate = piece
        current = candidate
    if current:
        messages.append(current)
    return messages


def _sentences_of_line(line: str) -> list[str]:
    """One line cut into its sentences."""
    return [c for c in re.split(r"(?<=[.!?])\s+(?=[A-Z'‘“(0-9€•])", line) if c]


def texts_in(data: Any, skip_keys: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(dotted path, text) for every string in a YAML structure, except under ``skip_keys``."""
    found: list[tuple[str, str]] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if str(key) in skip_keys:
                    continue
                walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")
        elif isinstance(node, str):
            found.append((path, node))

    walk(data, "")
    return found
