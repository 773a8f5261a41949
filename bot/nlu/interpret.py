"""What a message asks for, beyond one intent: several needs, a bare number, "wat is X en hoe ...".

Runs after the classifiers (and the FallbackClassifier), before the safety net, which still
overrides everything. Three decisions, each a plain function tested without Rasa:

- **several needs**: a long message whose parts (``segments`` from
  ``bot.nlu.segments.SegmentingDIETClassifier``) ask for two or three different things gets
  the intent ``several_needs`` and the output ``needs`` (intents, most relevant first), so the
  bot answers them in one short message instead of guessing one;
- **no words**: only emoji or punctuation ("👶", "?") gets ``vague``: the bot asks what she means;
- **bare number**: a message that is only a number ("24", "36") gets ``bare_number``: outside
  a form the bot asks what it means instead of reading it as a postcode or an age (inside a
  form, the form reads it as usual);
- **one offering named, with a how/for-whom question** ("wat is home start en hoe meld ik me
  aan"): the intent becomes that offering's ``info_<id>`` with the output ``offering_aspect``
  ``how`` / ``for_whom``, so the bot explains X with its how-to instead of starting another
  offering's registration.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
OFFERING_NAMES_FILE = ROOT / "data" / "lexicon" / "offerings.yml"
NEED_PHRASES_FILE = ROOT / "data" / "lexicon" / "needs.yml"
SEVERAL_NEEDS = "several_needs"
BARE_NUMBER = "bare_number"
VAGUE = "vague"
BABY_LOSS = "baby_loss"
FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
REGISTRATION = "request_registration"
# Intents that ask how to get something: with one offering named, they ask about that offering.
CONTACT_INTENTS = frozenset({"request_callback", "request_human"})
HOW_INTENTS = frozenset({"request_registration", "offering_how", "offering_for_whom"})

_BARE_NUMBER_RE = re.compile(r"^\s*[#+-]?\d{1,7}(?:[.,]\d+)?\s*[.!?]*\s*$")
_HOW_RE = re.compile(
    r"\b(?:hoe\s+(?:meld|krijg|kom|vraag|kan|regel|doe)\b|aan\s*melden|aanmeld(?!punt)|meld\s+ik\s+me|inschrijv|"
    r"schrijf\s+ik\s+me|aanvragen|aanvraag|vraag\s+ik\s+(?:het|dat|dit|die)?\s*aan|hoe\s+werkt\s+het|"
    r"waar\s+(?:kan|moet)\s+ik\s+(?:me|mij|het|dat|dit|die|heen|naartoe)|wat\s+moet\s+ik\s+doen\s+om|"
    r"hoe\s+(?:krijg|kom)\s+ik)",
)
_CLAUSE_BREAK_RE = re.compile(r"[,.;!?]|\s+en\s+")
_WHAT_IS_RE = re.compile(r"\bwat\s+(?:is|zijn|betekent|houdt)\b|\bwat\s+doet\b|\bwie\s+(?:is|zijn)\b")
# Names that are also the everyday word for the thing ("kraamzorg"): not a need on their own.
GENERIC_NAMES = frozenset({"kraamzorg", "borstvoeding", "kinkhoest", "moeders_van_rotterdam"})
MIN_WORDS_FOR_NAMED_NEEDS = 6
# The FallbackClassifier's threshold in config.yml (a test keeps the two equal).
FALLBACK_THRESHOLD = 0.4
_FOR_WHOM_RE = re.compile(
    r"\b(?:voor\s+wie|is\b.{0,40}\bvoor\s+mij\b|kom\s+ik\s+in\s+aanmerking|welke\s+leeftijd|hoe\s+oud\s+moet|"
    r"mag\s+ik\s+(?:mee\s*doen|meedoen|daar\s+heen)|heb\s+ik\s+recht\s+op|kan\s+ik\s+(?:daar|dat|het)\s+"
    r"(?:ook\s+)?krijgen)",
)

# What it costs and how to reach them: asked about one named offering, the answer is that card's
# 'for whom' (which gives the costs) or 'how' (which gives the contact). Weaker than the questions
# above: never for a name that is also the everyday word ("moet ik de kraamzorg zelf betalen" is
# the kraamzorg check, not the card).
_COSTS_RE = re.compile(
    r"\b(?:wat\s+kost|hoeveel\s+kost|kost\s+(?:het|dat|dit|t|die|deze)\b|hoe\s+duur|gratis|kosteloos|"
    r"kost\s+(?:\w+\s+){1,3}(?:geld|iets)\b|(?:wat\s+zijn\s+de|zijn\s+er|eigen)\s+kosten|moet\s+(?:ik|je|we)\s+(?:\w+\s+){0,3}betalen|"
    r"betaal\s+ik|vergoed)",
)
_CONTACT_RE = re.compile(
    r"\b(?:telefoon\s?nummer|tel\s?nr|(?:het|hun|jullie|een)\s+nummer|nummer\s+van|bereik|contact|"
    r"adres|e-?mail|mailen|bellen|openingstijden|waar\s+(?:is|zit|zitten|vind\s+ik))",
)
SOFT_ASPECTS = (("for_whom", _COSTS_RE), ("how", _CONTACT_RE))
# A message that opens by asking what something is ("wat is kraamzorg eigenlijk", "ok en wat betekent ...").
_OPENS_WITH_WHAT_IS_RE = re.compile(
    r"^(?:(?:hoi|hallo|hey|he|ewa|ok|oke|en|maar|sorry)\W+){0,2}"
    r"(?:wat\s+(?:is|zijn|betekent|betekend|bedoelen\s+ze\s+met|houdt)|wats|wat's|what\s+is)\b"
)
SOFT_EXCLUDED = frozenset({"kraamzorg"})


# Looking for a care provider ("ik zoek een verloskundige in Feijenoord"): the place named is
# where she wants the provider, not a group search. Professions map to their referral intent.
_PROFESSIONS = (
    (re.compile(r"\bverlos\s?kundig(?:e|en|e\s?praktijk|enpraktijk|epraktijk)?\b"), "info_verloskundige_vinden"),
    (re.compile(r"\bhuis\s?arts(?:en|enpraktijk|praktijk)?\b"), "info_huisarts_vinden"),
)
_SEEK_RE = re.compile(r"\b(?:zoek|zoeken|gezocht|vind|vinden|nodig|heb\s+geen|nog\s+geen|waar|welke|is\s+er|zijn\s+er|"
                      r"andere|nieuwe|aanmelden\s+bij|inschrijven\s+bij)\b")
_GROUP_WORD_RE = re.compile(r"\b(?:groep\w*|cursus\w*|bijeenkomst\w*|ontmoet\w*|centering\w*|activiteit\w*)")
# Intents a named place pulls a message towards; a profession sought overrides them.
PLACE_INTENTS = frozenset({"find_group", "give_location", "more_groups", FALLBACK})


def profession_sought(text: str) -> str | None:
    """The referral intent when the text looks for a verloskundige or huisarts (and not a group)."""
    lowered = (text or "").lower()
    if not _SEEK_RE.search(lowered) or _GROUP_WORD_RE.search(lowered):
        return None
    return next((target for pattern, target in _PROFESSIONS if pattern.search(lowered)), None)


@dataclass(frozen=True)
class Settings:
    """Thresholds and which intents count as a need (shell-style patterns)."""

    needs: tuple[str, ...] = ("info_*", "kraamzorg_check", "find_group", "feel_lonely", "request_registration",
                              "request_human", "request_callback", "baby_loss", "low_mood", "bot_challenge",
                              "ask_capabilities", "thank", "goodbye")
    # A part that is one of these decides the whole message (never mixed with other answers).
    exclusive: tuple[str, ...] = ("safety_*",)
    # Needs that count only when nothing more concrete is asked: "..., kun je helpen?" /
    # "..., can you help?" after a need asks for help with that need, not what the assistant can do.
    generic: tuple[str, ...] = ("ask_capabilities",)
    # ... but small talk is no concrete need: "wat kun je allemaal en ben je een robot?" asks both.
    small_talk: tuple[str, ...] = ("bot_challenge", "greet", "thank", "goodbye")
    segment_threshold: float = 0.45
    # A part alone decides an emergency or a loss only when the classifier is this sure of it: a whole
    # message is not lost to one misread part (the safety net's detector reads the whole message anyway,
    # and a plainly said loss is found by bot/wellbeing/loss.py).
    strict_segments: tuple[str, ...] = ("safety_*", "baby_loss")
    strict_segment_threshold: float = 0.9
    message_threshold: float = 0.5
    max_needs: int = 3
    # When both are found, keep only the second (the one that acts on it).
    merge: Mapping[str, str] = field(default_factory=lambda: {"info_kraamzorg": "kraamzorg_check",
                                                              "info_moeders_van_rotterdam": "request_registration"})
    # Intents that, beside another need, ask for this need ("babymassage, meer groepen in ...": find a group).
    as_need: Mapping[str, str] = field(default_factory=lambda: {"more_groups": "find_group"})
    # Intents the classifier mixes up where her own words decide, in a short message (settle_rivals).
    rivals: tuple[frozenset[str], ...] = (
        frozenset({"low_mood", "feel_lonely"}),
        frozenset({"kraamzorg_check", "info_kraamzorg", "info_kraamzorg_boeken"}),
        frozenset({"info_homestart", "info_prenataal_huisbezoek"}),
        frozenset({"request_registration", "ask_registration_status"}),
    )
    # ... and those where a named one replaces a guessed one in a message of any length ("kraamzorg
    # regelen, hoe doe ik dat" is the booking only). The kraamzorg group only when she does not talk
    # about money (then the check is a need of its own).
    rivals_everywhere: tuple[frozenset[str], ...] = (
        frozenset({"kraamzorg_check", "info_kraamzorg", "info_kraamzorg_boeken"}),
        frozenset({"info_homestart", "info_prenataal_huisbezoek"}),
        frozenset({"info_zwangerschapsverlof", "info_partnerverlof"}),
    )
    # An offering named in a how-question overrides these intents, or any intent below this confidence.
    override_below: float = 0.8
    # A message that falls back as a whole, with exactly one need in its parts at this confidence: that need.
    single_part_threshold: float = 0.7


@dataclass
class Decision:
    intent: str
    confidence: float
    needs: list[str] = field(default_factory=list)
    aspect: str | None = None
    offering: str | None = None


def _matches(intent: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(intent, p) for p in patterns)


def is_bare_number(text: str) -> bool:
    return bool(_BARE_NUMBER_RE.match(text or ""))


def asked_aspect(text: str) -> str | None:
    """'how' for a how-to question, 'for_whom' for an is-this-for-me question, else None."""
    found = _aspect_match(text)
    return found[0] if found else None


def _aspect_match(text: str, soft: bool = True) -> tuple[str, int] | None:
    """(aspect, position of the question): how-to and for-whom questions first, then (``soft``)
    a question about the costs or the contact."""
    found = _aspect_match_kind(text, soft)
    return found[:2] if found else None


def _aspect_match_kind(text: str, soft: bool = True) -> tuple[str, int, bool] | None:
    lowered = (text or "").lower()
    for aspect, pattern in (("how", _HOW_RE), ("for_whom", _FOR_WHOM_RE)):
        match = pattern.search(lowered)
        if match:
            return aspect, match.start(), False
    for aspect, pattern in SOFT_ASPECTS if soft else ():
        match = pattern.search(lowered)
        if match:
            return aspect, match.start(), True
    return None


def load_offering_names(path: Path = OFFERING_NAMES_FILE, cards: Mapping[str, Any] | None = None) -> dict[str, str]:
    """name (lower case) -> card id, from the lexicon plus each card's own name and label."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    names: dict[str, str] = {}
    for card_id, aliases in (data.get("offerings") or {}).items():
        for alias in aliases or []:
            names[" ".join(str(alias).lower().split())] = str(card_id)
    for card in (cards or {}).values():
        for name in (card.name, card.label):
            if name:
                names.setdefault(" ".join(name.lower().replace(".", "").split()), card.id)
    return names


@lru_cache(maxsize=4)
def _read_lexicon(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def load_need_phrases(section: str = "needs", path: Path = NEED_PHRASES_FILE) -> dict[str, str]:
    """phrase (lower case) -> intent, from one section of data/lexicon/needs.yml (read once)."""
    data = _read_lexicon(path)
    return {" ".join(str(phrase).lower().split()): str(intent)
            for intent, phrases in (data.get(section) or {}).items() for phrase in phrases or []}


def named_offerings(text: str, names: Mapping[str, str], known: set[str] | None = None) -> list[str]:
    """Card ids named in ``text`` (whole words), in order of appearance, each once."""
    return [card_id for _, card_id in _named_positions(text, names, known)]


def _named_positions(text: str, names: Mapping[str, str], known: set[str] | None) -> list[tuple[int, str]]:
    # Same length as the lower-cased text, so positions compare with the aspect match.
    lowered = " " + re.sub(r"[^\w\s-]", " ", (text or "").lower()).replace("\n", " ") + " "
    spans: list[tuple[int, int, str]] = []
    for name, card_id in names.items():
        if known is not None and card_id not in known:
            continue
        match = re.search(r"(?<=\s)" + re.escape(name).replace(r"\ ", r"\s+") + r"(?=\s)", lowered)
        if match:
            spans.append((match.start(), match.end(), card_id))
    # A phrase inside a longer phrase of another need is part of that one ("andere zwangeren" in
    # "controles in een groep met andere zwangeren" is no group search of its own).
    kept = [(start, end, card_id) for start, end, card_id in spans
            if not any(s <= start and end <= e and (e - s) > (end - start) and c != card_id for s, e, c in spans)]
    found: dict[str, int] = {}
    for start, _, card_id in kept:
        if card_id not in found or start - 1 < found[card_id]:
            found[card_id] = start - 1
    return sorted((pos, card_id) for card_id, pos in found.items())


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of a text: cut at punctuation and at ' en '."""
    bounds, start = [], 0
    for match in _CLAUSE_BREAK_RE.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return [(s, e) for s, e in bounds if re.search(r"\w", text[s:e])]


def _asked_about(text: str, named: list[tuple[int, str]], question_at: int) -> str | None:
    """The offering a how/for-whom question is about: named in the question's own clause, or
    in the clause just before it when that one asks what it is ("wat is X en hoe meld ik me aan")."""
    lowered = (text or "").lower()
    clauses = _clauses(lowered)
    index = next((i for i, (s, e) in enumerate(clauses) if s <= question_at < max(e, s + 1)), len(clauses) - 1)
    candidates = [clauses[index]]
    if index > 0 and _WHAT_IS_RE.search(lowered[clauses[index - 1][0]:clauses[index - 1][1]]):
        candidates.append(clauses[index - 1])
    for start, end in candidates:
        inside = [(pos, card_id) for pos, card_id in named if start <= pos < end + 1]
        if inside:
            return min(inside, key=lambda item: abs(item[0] - question_at))[1]
    return None


_QUESTION_RE = re.compile(
    r"\b(?:hoe|hoelang|hoeveel|wanneer|waar|waarom|wat|welke|wie|moet\s+(?:ik|je|we|mijn|hij|zij)|"
    r"moeten\s+(?:we|wij)|kan\s+(?:ik|je|we)|kun\s+je|mag\s+(?:ik|je|we)|krijg\s+(?:ik|je|we)|"
    r"heb\s+ik\s+recht|hebben\s+we\s+recht|regel\s+ik|vraag\s+ik)\b")


# "van het cjg", "bij de svb": the name is who gives or answers something, not what she asks about.
_PROVIDER_RE = re.compile(r"\b(?:van|door|via)\s+(?:het|de|een|mijn|je)?\s*$")


def asked_topics(text: str, topic_names: Mapping[str, str]) -> list[str]:
    """Topics named in a clause that asks about them ("hoe lang is partnerverlof", "moet ik de baby
    aangeven?"): a name said in passing ("de zuster van het consultatiebureau zei ...") is no question."""
    lowered = " " + re.sub(r"[^\w\s?.,;!-]", " ", (text or "").lower()).replace("\n", " ") + " "
    clauses = _clauses(lowered)
    found: list[str] = []
    for pos, need in _named_positions(text, topic_names, None):
        start, end = next(((s, e) for s, e in clauses if s <= pos + 1 < max(e, s + 1)), (0, len(lowered)))
        before = lowered[start:pos + 1]
        if _PROVIDER_RE.search(before):
            continue  # "een huisbezoek van het cjg": who gives something else she asks about
        asks = _QUESTION_RE.search(" ".join(before.split()[-6:])) or lowered[end:end + 1] == "?"
        if asks and need not in found:
            found.append(need)
    return found


def settle_rivals(intent: str, named: Sequence[str], rivals: Sequence[frozenset[str]]) -> str:
    """The intent her own words name when the classifier chose a rival of it ("ik voel me zo alleen":
    lonely, not low mood; "kraamzorg regelen": booking kraamzorg, not the money check). Only when her
    words name exactly one of the group and not the classifier's choice."""
    for group in rivals:
        if intent not in group or intent in named:
            continue
        said = [n for n in dict.fromkeys(named) if n in group]
        if len(said) == 1:
            return said[0]
    return intent


_MONEY_RE = re.compile(r"\b(?:betal\w*|geld|kost\w*|bijdrage|vergoed\w*|terug\w*|duur|lenen|schuld\w*|inkomen|"
                       r"bijstand|uitkering|rond\s?komen|niet\s+breed)\b")


def settle_rival_needs(needs: Sequence[str], named: Sequence[str], rivals: Sequence[frozenset[str]],
                       text: str) -> list[str]:
    """``needs`` with guessed rivals of a need her words name taken out (see ``Settings.rivals_everywhere``)."""
    out = list(needs)
    for group in rivals:
        said = [n for n in dict.fromkeys(named) if n in group]
        if len(said) != 1 or ("kraamzorg_check" in group and _MONEY_RE.search(text.lower())):
            continue
        out = [said[0] if n in group else n for n in out]
    return list(dict.fromkeys(out))


# Instapje is for a child of 1 to 2, Opstapje for 2 to 4 (content/offerings): the child's age in
# years, when the message gives it, settles which of the two she needs.
_CHILD_AGE_RE = re.compile(
    r"\b(?:van|is|wordt|word|bijna)\s+(?:al\s+|nu\s+|pas\s+)?(\d|een|twee|drie|vier|anderhalf)\s*(?:jaar|jr)\b"
    r"|\b(\d|een|twee|drie|vier)\s*(?:jaar|jr)\s+oud\b|\b(dreumes|dreumis|peuter|peutertje)\b"
    r"|\b(?:dochter|dochtertje|zoon|zoontje|kind|kindje|meisje|jongen|jongetje)\s+van\s+(\d|twee|drie|vier)\b"
    r"(?!\s*(?:maand|week|weken|dag|mnd|wk))")
_AGE_WORDS = {"een": 1, "anderhalf": 1, "twee": 2, "drie": 3, "vier": 4, "dreumes": 1, "dreumis": 1,
              "peuter": 3, "peutertje": 3}
TODDLER_PROGRAMMES = {"info_instapje": (1, 2), "info_opstapje": (2, 4)}


def settle_toddler_programme(needs: Sequence[str], text: str) -> list[str]:
    """Instapje or Opstapje by the child's age ('mijn dochter van 3' -> Opstapje): a guess that does
    not fit the age is replaced by the one that does. No age: the needs stay as they are."""
    if not any(n in TODDLER_PROGRAMMES for n in needs):
        return list(needs)
    match = _CHILD_AGE_RE.search((text or "").lower())
    if not match:
        return list(needs)
    raw = next(g for g in match.groups() if g)
    age = int(raw) if raw.isdigit() else _AGE_WORDS[raw]
    fitting = [n for n, (low, high) in TODDLER_PROGRAMMES.items() if low <= age <= high]
    if not fitting or len(fitting) > 1:
        return list(needs)
    out = [fitting[0] if n in TODDLER_PROGRAMMES else n for n in needs]
    return list(dict.fromkeys(out))


def several_needs(intent: str, confidence: float, segments: Sequence[Mapping[str, Any]],
                  settings: Settings = Settings()) -> tuple[list[str], str | None]:
    """(needs most relevant first, exclusive intent found in a part or None)."""
    scored: dict[str, float] = {}
    for seg in segments:
        name, conf = str(seg.get("intent")), float(seg.get("confidence") or 0.0)
        if conf < settings.segment_threshold:
            continue
        if conf < settings.strict_segment_threshold and _matches(name, settings.strict_segments) and (
                seg.get("start") is not None):
            continue
        if _matches(name, settings.exclusive):
            return [], name
        if _matches(name, settings.needs):
            scored[name] = max(scored.get(name, 0.0), conf)
    whole = settings.as_need.get(intent, intent)
    if intent != FALLBACK and confidence >= settings.message_threshold and _matches(whole, settings.needs):
        scored[whole] = max(scored.get(whole, 0.0), confidence)
    for weaker, stronger in settings.merge.items():
        if weaker in scored and stronger in scored:
            scored[stronger] = max(scored[stronger], scored.pop(weaker))
    if any(not _matches(n, settings.generic) and not _matches(n, settings.small_talk) for n in scored):
        scored = {n: c for n, c in scored.items() if not _matches(n, settings.generic)}
    needs = sorted(scored, key=lambda n: -scored[n])
    return needs[: settings.max_needs], None


# Intents that lead to the same help: a close call between two of them is no reason to ask
# ("kan ik iemand bellen": call back or talk to someone; "3025 groepen": find or more groups).
FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"request_callback", "request_human"}),
    frozenset({"find_group", "more_groups", "give_location"}),
    frozenset({"kraamzorg_check", "info_kraamzorg"}),
    frozenset({"low_mood", "feel_lonely"}),
)


def _family_of(intent: str) -> str | frozenset[str]:
    """The family (:data:`FAMILIES`) an intent belongs to, or the intent itself."""
    return next((family for family in FAMILIES if intent in family), intent)


def settle_close_call(ranking: Sequence[Mapping[str, Any]], threshold: float = FALLBACK_THRESHOLD
                      ) -> Mapping[str, Any] | None:
    """The best intent of a family (:data:`FAMILIES`) when the fallback came only from a close call
    inside that family: at least two of its intents are ranked, together they are the best guess and
    they pass the fallback threshold (config.yml). Its confidence is then the family's. Else None.

    "is er babymassage in een groep in de buurt van ...": babymassage 0.24, more groups 0.24, find a
    group 0.18 is no doubt about what she wants (a group); two different needs close together
    ("homestart 0.45, voorzorg 0.44") still ask."""
    ranked = [r for r in ranking if r.get("name") not in {FALLBACK, None}]
    totals: dict[str | frozenset[str], float] = {}
    members: dict[str | frozenset[str], list[Mapping[str, Any]]] = {}
    for r in ranked:
        name = str(r["name"])
        key = _family_of(name)
        totals[key] = totals.get(key, 0.0) + float(r.get("confidence") or 0.0)
        members.setdefault(key, []).append(r)
    if not totals:
        return None
    best = max(totals, key=lambda k: totals[k])
    if not isinstance(best, frozenset) or len(members[best]) < 2 or totals[best] < threshold:
        return None
    return {**members[best][0], "confidence": totals[best]}


def without_loss(intent: Mapping[str, Any], ranking: Sequence[Mapping[str, Any]],
                 segments: Sequence[Mapping[str, Any]],
                 threshold: float = FALLBACK_THRESHOLD) -> tuple[Mapping[str, Any], list[Mapping[str, Any]]]:
    """The classifier's intent and parts with the baby-loss guess taken out, for a message that says
    'verloren' about something else: the next intent of the ranking takes its place (below the
    message threshold it still falls back to the clarifying question)."""
    parts = [seg for seg in segments if seg.get("intent") != BABY_LOSS]
    if intent.get("name") != BABY_LOSS:
        return intent, parts
    best = next((r for r in ranking if r.get("name") not in {BABY_LOSS, FALLBACK, None}), None)
    if best is None or float(best.get("confidence") or 0.0) < threshold:
        return {"name": FALLBACK, "confidence": 1.0}, parts
    return dict(best), parts


def decide(raw_text: str, text: str, intent: str, confidence: float, segments: Sequence[Mapping[str, Any]],
           offering_names: Mapping[str, str], known_offerings: set[str] | None = None,
           settings: Settings = Settings(), baby_loss: bool = False, gibberish: bool = False,
           need_phrases: Mapping[str, str] | None = None, topic_names: Mapping[str, str] | None = None
           ) -> Decision | None:
    """A new intent for the message, or None to keep the classifier's.

    ``gibberish``: none of its words is recognised (:meth:`bot.nlu.normaliser.Normaliser.is_gibberish`);
    whatever the classifier made of the corrected text, it goes to the fallback.

    ``need_phrases``: phrase -> intent (:func:`load_need_phrases`); in a longer message a phrase
    adds its need beside the classifier's ("... depressie en ik voel me ook heel alleen").
    ``topic_names``: names of a topic that are also said in passing ("een huisbezoek van het CJG"):
    they decide only a message the classifier could not place (``load_need_phrases("alone")``).

    ``baby_loss``: the message plainly says a baby or pregnancy was lost
    (:func:`bot.wellbeing.loss.loss_signal`); that need is then always part of the answer.
    """
    if intent.startswith("safety_"):
        return None
    if baby_loss:
        segments = [*segments, {"intent": BABY_LOSS, "confidence": 1.0}]
    if is_bare_number(raw_text):
        return Decision(BARE_NUMBER, 1.0)
    if not any(ch.isalnum() for ch in raw_text or ""):
        return Decision(VAGUE, 1.0)  # only emoji or punctuation: ask what she means
    if gibberish and not baby_loss:
        return None if intent == FALLBACK else Decision(FALLBACK, 1.0)
    needs, exclusive = several_needs(intent, confidence, segments, settings)
    if exclusive:
        return None if exclusive == intent else Decision(exclusive, 1.0)
    # Computed once per message: the needs her words name, the length and the classifier's doubt.
    plain = [need for _, need in _named_positions(text, need_phrases or {}, None)]
    long_message = len(text.split()) >= MIN_WORDS_FOR_NAMED_NEEDS
    unsure = intent in {FALLBACK, OUT_OF_SCOPE} or confidence < settings.message_threshold
    profession = profession_sought(text)
    pulled_by_place = intent in PLACE_INTENTS or confidence < settings.message_threshold or any(
        n in PLACE_INTENTS for n in needs)
    if profession and pulled_by_place and not baby_loss:
        needs = [profession, *(n for n in needs if n not in PLACE_INTENTS | {profession})][: settings.max_needs]
        said_besides = [n for n in plain if n != profession]
        if len(needs) == 1 and not (said_besides and long_message):
            return None if intent == profession else Decision(profession, max(confidence, 0.9))
    named = _named_positions(text, offering_names, known_offerings)
    kind = _aspect_match_kind(text)
    found = kind[:2] if kind else None
    how: Decision | None = None
    offering = _asked_about(text, named, found[1]) if named and found else None
    if offering in SOFT_EXCLUDED and kind and kind[2]:
        offering = None  # "moet ik de kraamzorg zelf betalen": the classifier's intent stands
    if offering and found:
        aspect = found[0]
    # "hoe meld ik me aan bij moeders van rotterdam" is the registration itself.
    soft = bool(kind and kind[2])
    if offering == "moeders_van_rotterdam" and found and found[0] == "how" and not soft:
        if intent != REGISTRATION and (intent in {FALLBACK, "info_moeders_van_rotterdam"}
                                       or confidence < settings.override_below):
            how = Decision(REGISTRATION, 1.0)
    elif offering and found:
        target = f"info_{offering}"
        overridable = (intent in {FALLBACK, "request_registration", "offering_how", "offering_for_whom"}
                       or intent.startswith("info_") or confidence < settings.override_below)
        if soft:  # a costs or contact question overrides only a guess or a question about a card
            overridable = (intent in {FALLBACK, VAGUE, "offering_how", "offering_for_whom"}
                           or intent.startswith("info_") or confidence < settings.message_threshold)
        if intent == target or overridable:
            how = Decision(target, max(confidence, 0.9) if intent == target else 1.0, aspect=aspect,
                           offering=offering)
    # An offering named by name in a longer message is one of its needs ("babymassage in een groep").
    # ... not when she asks to be called or to talk to someone: the offering is whom she wants to hear from.
    if len(text.split()) >= MIN_WORDS_FOR_NAMED_NEEDS and intent not in CONTACT_INTENTS:
        for _, card_id in named:
            need = f"info_{card_id}"
            if card_id not in GENERIC_NAMES and need not in needs and settings.merge.get(need) not in needs:
                needs.append(need)
    # A need named in plain words ("ik voel me ook heel alleen", "geen huisarts"): in a longer message
    # it stands beside the classifier's needs.
    phrased: list[str] = []
    if need_phrases and not baby_loss:
        asked = asked_topics(text, topic_names or {}) if long_message else []
        for need in [*plain, *asked]:
            if need not in needs and need not in phrased and settings.merge.get(need) not in needs:
                phrased.append(need)
        if long_message and (needs or how is not None or (unsure and len(phrased) >= 2)):
            # right after the classifier's best guess: a need said in so many words beats its weaker guesses
            needs = [*needs[:1], *phrased, *needs[1:]][: settings.max_needs]
        elif not long_message and not needs[1:] and how is None:
            # "ik voel me zo alleen", "kraamzorg regelen?": her words settle a rival guess
            settled = settle_rivals(intent, [*plain, *(f"info_{c}" for _, c in named if c not in GENERIC_NAMES)],
                                    settings.rivals)
            if settled != intent:
                return Decision(settled, max(confidence, settings.single_part_threshold))
    if how is not None:
        # "wat is X en hoe meld ik me aan": the registration asked for is X's, not a need of its own.
        # But "hoe werkt de eigen bijdrage van de kraamzorg en moet ik me aanmelden bij moeders van
        # rotterdam" names the registration's own offering: that registration is a need of its own.
        own_registration = how.intent != REGISTRATION and how.offering != "moeders_van_rotterdam" and any(
            card_id == "moeders_van_rotterdam" for _, card_id in named)
        skip = {how.intent, *HOW_INTENTS} - ({REGISTRATION} if own_registration else set())
        others = [n for n in needs if n not in skip]
        if own_registration and REGISTRATION not in others:
            others.append(REGISTRATION)
        if not others:
            return how
        needs = [how.intent, *others][: settings.max_needs]
    needs = settle_toddler_programme(needs, text)
    if how is None and intent in TODDLER_PROGRAMMES and needs == [settle_toddler_programme([intent], text)[0]] \
            and needs[0] != intent:
        return Decision(needs[0], confidence)  # "iets voor mijn zoon van 3": Opstapje, not Instapje
    if need_phrases and not baby_loss and len(needs) >= 2:
        needs = settle_rival_needs(needs, plain, settings.rivals_everywhere, text)
        if len(needs) == 1:
            return None if intent == needs[0] else Decision(needs[0], max(confidence, settings.single_part_threshold))
    if len(needs) >= 2:
        return Decision(SEVERAL_NEEDS, 1.0, needs=needs)
    if baby_loss and intent != BABY_LOSS:
        return Decision(BABY_LOSS, 1.0)
    if how is None and intent in {FALLBACK, OUT_OF_SCOPE} and len(needs) == 1:
        # A long message the classifier is unsure about as a whole (or takes as off-topic), with one
        # part that clearly asks for one thing ("ik ben 6 maanden zwanger, mijn vriend is weg, ik heb
        # geen geld voor babyspullen"; "feyenoord heeft weer verloren haha maar wanneer krijg ik die
        # sleutel van rotterdam"): answer that need; clarify is the last resort. An offering named
        # by its name is as clear as a part can be.
        best = max((float(seg.get("confidence") or 0.0) for seg in segments if seg.get("intent") == needs[0]),
                   default=0.0)
        if any(f"info_{card_id}" == needs[0] for _, card_id in named) or needs[0] in plain:
            best = 1.0  # said in so many words ("kraamzorg boeken"): as clear as its name
        if best >= settings.single_part_threshold:
            return Decision(needs[0], best)
    if how is None and unsure and not needs and not baby_loss:
        # A message the classifier could not place that names one thing only, in plain words or by
        # name ("kost home start geld?", "wat betekent cjg", "schulden"): that thing. Two or more: ask.
        # "wat is kraamzorg eigenlijk ...": asked what it is, even an everyday name is the topic.
        what_is = bool(_OPENS_WITH_WHAT_IS_RE.match(text))
        said = [*phrased, *(f"info_{card_id}" for _, card_id in named if card_id not in GENERIC_NAMES or what_is),
                *(need for _, need in _named_positions(text, topic_names or {}, None))]
        topics = set(said) - CONTACT_INTENTS
        if len(topics) == 1:
            # "cjg telefoonnummer": the topic's card, which names its contact
            return Decision(next(iter(topics)), settings.single_part_threshold)
        if not topics and len(set(said)) == 1:
            return Decision(said[0], settings.single_part_threshold)
    return how
