"""Where a long message is cut into parts (bot/nlu/segments.split_points), without Rasa."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from bot.nlu.segments import split_points


@dataclass
class Tok:
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Tok]:
    return [Tok(m.group(0), m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text)]


def parts(text: str) -> list[str]:
    toks = tokens(text)
    return [" ".join(t.text for t in toks[s:e]) for s, e in split_points(text, toks)]


@pytest.mark.parametrize(("text", "expected"), [
    # voice-typed run-on text: a new main clause starts with its subject
    ("ik ben 7 maanden zwanger mijn vriend is weg ik heb geen geld voor kraamzorg",
     ["ik ben 7 maanden zwanger", "mijn vriend is weg", "ik heb geen geld voor kraamzorg"]),
    ("we hebben geen geld voor babyspullen ik zoek ook een groep",
     ["we hebben geen geld voor babyspullen", "ik zoek ook een groep"]),
    # chat words that join two needs
    ("ik zoek een verloskundige trouwens wat is home start",
     ["ik zoek een verloskundige", "wat is home start"]),
])
def test_run_on_text_is_cut_into_its_needs(text: str, expected: list[str]) -> None:
    assert parts(text) == expected


@pytest.mark.parametrize("text", [
    "hoe kan ik me aanmelden voor kraamzorg",  # the subject after the verb: one clause
    "ik weet niet wat ik moet doen met mijn baby",
    "kan ik hulp krijgen voor mijn baby",
    "ik wil weten of ik recht heb op kinderbijslag",
    "ik heb hulp nodig met mijn baby",
])
def test_one_clause_with_a_subject_inside_is_not_cut(text: str) -> None:
    assert len(parts(text)) == 1, parts(text)
