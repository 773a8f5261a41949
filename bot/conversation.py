"""Clarify as the last resort, and one short answer to several needs (no Rasa imports).

- :func:`close_topics`: when the bot is unsure, it proposes only topics whose score is close
  to the best one (never the unrelated runners-up), and always the human route with them;
- :func:`several_needs_answer`: "Ik hoor drie dingen: 1. ... 2. ... 3. ... Waar wil je mee
  beginnen?" with one button per need, each line a short answer (the offering card's first
  sentence, or the feature's line from content/conversation/texts.yml).

Texts live in content/conversation/texts.yml.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.content import (
    CONTENT_DIR,
    MAX_BUTTON_TITLE,
    MAX_BUTTONS,
    MAX_MESSAGE_TEXT,
    Card,
    card_for_intent,
    publisher,
)
from bot.languages.localize import localized
from bot.referrals import referral_for_intent

TEXTS_FILE = CONTENT_DIR / "conversation" / "texts.yml"
HUMAN_INTENT = "request_human"
# A proposed topic must score at least this share of the best topic's score ...
CLOSE_RATIO = 0.5
# ... and at least this much in absolute terms.
MIN_TOPIC_CONFIDENCE = 0.08
MAX_TOPICS = 2
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+")
_FIGURE_RE = re.compile(r"\d+(?:[.,]\d+)*(?:[ \t\-]\d+(?:[.,]\d+)*)*")
REQUIRED = {
    "clarify": ("topics", "rephrase", "human", "stuck"),
    "bare_number": ("question",),
    "several_needs": ("intro", "one", "also", "outro", "sources", "remind"),
    "form_side": ("thanks", "greet", "back", "other_flow", "stop_button", "loss_kraamzorg", "loss_registration"),
}

Button = dict[str, str]


class TextsError(ValueError):
    """content/conversation/texts.yml is invalid (the message says why, for editors)."""


def validate_texts(data: Any) -> dict[str, Any]:
    """Check the texts file: required texts, needs with short titles, every figure sourced."""
    if not isinstance(data, dict):
        raise TextsError("texts.yml must be a mapping")
    problems = []
    for section, keys in REQUIRED.items():
        for key in keys:
            if not str((data.get(section) or {}).get(key) or "").strip():
                problems.append(f"{section}.{key} is missing")
    for intent, need in (data.get("needs") or {}).items():
        if not isinstance(need, dict) or not need.get("title") or not need.get("line"):
            problems.append(f"needs.{intent} needs a title and a line")
        elif len(str(need["title"])) > MAX_BUTTON_TITLE:
            problems.append(f"needs.{intent}.title is longer than {MAX_BUTTON_TITLE} characters")
    declared = {re.sub(r"[\s\-]", "", str(f.get("value"))) for f in data.get("figures") or [] if f.get("source")}
    for text in _all_texts(data):
        for figure in _FIGURE_RE.findall(text):
            if re.sub(r"[\s\-]", "", figure) not in declared:
                problems.append(f"figure '{figure}' in '{text[:40]}...' has no source under 'figures'")
    if problems:
        raise TextsError("; ".join(problems))
    return data


def _all_texts(data: Mapping[str, Any]) -> list[str]:
    out = []
    for section in ("clarify", "bare_number", "several_needs", "form_side"):
        out += [str(v) for v in (data.get(section) or {}).values()]
    for need in (data.get("needs") or {}).values():
        if isinstance(need, dict):
            out += [str(need.get("title") or ""), str(need.get("line") or "")]
    return out


@lru_cache(maxsize=4)
def texts(path: Path = TEXTS_FILE, lang: str = "nl") -> dict[str, Any]:
    """The texts in ``lang`` (the file's ``en:`` block for English), validated."""
    return validate_texts(localized(yaml.safe_load(path.read_text(encoding="utf-8")), lang))


def _texts(lang: str) -> dict[str, Any]:
    return texts(TEXTS_FILE, "en" if lang == "en" else "nl")


COUNT_WORDS = {"nl": {2: "twee", 3: "drie"}, "en": {2: "two", 3: "three"}}


# ---------------------------------------------------------------- clarify


def close_topics(ranking: Sequence[Mapping[str, Any]], label: Callable[[str], str | None],
                 max_topics: int = MAX_TOPICS) -> list[Button]:
    """Buttons for the topics whose score is close to the best topic's (at most ``max_topics``).

    ``ranking`` is the NLU intent ranking; ``label`` gives a topic's button title, or None for
    intents that are no topic (greetings, answers, the fallback itself).
    """
    topics = [(str(r.get("name")), float(r.get("confidence") or 0.0)) for r in ranking]
    topics = [(name, conf) for name, conf in topics if label(name)]
    if not topics:
        return []
    best = max(conf for _, conf in topics)
    buttons: list[Button] = []
    for name, conf in sorted(topics, key=lambda t: -t[1]):
        if conf < max(best * CLOSE_RATIO, MIN_TOPIC_CONFIDENCE) or name == HUMAN_INTENT:
            continue
        title = label(name) or name
        if all(b["title"] != title for b in buttons):
            buttons.append({"title": title, "payload": f"/{name}"})
        if len(buttons) == max_topics:
            break
    return buttons


def human_button(lang: str = "nl") -> Button:
    return {"title": str(_texts(lang)["needs"][HUMAN_INTENT]["title"]), "payload": f"/{HUMAN_INTENT}"}


def stuck_in_form_text(lang: str = "nl") -> str:
    """After several answers to one form question that were not understood: the way out and a person."""
    t = _texts(lang)["clarify"]
    return f"{t['stuck']}\n{t['human']}"


def form_side_text(key: str, lang: str = "nl") -> str:
    """A line for a question or remark in the middle of a form (``form_side`` in texts.yml)."""
    return str(_texts(lang)["form_side"][key])


def clarify_message(ranking: Sequence[Mapping[str, Any]], label: Callable[[str], str | None],
                    lang: str = "nl") -> tuple[str, list[Button]]:
    """The clarifying question: close topics (if any) plus the human route, in one message."""
    t = _texts(lang)["clarify"]
    topics = close_topics(ranking, label)
    question = t["topics"] if topics else t["rephrase"]
    return f"{question}\n\n{t['human']}", [*topics, human_button(lang)][:MAX_BUTTONS]


def bare_number_message(label: Callable[[str], str | None], lang: str = "nl") -> tuple[str, list[Button]]:
    t = _texts(lang)
    find_group = label("find_group") or str(t["needs"]["find_group"]["title"])
    return (f"{' '.join(str(t['bare_number']['question']).split())}\n\n{t['clarify']['human']}",
            [{"title": find_group, "payload": "/find_group"}, human_button(lang)])


# ---------------------------------------------------------------- several needs


@dataclass(frozen=True)
class Need:
    intent: str
    title: str
    line: str
    answer_id: str
    card: Card | None = None


def _card_line(card: Card) -> str:
    """The card's first sentence; when that is a question, up to the first statement."""
    sentences = _SENTENCE_RE.split(card.summary.strip())
    out = []
    for sentence in sentences:
        out.append(sentence)
        if not sentence.endswith("?"):
            break
    return " ".join(out)


def _referral_need(intent: str, lang: str = "nl") -> Need | None:
    ref = referral_for_intent(intent, lang)
    return Need(intent, ref.card.button_title, _card_line(ref.card), ref.answer_id, ref.card) if ref else None


def need_for(intent: str, lang: str = "nl") -> Need | None:
    """How to mention one need in the several-needs answer (None: the bot has no answer for it)."""
    card = card_for_intent(intent, lang)
    if card is not None:
        return Need(intent, card.button_title, _card_line(card), f"offering:{card.id}", card)
    referral = _referral_need(intent, lang)
    if referral is not None:
        return referral
    feature = (_texts(lang).get("needs") or {}).get(intent)
    if feature:
        answer_id = {"feel_lonely": "lonely", "request_registration": "registration", "request_human": "human",
                     "request_callback": "callback", "ask_capabilities": "capabilities"}.get(intent, intent)
        return Need(intent, str(feature["title"]), " ".join(str(feature["line"]).split()), answer_id)
    return None


def open_needs_reminder(open_needs: Sequence[str], answered: str,
                        lang: str = "nl") -> tuple[str, list[Button], list[str]] | None:
    """After one need of a several-needs answer was answered: (text, buttons, still open) for the
    others, or None when ``answered`` was not one of them or none is left."""
    if answered not in open_needs:
        return None
    left = [n for n in open_needs if n != answered]
    needs = [need for need in (need_for(n, lang) for n in left) if need is not None]
    if not needs:
        return None
    names = (" and " if lang == "en" else " en ").join(f"*{n.title}*" for n in needs)
    text = str(_texts(lang)["several_needs"]["remind"]).format(needs=names)
    return text, [{"title": n.title, "payload": f"/{n.intent}"} for n in needs], [n.intent for n in needs]


def several_needs_answer(intents: Sequence[str], after_other_answer: bool = False,
                         lang: str = "nl") -> tuple[str, list[Button], str] | None:
    """(text, buttons, answer id) for up to three needs, or None when none can be answered.

    ``after_other_answer``: the bot already answered part of the message (a conversation such
    as baby loss, or a short reply): the text starts with "Je vroeg ook naar:".
    """
    needs: list[Need] = []
    for intent in intents:
        need = need_for(intent, lang)
        if need is not None and all(n.answer_id != need.answer_id for n in needs):
            needs.append(need)
    needs = needs[:MAX_BUTTONS]
    if not needs:
        return None
    t = _texts(lang)["several_needs"]
    if after_other_answer:
        lines = [t["also"], *(f"• *{n.title}*: {n.line}" for n in needs)]
        answer_id = "multi:" + "+".join(n.answer_id for n in needs) if len(needs) > 1 else needs[0].answer_id
    elif len(needs) == 1:
        lines = [t["one"], f"*{needs[0].title}*: {needs[0].line}"]
        answer_id = needs[0].answer_id
    else:
        count = COUNT_WORDS.get(lang, COUNT_WORDS["nl"])[len(needs)]
        lines = [str(t["intro"]).format(n=count)]
        lines += [f"{i}. *{n.title}*: {n.line}" for i, n in enumerate(needs, 1)]
        answer_id = "multi:" + "+".join(n.answer_id for n in needs)
    cards = [n.card for n in needs if n.card is not None]
    text = "\n".join(lines) + f"\n\n{t['outro']}"
    if cards:
        # The short source tag (issue 16): who published it and the oldest check; the full
        # references stay in the cards.
        names = ", ".join(dict.fromkeys(publisher(s) for c in cards for s in c.sources))
        oldest = min(c.checked for c in cards)
        text += f"\n\n{t['sources']}: {names} ({oldest:%d-%m-%Y})"
    buttons = [{"title": n.title, "payload": f"/{n.intent}"} for n in needs]
    if len(text) > MAX_MESSAGE_TEXT:  # keep within WhatsApp's limit: drop the source line first
        text = "\n".join(lines) + f"\n\n{t['outro']}"
    return text, buttons, answer_id
