"""Warning signs and their rules: one content file per tier (``content/safety/signs/<tier>.yml``).

A sign is one thing a parent can describe ("waters breaking", "a baby that does not drink"),
with its sources, the context in which it is urgent, and rules. A rule says which concepts
(see :mod:`bot.safety.lexicon`) must occur together, and carries a ``catches`` comment that
says in plain words what it is for::

    - catches: water or fluid running out ("er loopt water uit", "ik lek vocht")
      all: [FLUID, LEAK]          # every term must occur ...
      within: 6                   # ... within 6 words of each other, in one sentence
      unless: [URINE]             # not when one of these is in the same sentence
      if: ["weeks < 37"]          # numbers read from the message (temp, weeks, baby_months,
                                  #   interval, days); a missing number fails the rule, unless
                                  #   the condition ends in "?" ("baby_months < 3?": age unknown is ok)
      mild: maybe                 # "een beetje ..." demotes the hit to this tier
      ordered: true               # the terms must come in this order
      even_if: [HYPO]             # not demoted by this harmless context (READ, PAST, HYPO): "voor als ik er
                                  #   niet meer ben" is no what-if question

Terms: ``A|B`` is either concept; ``@A|B`` may stand anywhere in the message (context, not
part of the span, never negated: "geen natte luier" still tells it is about a baby); ``~A`` is a negated occurrence ("beweegt niet", "geen leven gevoeld");
``A-B`` is a word with concept A but not B ("niet" but not "niet goed"); ``A&B`` is a word with
both concepts. A term is never
matched by a negated word ("geen koorts", "bloed niet"), unless the rule is about a negation
(a ``~`` term, or a term with ``NEG`` or ``LESS``). Terms of a rule with ``within`` <= 4
must also stand in one clause (a comma or "maar" ends a clause). ``END`` is the last word
of a clause. ``unless`` ignores negated words ("het ruikt niet naar plas").
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Container
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.safety.lexicon import LEXICON_DIR, Tagged, lexicon
from bot.safety.text import Numbers
from bot.safety.tiers import EMERGENCY_TIERS, MAYBE, TIERS

SIGNS_DIR = LEXICON_DIR / "signs"
SIGN_FILES = (*EMERGENCY_TIERS, MAYBE)
NEGATION_CONCEPTS = frozenset({"NEG", "LESS"})
# Who and what a message is about: a person or a baby is never "negated" ("als ik de baby niet afgeef, hij ...").
ENTITIES = frozenset({"I", "ME", "HE", "PERSON", "SELF", "BABY", "KID", "KIDS", "HIM", "BABY_THING", "FETUS", "HOME",
                      "PREGNANT", "POSTPARTUM", "BELLY", "HEAD", "LIPS", "FACE_HANDS", "HANDS_FEET", "OF"})
_MODIFIERS = frozenset({"NEG", "LESS", "MILD", "END", "HEAVY", "SEVERE", "CONSTANT", "BAD", "GOOD", "DURATION"})
DEFAULT_WITHIN = 8
# Phrases with a "niet" in them that are a sign of their own: their "niet" negates no other word.
_NEG_PHRASE_CONCEPTS = frozenset({"GOING_MAD", "UNSURE_ACT", "NOT_THERE", "BOND", "CONSTANT"})  # CONSTANT: "stopt niet"
_COND_RE = re.compile(r"^(temp|weeks|baby_months|interval|days)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?)(\??)$")
_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_RULE_KEYS = {"catches", "all", "within", "unless", "if", "mild", "tier", "ordered", "even_if"}
# The harmless contexts of the detector (bot/safety/detector.py): a rule may say it holds even in one of them.
HARMLESS_CONTEXT_CONCEPTS = frozenset({"READ", "PAST", "HYPO"})
_SIGN_KEYS = {"id", "what", "urgent_when", "sources", "rules", "examples", "not_examples"}


class SignError(ValueError):
    """A sign file is invalid (the message names the file and the sign)."""


@dataclass(frozen=True)
class Term:
    concepts: frozenset[str]
    anywhere: bool = False
    negated: bool = False
    excluded: frozenset[str] = frozenset()

    # ``concepts`` split once: each alternative ("BLEED&HEAVY") as the tuple of its parts.
    alternatives: tuple[tuple[str, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "alternatives", tuple(tuple(a.split("&")) for a in sorted(self.concepts)))

    def fits(self, concepts: dict[str, str], negated: bool) -> bool:
        if not self.possible(concepts):
            return False
        return not (self.excluded and self.excluded & concepts.keys()) and (negated or not self.negated)

    def possible(self, concepts: Container[str]) -> bool:
        """Whether one of the alternatives has all its concepts in ``concepts`` (a token's, or a message's)."""
        return any(all(part in concepts for part in alternative) for alternative in self.alternatives)


@dataclass(frozen=True)
class Rule:
    catches: str
    terms: tuple[Term, ...]
    within: int = DEFAULT_WITHIN
    unless: frozenset[str] = frozenset()
    conditions: tuple[tuple[str, str, float, bool], ...] = ()  # (name, op, bound, missing is ok)
    mild: str | None = None
    tier: str | None = None
    ordered: bool = False
    even_if: frozenset[str] = frozenset()  # harmless contexts that do not demote this rule ("voor als ik er niet meer ben")

    @property
    def about_negation(self) -> bool:
        return any(t.negated or t.concepts & NEGATION_CONCEPTS for t in self.terms)


@dataclass(frozen=True)
class Sign:
    id: str
    tier: str
    what: str
    urgent_when: str
    sources: tuple[dict[str, str], ...]
    rules: tuple[Rule, ...]
    examples: tuple[str, ...] = ()
    not_examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleHit:
    sign: Sign
    rule: Rule
    tier: str
    positions: tuple[int, ...]
    demoted_by: str = ""


def _terms(raw: list[Any], where: str, known: set[str]) -> tuple[Term, ...]:
    terms = []
    for item in raw:
        text = str(item).strip()
        anywhere = text.startswith("@")
        negated = text.lstrip("@").startswith("~")
        body, _, excluded = text.lstrip("@~").partition("-")
        concepts = frozenset(c.strip() for c in body.split("|"))
        minus = frozenset(c.strip() for c in excluded.split("|") if c.strip())
        unknown = ({p for c in concepts for p in c.split("&")} | minus) - known
        if unknown:
            raise SignError(f"{where}: unknown concept(s) {sorted(unknown)}")
        terms.append(Term(concepts, anywhere, negated, minus))
    if not terms:
        raise SignError(f"{where}: a rule needs at least one term under all:")
    return tuple(terms)


def _rule(raw: dict[str, Any], where: str, known: set[str]) -> Rule:
    if not isinstance(raw, dict) or set(raw) - _RULE_KEYS:
        raise SignError(f"{where}: unknown keys {sorted(set(raw) - _RULE_KEYS) if isinstance(raw, dict) else raw}")
    if not str(raw.get("catches") or "").strip():
        raise SignError(f"{where}: every rule says what it catches (catches:)")
    conditions = []
    for cond in raw.get("if") or []:
        match = _COND_RE.match(str(cond).strip())
        if not match:
            raise SignError(f"{where}: cannot read condition {cond!r}")
        conditions.append((match[1], match[2], float(match[3]), match[4] == "?"))
    unless = frozenset(raw.get("unless") or [])
    if unless - known:
        raise SignError(f"{where}: unknown concept(s) in unless: {sorted(unless - known)}")
    even_if = frozenset(raw.get("even_if") or [])
    if even_if - HARMLESS_CONTEXT_CONCEPTS:
        raise SignError(f"{where}: even_if takes harmless contexts {sorted(HARMLESS_CONTEXT_CONCEPTS)} only")
    for key in ("mild", "tier"):
        if raw.get(key) is not None and raw[key] not in TIERS:
            raise SignError(f"{where}: {key} must be a tier, not {raw[key]!r}")
    return Rule(
        catches=str(raw["catches"]).strip(),
        terms=_terms(raw.get("all") or [], where, known),
        within=int(raw.get("within") or DEFAULT_WITHIN),
        unless=unless,
        conditions=tuple(conditions),
        mild=raw.get("mild"),
        tier=raw.get("tier"),
        ordered=bool(raw.get("ordered", False)),
        even_if=even_if,
    )


def load_signs(path: Path, known: set[str]) -> list[Sign]:
    """The signs of one tier file (validated against the lexicon's concepts)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    tier = data.get("tier")
    if tier != path.stem:
        raise SignError(f"{path.name}: tier must be {path.stem!r} (the file name)")
    signs = []
    for raw in data.get("signs") or []:
        where = f"{path.name}: {raw.get('id') if isinstance(raw, dict) else raw}"
        if not isinstance(raw, dict) or set(raw) - _SIGN_KEYS:
            raise SignError(f"{where}: unknown keys")
        for key in ("id", "what", "urgent_when", "sources", "rules"):
            if not raw.get(key):
                raise SignError(f"{where}: {key} is required")
        for source in raw["sources"]:
            if not isinstance(source, dict) or not str(source.get("url", "")).startswith("https://") or not source.get(
                    "says"):
                raise SignError(f"{where}: every source has an https url and says: what it says")
        signs.append(Sign(
            id=str(raw["id"]), tier=tier, what=str(raw["what"]), urgent_when=str(raw["urgent_when"]),
            sources=tuple(raw["sources"]),
            rules=tuple(_rule(r, f"{where} rule {n + 1}", known) for n, r in enumerate(raw["rules"])),
            examples=tuple(str(e) for e in raw.get("examples") or []),
            not_examples=tuple(str(e) for e in raw.get("not_examples") or []),
        ))
    return signs


@lru_cache(maxsize=1)
def signs() -> tuple[Sign, ...]:
    """Every sign of every tier file (cached)."""
    known = set(lexicon().concepts) | {"END", "TEMP"}
    found: list[Sign] = []
    for name in SIGN_FILES:
        found.extend(load_signs(SIGNS_DIR / f"{name}.yml", known))
    ids = [s.id for s in found]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise SignError(f"sign ids must be unique: {sorted(dupes)}")
    return tuple(found)


# --------------------------------------------------------------------------- evaluation

@dataclass
class Message:
    """A tagged message, ready for the rules."""

    tagged: list[Tagged]
    numbers: Numbers
    negated: list[bool] = field(default_factory=list)
    present: set[str] = field(default_factory=set)
    synthetic: set[str] = field(default_factory=set)  # context from numbers: PREGNANT (weeks), BABY (age)

    def __post_init__(self) -> None:
        if any("NOT_PREGNANT" in t.concepts for t in self.tagged):  # "ik ben niet zwanger"
            for tok in self.tagged:
                tok.concepts.pop("PREGNANT", None)
        self.negated = [_is_negated(self.tagged, i) for i in range(len(self.tagged))]
        for i, tok in enumerate(self.tagged):  # the last word of every clause
            if i + 1 == len(self.tagged) or self.tagged[i + 1].token.clause != tok.token.clause:
                tok.concepts.setdefault("END", "")
        self.present = {c for t in self.tagged for c in t.concepts}
        for tok in self.tagged:  # a temperature written as a number: "38,5", "39 graden"
            if _looks_like_temperature(tok.text, self.tagged, tok.token.index):
                tok.concepts.setdefault("TEMP", "")
        if self.numbers.weeks is not None:
            self.synthetic.add("PREGNANT")
        if self.numbers.baby_months is not None:
            self.synthetic.add("BABY")
        self.present |= self.synthetic


# Words that may stand between a word and the "niet" after it: "beweegt al de hele dag niet".
_FILLERS = frozenset({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10",
    "al", "nog", "meer", "echt", "wel", "ook", "helemaal", "zo", "heel", "erg", "even", "gewoon", "eigenlijk",
    "nu", "vandaag", "bijna", "haast", "really", "still", "anymore", "at", "all", "today",
})
_FILLER_CONCEPTS = frozenset({"DURATION", "DAYS", "MILD", "CONSTANT"})
_SINCE = frozenset({"sinds", "since", "vanaf"})
# Context concepts for `unless` that a "niet/niks" never switches off ("ik voel niks als ik naar haar kijk").
_NEVER_NEGATED = frozenset({"BOND", "MONEY", "MOOD", "IDIOM", "TRIP", "CARE_TASK", "PLAY"})


def _looks_like_temperature(word: str, tagged: list[Tagged], i: int) -> bool:
    if not re.fullmatch(r"\d+(\.\d+)?", word):
        return False
    value = float(word)
    after = tagged[i + 1].text if i + 1 < len(tagged) else ""
    return (34 <= value <= 43.5 and after in {"graden", "graad", "c", "celsius", "degrees"}) or (
        "." in word and 37.5 <= value <= 42.9) or (37.5 <= value <= 42.9 and any(
            "FEVER" in t.concepts for t in tagged[max(0, i - 3):i + 3]))


def _negates(tagged: list[Tagged], j: int, own: dict[str, str], clause: int) -> bool:
    concepts = tagged[j].concepts
    if tagged[j].token.clause != clause or "NEG" not in concepts or "BAD" in concepts:
        return False
    # a NEG that belongs to the same phrase ("niet veilig", "wil niet meer leven") does not negate it, nor
    # does a NEG inside a phrase of a sign of its own ("ik kan mezelf niet stoppen met schreeuwen")
    return not (set(concepts) - _MODIFIERS) & set(own) and not (set(concepts) & _NEG_PHRASE_CONCEPTS)


def _is_negated(tagged: list[Tagged], i: int) -> bool:
    """Negated by a NEG word in the same clause: up to 3 words before ("geen koorts"), or after it
    with only small words or a "sinds ..." time in between ("bloed niet", "beweegt al de hele dag niet",
    "schopt sinds het ontbijt niet meer").

    "niet goed" / "niet lekker" (concept BAD) is a judgement, not a negation of its neighbour; and a
    NEG inside a phrase of the same concept ("niet veilig" is UNSAFE) does not negate that phrase.
    """
    own = tagged[i].concepts
    if "NEG" in own or own.keys() & _NEVER_NEGATED:
        return False
    clause = tagged[i].token.clause
    if any(_negates(tagged, j, own, clause) for j in range(max(0, i - 3), i)):
        return True
    since = -1  # "sinds het ontbijt", "since lunch": a time phrase of up to 3 words after "sinds" is a filler too
    for j in range(i + 1, min(len(tagged), i + 9)):
        # a NEG after the word that starts a phrase of its own ("niet meer wakker worden") negates that phrase
        if _negates(tagged, j, own, clause) and not set(tagged[j].concepts) - _MODIFIERS:
            return True
        if tagged[j].text in _SINCE:
            since = j
            continue
        if 0 <= since and j - since <= 3 and tagged[j].token.clause == clause and "NEG" not in tagged[j].concepts:
            continue
        if tagged[j].text not in _FILLERS and not tagged[j].concepts.keys() & _FILLER_CONCEPTS:
            return False
    return False


def _conditions_hold(rule: Rule, numbers: Numbers) -> bool:
    for name, op, bound, missing_ok in rule.conditions:
        value = getattr(numbers, name)
        if value is None:
            if not missing_ok:
                return False
            continue
        if not _OPS[op](value, bound):
            return False
    return True


def _is_mild(message: Message, positions: tuple[int, ...]) -> bool:
    for p in positions:
        clause = message.tagged[p].token.clause
        for j in range(max(0, p - 3), p):
            if "MILD" in message.tagged[j].concepts and message.tagged[j].token.clause == clause:
                return True
    return False


def match_rule(rule: Rule, message: Message) -> tuple[int, ...] | None:
    """Token positions of the best match of ``rule`` in ``message`` (``None``: no match)."""
    if not _conditions_hold(rule, message.numbers):
        return None
    for term in rule.terms:
        if term.anywhere and not any(
                term.fits(tok.concepts, message.negated[i]) for i, tok in enumerate(message.tagged)) and not (
                term.concepts & message.synthetic):
            return None
    local = [t for t in rule.terms if not t.anywhere]
    if not local:
        return ()
    allow_negated = rule.about_negation
    candidates: list[list[int]] = []
    for term in local:
        spots = [
            i for i, tok in enumerate(message.tagged)
            if term.fits(tok.concepts, message.negated[i])
            and (allow_negated or not message.negated[i] or term.concepts <= ENTITIES)
        ]
        if not spots:
            return None
        candidates.append(spots[:12])
    best: tuple[int, ...] | None = None
    for combo in itertools.islice(itertools.product(*candidates), 5000):
        sentence = message.tagged[combo[0]].token.sentence
        if any(message.tagged[p].token.sentence != sentence for p in combo):
            continue
        if max(combo) - min(combo) > rule.within:
            continue
        if rule.ordered and list(combo) != sorted(combo):
            continue
        if rule.within <= 4 and len({message.tagged[p].token.clause for p in combo}) > 1:
            continue
        if rule.unless and any(
                rule.unless & tok.concepts.keys() for i, tok in enumerate(message.tagged)
                if tok.token.sentence == sentence and not message.negated[i]):
            continue
        if best is None or max(combo) - min(combo) < max(best) - min(best):
            best = combo
    return best


def _may_match(rule: Rule, concepts: set[str], synthetic: set[str]) -> bool:
    """False when ``rule`` cannot match: a term none of whose alternatives is among the message's
    ``concepts`` (the union over its tokens) fits no token (a quick test before :func:`match_rule`)."""
    return all(term.possible(concepts) or (term.anywhere and term.concepts & synthetic) for term in rule.terms)


def evaluate(message: Message) -> list[RuleHit]:
    """Every rule of every sign that matches ``message``."""
    hits = []
    concepts = {c for tok in message.tagged for c in tok.concepts}
    for sign in signs():
        for rule in sign.rules:
            if not _may_match(rule, concepts, message.synthetic):
                continue
            positions = match_rule(rule, message)
            if positions is None:
                continue
            tier = rule.tier or sign.tier
            demoted = ""
            if rule.mild and positions and _is_mild(message, positions):
                tier, demoted = rule.mild, "mild"
            hits.append(RuleHit(sign, rule, tier, positions, demoted))
    return hits


def cue_tiers(message: Message) -> set[str]:
    """Emergency tiers with a lexical cue in ``message``: every sign word of one of their rules occurs
    somewhere (not the person or context terms; distance, order and sentence are not checked; numbers
    are), none of its ``unless``
    concepts does, and not in the clause of an idiom ("dood van het lachen") or of a harmless context
    ("vorig jaar", "ik las over", "wat als"), nor in a message that says it is over. The classifier may take
    over only with such a cue (:func:`bot.safety.decide`): "geen geld voor luiers" has the words of
    "no wet nappies" but also MONEY, so it is no cue.
    """
    if "RESOLVED" in message.present:  # it is over, or a joke
        return set()
    # words in the clause of an idiom or of a harmless context (long ago, read about, what-if) are no cue
    skipped = {t.token.clause for t in message.tagged if t.concepts.keys() & {"IDIOM", *HARMLESS_CONTEXT_CONCEPTS}}
    tokens = [(i, tok) for i, tok in enumerate(message.tagged) if tok.token.clause not in skipped]
    kept = {c for _, tok in tokens for c in tok.concepts}

    def occurs(term: Term, allow_negated: bool) -> bool:
        if term.anywhere and term.concepts & message.synthetic:
            return True
        if not term.possible(kept):  # quick test: no kept token has the concepts of any alternative
            return False
        return any(term.fits(tok.concepts, message.negated[i]) and (
            allow_negated or term.anywhere or not message.negated[i] or term.concepts <= ENTITIES) for i, tok in tokens)

    found: set[str] = set()
    for sign in signs():
        if sign.tier not in EMERGENCY_TIERS or sign.tier in found:
            continue
        for rule in sign.rules:
            if not _conditions_hold(rule, message.numbers):
                continue
            if all(t.anywhere or t.concepts <= ENTITIES for t in rule.terms):
                continue  # a rule of context words only is no cue
            if rule.unless and any(rule.unless & tok.concepts.keys() for i, tok in tokens if not message.negated[i]):
                continue
            # the rule's own words (not who it is about, not the context): "hij trapt" is a cue for less movement
            if all(occurs(term, rule.about_negation) for term in rule.terms if not (term.anywhere or term.concepts <= ENTITIES)):
                found.add(rule.tier or sign.tier)
                break
    return found & set(EMERGENCY_TIERS)
