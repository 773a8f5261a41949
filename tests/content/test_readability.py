"""Readability of every Dutch text a parent reads (issue 16 item 3; rules in bot/readability.py).

A sentence has at most 25 words, the sentences of a text at most 15 on average, a chat message
at most 60 words, and a word from content/jargon.yml is replaced by its plain alternative (or,
for the few words a parent has to learn, explained in the same text).

Checked here:
* every parent-facing string in content/ (the keys that are not text are named in NOT_TEXT,
  the files that are not parent-facing Dutch text in NOT_PARENT_TEXT, each with the reason);
* every Dutch response in domain.yml (text and button titles);
* the rendered answers: offering cards (summary and both details), referral cards (card and
  both details), contact lines, group lists (every gebied, wijk page and the whole city) and
  the explanation of every term.

Each failure names the file (or the answer), the field and the problem. English (``en:``
blocks) is out of scope: the rules and the jargon list are Dutch.
The rendered kraamzorg outcome (every kind, all three parts) is checked in
tests/kraamzorg/test_rules.py (test_rendered_result_is_short_and_readable).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.contacts import contact_line, contacts
from bot.content import cards, detail_messages, render_summary
from bot.conversation import need_for, several_needs_answer
from bot.groups.answer import groups_answer, outside_answer
from bot.groups.model import groups
from bot.places.areas import areas
from bot.places.resolve import CITYWIDE
from bot.readability import Jargon, Problem, check_text, jargon, jargon_problems, split_message
from bot.referrals import referrals, render_referral, render_referral_detail
from bot.terms import render_term, terms

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"

# Content not checked yet (none).
PENDING: tuple[str, ...] = ()
# Content files without parent-facing Dutch text.
NOT_PARENT_TEXT = {
    "jargon.yml": "the jargon list itself (the words this test looks for)",
    "languages/detection.yml": "word lists of the language detector",
    "languages/first_answers.yml": "texts in other languages than Dutch and English",
    "kraamzorg/parameters.yml": "figures of the kraamzorg rules with their sources (parents see the rendered outcome)",
    "places/gebieden.yml": "names and spellings of areas and wijken (proper names, matched, never shown as text)",
    "safety/": "the safety net's lexicon, warning-sign rules and emergency words (matched, not shown); "
               "'what' and 'urgent_when' describe a sign for maintainers",
}
# Keys (as a regex on the dotted path) whose strings are not text a parent reads.
NOT_TEXT = {
    r"(^|\.)en(\.|$)": "English block (out of scope for the Dutch rules)",
    r"(^|\.)(id|intent|applies|checked|url|phone|card|reviewed|tier)$": "identifiers, links, numbers and dates",
    r"(^|\.)(sources|figures)(\[|\.|$)": "sources and figures for maintainers; parents see the short source tag",
    r"^(rows\[\d+\]|parameters\.\w+)\.(source|note|value)$": "kraamzorg tables: the source of each figure, for "
                                                            "maintainers (parents see 'Bron: gemeente Rotterdam')",
    r"(^|\.)(contacts|related|suppressed_cards|contexts)\[\d+\]$": "ids of other content",
    r"(^|\.)patterns\[": "regular expressions that recognise a question",
    r"(^|\.)next_step\.intent$": "an intent name",
    r"^other_languages\.": "not Dutch (safety.yml: checked by bot/safety/texts.py)",
    r"^numbers\.": "safety.yml: which source backs which phone number",
    r"\.order\[": "safety.yml: the order of the numbers in a text",
    r"^examples\[": "loop/texts.yml: the made-up digits the texts may use",
}
_NOT_TEXT = [re.compile(p) for p in NOT_TEXT]
# Names of our own files and seeds: never in a text a parent reads.
_INTERNAL = re.compile(r"FACTS\.md|\bseed \d{3}\b|\b\d{3}_[0-9a-f]{16}\.txt|\b[\w/]+\.(?:ya?ml|csv|py|md)\b")
# Texts an action sends as several messages (actions/messages.py, utter_split): the 60-word
# limit holds for each message split_message makes of it, the other rules for the whole text.
SENT_SPLIT = {
    "registration/texts.yml consent": "actions/registration.py ActionAskRegConsent",
    "loop/texts.yml texts.privacy": "actions/loop.py ActionLoopPrivacy",
    "loop/texts.yml texts.callback_consent": "actions/loop.py ActionAskCbConsent",
    "loop/texts.yml texts.message_consent": "actions/loop.py ActionAskCbConsent",
    "wellbeing/baby_loss.yml texts.care": "actions/wellbeing.py ActionBabyLoss",
    "wellbeing/baby_loss.yml texts.registration_question": "actions/wellbeing.py ActionBabyLoss",
    "wellbeing/low_mood.yml texts.answer": "actions/wellbeing.py ActionLowMood",
}
# The only exceptions, each with its reason: (where, rule) -> why the text may stay.
EXCEPTIONS = {
    ("content/registration/texts.yml areas.instanties", "jargon"):
        "'Instanties' is the aanmeldpunt's own name for this help area, stored as-is for staff "
        "(bot/registration/help_areas.py); a parent who asks what it means gets it explained there",
}


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, node


def _skipped(name: str) -> bool:
    return name.startswith(PENDING) or any(name == k or (k.endswith("/") and name.startswith(k))
                                           for k in NOT_PARENT_TEXT)


def content_files() -> list[str]:
    found = sorted(str(p.relative_to(CONTENT)) for p in CONTENT.rglob("*.yml"))
    return [f for f in found if not _skipped(f)]


def content_texts(name: str) -> list[tuple[str, str]]:
    """(field, text) for every parent-facing Dutch string of a content file."""
    data = yaml.safe_load((CONTENT / name).read_text(encoding="utf-8"))
    return [(path, text) for path, text in _walk(data) if not any(p.search(path) for p in _NOT_TEXT)]


def _term_paths(name: str) -> set[str]:
    """terms.yml: a term's name, label and explanation are one answer that explains the term's
    own word; their jargon is checked on the rendered answer (test_term_explanation_is_readable)."""
    if name != "terms.yml":
        return set()
    data = yaml.safe_load((CONTENT / name).read_text(encoding="utf-8"))
    return {f"terms[{i}].{key}" for i in range(len(data["terms"])) for key in ("name", "label", "explanation")}


def _report(problems: dict[str, list[Problem]]) -> str:
    return "\n".join(f"{where}: {problem}" for where, found in problems.items() for problem in found)


def _check(where: str, text: str, found: dict[str, list[Problem]], split: bool = False, **kwargs: Any) -> None:
    problems = [p for p in check_text(text, message=not split, **kwargs) if (where, p.rule) not in EXCEPTIONS]
    leak = _INTERNAL.search(text)
    if leak:  # issue 16: an internal file name leaked into a parent-facing source line
        problems.append(Problem("internal_name", f"'{leak.group(0)}' is for maintainers, not for a parent"))
    if split:
        problems += [p for part in split_message(text) for p in check_text(part, message=True, check_jargon=False)
                     if p.rule == "message_too_long"]
    if problems:
        found[where] = problems


# ------------------------------------------------------------------ content files
@pytest.mark.parametrize("name", content_files())
def test_content_file_is_readable(name: str) -> None:
    texts = content_texts(name)
    assert texts, f"{name}: no parent-facing text found (add it to NOT_PARENT_TEXT with a reason?)"
    term_answers = _term_paths(name)
    found: dict[str, list[Problem]] = {}
    for path, text in texts:
        _check(f"content/{name} {path}", text, found, split=f"{name} {path}" in SENT_SPLIT,
               check_jargon=path not in term_answers)
    assert not found, "\n" + _report(found)


def test_groups_csv_is_readable() -> None:
    found: dict[str, list[Problem]] = {}
    for group in groups():
        for column in ("name", "description", "schedule", "how_to_join", "contact", "address"):
            _check(f"content/groups/groups.csv {group.id}.{column}", getattr(group, column), found)
    assert not found, "\n" + _report(found)


# ------------------------------------------------------------------ domain.yml
def _dutch_responses() -> list[tuple[str, dict[str, Any]]]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [(f"{name}[{i}]", variation) for name, variations in domain["responses"].items()
            for i, variation in enumerate(variations) if not variation.get("condition")]


def test_every_dutch_response_is_readable() -> None:
    responses = _dutch_responses()
    assert len(responses) >= 30
    found: dict[str, list[Problem]] = {}
    for where, variation in responses:
        _check(f"domain.yml {where}.text", variation.get("text", ""), found)
        for j, button in enumerate(variation.get("buttons") or []):
            _check(f"domain.yml {where}.buttons[{j}].title", button["title"], found)
    assert not found, "\n" + _report(found)


# ------------------------------------------------------------------ rendered answers
def _check_messages(where: str, messages: list[str], found: dict[str, list[Problem]]) -> None:
    for i, message in enumerate(messages):
        _check(f"{where} message {i + 1}", message, found)


@pytest.mark.parametrize("card_id", sorted(cards()))
def test_offering_card_messages_are_readable(card_id: str) -> None:
    card = cards()[card_id]
    found: dict[str, list[Problem]] = {}
    summary, buttons = render_summary(card)
    _check(f"offering {card_id}: summary message", summary, found)
    for aspect in ("how", "for_whom"):
        _check_messages(f"offering {card_id}: {aspect}", detail_messages(card, aspect), found)
    for button in buttons:
        _check(f"offering {card_id}: button", button["title"], found)
    assert not found, "\n" + _report(found)


@pytest.mark.parametrize("ref_id", sorted(referrals()))
def test_referral_card_messages_are_readable(ref_id: str) -> None:
    ref = referrals()[ref_id]
    found: dict[str, list[Problem]] = {}
    text, buttons = render_referral(ref)
    _check_messages(f"referral {ref_id}: card", split_message(text), found)  # as actions/referrals.py sends it
    for aspect in ("how", "for_whom"):
        detail, more = render_referral_detail(ref, aspect)
        _check_messages(f"referral {ref_id}: {aspect}", split_message(detail), found)
        buttons += more
    for button in buttons:
        _check(f"referral {ref_id}: button", button["title"], found)
    assert not found, "\n" + _report(found)


def test_contact_lines_are_readable() -> None:
    found: dict[str, list[Problem]] = {}
    for cid in contacts():
        _check(f"content/contacts.yml {cid}: contact line with note", contact_line(cid, with_note=True), found)
    assert not found, "\n" + _report(found)


def _self_explained(term_name: str) -> tuple[Jargon, ...]:
    """The jargon list without the words a term answer exists to explain (its own name)."""
    name = term_name.lower()
    return tuple(j for j in jargon() if j.term.lower() not in name)


@pytest.mark.parametrize("term_id", sorted(terms()))
def test_term_explanation_is_readable(term_id: str) -> None:
    term = terms()[term_id]
    text = render_term(term)
    problems = [p for message in split_message(text)  # as actions/referrals.py sends it
                for p in check_text(message, message=True, check_jargon=False)]
    problems += jargon_problems(text, _self_explained(term.name))
    assert not problems, "\n" + _report({f"content/terms.yml {term_id}: rendered explanation": problems})


def test_several_needs_answers_are_readable() -> None:
    """The answer to a message with two needs (every pair, in both forms), as it is sent."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    intents = [i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]]
    needs = [i for i in intents if need_for(i)]
    assert len(needs) > 20
    found: dict[str, list[Problem]] = {}
    for pair in itertools.permutations(needs, 2):
        for after in (False, True):
            text, _, _ = several_needs_answer(list(pair), after_other_answer=after)
            for i, message in enumerate(split_message(text)):  # as actions/conversation.py sends it
                _check(f"several needs {'+'.join(pair)}{' (also)' if after else ''} message {i + 1}", message, found)
    assert not found, "\n" + _report(found)


def _group_pages(key: str) -> Iterator[tuple[str, str]]:
    offset: int | None = 0
    while offset is not None:
        answer, next_offset = groups_answer(key, (), offset)
        for i, message in enumerate(answer.messages):
            yield f"groups {key} page from {offset + 1}, message {i + 1}", message
        offset = next_offset


def test_group_lists_are_readable() -> None:
    data = areas()
    keys = [CITYWIDE, *(f"gebied:{g}" for g in data.gebieden), *(f"wijk:{w}" for w in data.wijken)]
    found: dict[str, list[Problem]] = {}
    checked = 0
    for key in keys:
        for where, message in _group_pages(key):
            checked += 1
            _check(where, message, found)
    _check("groups: outside Rotterdam", outside_answer().text, found)
    assert checked > len(keys)
    assert not found, "\n" + _report(found)


# ------------------------------------------------------------------ the check finds problems
def test_the_check_names_file_field_and_problem() -> None:
    found: dict[str, list[Problem]] = {}
    long = "Dit is een heel lange zin " + "met nog meer woorden " * 6 + "en een eind."
    _check("content/x.yml texts.answer", f"{long} Kijk bij de intake.", found)
    report = _report(found)
    assert "content/x.yml texts.answer: sentence_too_long" in report
    assert "average_too_long" in report and "'intake'" in report
    _check("content/x.yml texts.source", "Bron: gemeente Rotterdam, FACTS.md (Meeting others).", found)
    assert "content/x.yml texts.source: internal_name: 'FACTS.md'" in _report(found)


def test_skip_rules_keep_parent_facing_fields() -> None:
    fields = {path for path, _ in content_texts("offerings/kraamzorg.yml")}
    assert {"name", "summary", "for_whom", "costs", "how_to_get", "contact", "next_step.title"} <= fields
    assert not {"id", "intent", "applies", "next_step.intent"} & fields
    assert not any(f.startswith(("sources", "figures", "en")) for f in fields)
    contact_fields = {path for path, _ in content_texts("contacts.yml")}
    assert "contacts[0].name" in contact_fields and "contacts[0].note" in contact_fields
    assert "contacts[0].phone" not in contact_fields
    handoff = {path for path, _ in content_texts("handoff.yml")}
    assert "texts.intro" in handoff and not any(f.startswith("contacts[") for f in handoff)
    safety = {path for path, _ in content_texts("safety.yml")}
    assert "tiers.suicide.text" in safety and "maybe.mind" in safety
    assert not any(f.startswith(("other_languages", "sources", "numbers")) for f in safety)
