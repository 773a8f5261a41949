"""The deterministic detector: which tier (if any) a message belongs to, and in which language.

Layers, in order:

1. text: normalise, tokenise, read numbers (:mod:`bot.safety.text`);
2. lexicon: tag every token with concepts, with lemmas and typo tolerance (:mod:`bot.safety.lexicon`);
3. rules: the signs of every tier (:mod:`bot.safety.rules`, content/safety/signs/);
4. harmless contexts: a sign in a sentence about something read or heard ("ik las over ..."),
   long ago ("vorig jaar", "bij mijn vorige zwangerschap") or a what-if / how-do-I-recognise
   question is demoted to ``maybe``: one "bel bij twijfel" line, never silence. A what-if
   question about a life-threatening sign still gets the life answer. A sign in the clause of an
   idiom of joy or exaggeration ("ik ontplof van trots", "dood van het lachen") is dropped;
5. a loss that already happened: "mijn kindje leeft niet meer" or "het kindje kon niet leven" in a
   message that plainly tells of a baby loss (:func:`bot.wellbeing.loss.loss_signal`) is no sign of
   reduced movement; it gets the ``maybe`` line and the baby-loss answer. Not when she tells what she
   feels or since when ("ik voel hem sinds vanochtend niet, ik denk dat hij niet meer leeft");
6. other languages: a short list of emergency words per language (:mod:`bot.safety.foreign`).

Recall matters more than precision: a false alarm costs a parent one extra message, a miss
can cost a life. The trained classifier is a second opinion on top of this
(:func:`bot.safety.decide`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.safety.foreign import foreign_emergency, foreign_stopword_count
from bot.safety.lexicon import tag
from bot.safety.rules import Message, RuleHit, cue_tiers, evaluate
from bot.safety.text import read_numbers, tokenise
from bot.safety.tiers import EMERGENCY_TIERS, MAYBE, MAYBE_TOPIC_FOR_TIER, most_urgent
from bot.wellbeing.loss import loss_signal

# A sign in the same sentence as one of these is about something else than her acute situation:
# it gets the `maybe` line instead of the emergency answer (never silence).
HARMLESS_CONTEXTS = (
    "READ",  # read, heard, a course, a leaflet: "ik heb gelezen over bloedverlies", "in het boekje staat"
    "PAST",  # long ago: "vorig jaar", "bij mijn vorige zwangerschap", "in 2021" (not when "nu" is said too)
    "HYPO",  # what-if and how-to-recognise questions: "wat moet ik doen als ...", "om het te herkennen"
)
# Anywhere in the message: it is over, or a joke ("het is helemaal over", "alles is goed", "haha").
RESOLVED = "RESOLVED"
# In the same clause as a sign: an idiom of joy or exaggeration ("ik ontplof van trots", "dood van het
# lachen", "bloed van het lachen"): the sign words are not meant, the hit is dropped (no line either).
IDIOM = "IDIOM"
# A baby loss she tells about (bot.wellbeing.loss): these signs then describe the loss, not an emergency now.
KNOWN_LOSS = "KNOWN_LOSS"
SIGNS_OF_A_KNOWN_LOSS = frozenset({"reduced_movement"})
# ... unless she says what she feels or since when: then she may not know yet, and must call now.
# ("ik voel me schuldig" is a feeling about the loss, not what her body tells her).
_SENSED = frozenset({"DURATION", "KICKS", "HYPO"})
_ABOUT_HERSELF = frozenset({"me", "mij", "mezelf", "zo", "heel", "erg"})

# Words that tell English from Dutch (for the reply language); ties go to Dutch.
_EN_WORDS = frozenset("""i i'm im my me the a is am are was and it he she his her him has have had not
    can can't cant don't dont doesn't isnt isn't won't wont with from what why how please help baby's
    been very really since of to in on at this that there they we you your our its it's getting would be
    will should could off without everyone nobody anyone feel feeling keep keeps want think just all""".split())
_NL_WORDS = frozenset("""ik mijn mn m'n me mij de het een is ben zijn was en hij zij ze heeft heb had niet
    kan kun wil met van wat waarom hoe alsjeblieft help sinds al erg heel er die dat dit daar we je jij
    jouw ons onze nu nog ook maar wel geen""".split())


@dataclass(frozen=True)
class Assessment:
    """What the detector found in one message."""

    tier: str | None                 # an emergency tier, "maybe", or None
    lang: str = "nl"                 # language of the answer: nl, en, or a foreign code (tr, ar, ...)
    topic: str | None = None         # for "maybe": pregnancy, baby, violence or mind
    signs: tuple[str, ...] = ()      # ids of the signs that matched (for logs and tests)
    hits: tuple[RuleHit, ...] = field(default=(), repr=False, compare=False)
    cues: frozenset[str] = frozenset()  # emergency tiers with a lexical cue (rules.cue_tiers), for the classifier

    @property
    def is_emergency(self) -> bool:
        return self.tier in EMERGENCY_TIERS


def _language(message: Message) -> tuple[str, int]:
    """"en" or "nl" (ties: Dutch), and how many Dutch/English function words the message has."""
    words = [t.text for t in message.tagged]
    english = sum(w in _EN_WORDS for w in words)
    dutch = sum(w in _NL_WORDS for w in words)
    return ("en" if english > dutch else "nl"), max(english, dutch)


def _demote(hit: RuleHit, message: Message) -> RuleHit:
    if hit.tier not in EMERGENCY_TIERS:
        return hit
    if RESOLVED in message.present:
        return RuleHit(hit.sign, hit.rule, MAYBE, hit.positions, demoted_by=RESOLVED)
    if not hit.positions:
        return hit
    first = min(hit.positions)
    clause = message.tagged[first].token.clause
    sentence = message.tagged[first].token.sentence
    for concept in HARMLESS_CONTEXTS:
        if concept in hit.rule.even_if:
            continue
        # long ago: in the same clause; read-about and what-if: anywhere in the sentence
        scope = (lambda t: t.token.clause == clause) if concept == "PAST" else (lambda t: t.token.sentence == sentence)
        spots = [i for i, t in enumerate(message.tagged) if scope(t) and concept in t.concepts]
        if not spots:
            continue
        if concept == "PAST" and all(  # "2 weken geleden bevallen en nu ... stolsels": now is not long ago
                any("NOW" in message.tagged[j].concepts for j in range(min(s, first), max(s, first))) for s in spots):
            continue
        return RuleHit(hit.sign, hit.rule, MAYBE, hit.positions, demoted_by=concept)
    return hit


def _token_language(tokens: list) -> str:
    words = [t.text for t in tokens]
    return "en" if sum(w in _EN_WORDS for w in words) > sum(w in _NL_WORDS for w in words) else "nl"


def analyse(text: str) -> tuple[Message, list[RuleHit]]:
    """The tagged message and every (demoted) rule hit: for tests and the evaluation report."""
    tokens = tokenise(text)
    message = Message(tag(tokens, lang=_token_language(tokens)), read_numbers(tokens))
    hits = [_demote(h, message) for h in evaluate(message) if not _in_idiom(h, message)]
    if any(h.sign.id in SIGNS_OF_A_KNOWN_LOSS and h.tier in EMERGENCY_TIERS for h in hits) and _tells_of_a_loss(text, message):
        hits = [RuleHit(h.sign, h.rule, MAYBE, h.positions, demoted_by=KNOWN_LOSS)
                if h.sign.id in SIGNS_OF_A_KNOWN_LOSS and h.tier in EMERGENCY_TIERS else h for h in hits]
    # a maybe-level sign in a harmless context (read about it, long ago, a joke, over) gets no line at all
    return message, [h for h in hits if not (h.tier == MAYBE and not h.demoted_by and _harmless(h, message))]


def _tells_of_a_loss(text: str, message: Message) -> bool:
    if loss_signal(text) is not True or _SENSED & message.present:
        return False
    words = [t.text for t in message.tagged]
    return not any("FEEL" in t.concepts and not _ABOUT_HERSELF & set(words[i + 1:i + 3])
                   for i, t in enumerate(message.tagged))


def _in_idiom(hit: RuleHit, message: Message) -> bool:
    """Every word of the hit stands in a clause with an idiom of joy or exaggeration ("dood van het lachen")."""
    if not hit.positions or IDIOM not in message.present:
        return False
    idiom_clauses = {t.token.clause for t in message.tagged if IDIOM in t.concepts}
    return all(message.tagged[p].token.clause in idiom_clauses for p in hit.positions)


def _harmless(hit: RuleHit, message: Message) -> bool:
    if RESOLVED in message.present:
        return True
    sentences = {message.tagged[p].token.sentence for p in hit.positions} or {0}
    return any(c in t.concepts for t in message.tagged if t.token.sentence in sentences for c in HARMLESS_CONTEXTS)


def assess(text: str) -> Assessment:
    """The tier of ``text`` (most urgent wins), the answer language and the matched signs."""
    if not isinstance(text, str):
        text = str(text or "")
    if not text.strip():
        return Assessment(None)
    message, hits = analyse(text)
    lang, familiar = _language(message)
    foreign = foreign_emergency(text)
    if foreign is not None and foreign_stopword_count(text, foreign.lang) > familiar:
        return Assessment(foreign.tier, foreign.lang, None, (f"{foreign.lang}:{foreign.kind}",))
    tier = most_urgent([h.tier for h in hits])
    if tier is not None:
        chosen = tuple(h for h in hits if h.tier == tier)
        return Assessment(tier, lang, None, tuple(dict.fromkeys(h.sign.id for h in chosen)), chosen)
    if foreign is not None:
        return Assessment(foreign.tier, foreign.lang, None, (f"{foreign.lang}:{foreign.kind}",))
    maybes = [h for h in hits if h.tier == MAYBE]
    cues = frozenset(cue_tiers(message))
    if maybes:
        # the topic of the most urgent sign that was demoted, else of the maybe sign itself
        origins = [h.sign.tier for h in maybes]
        origin = most_urgent(origins)
        topic = MAYBE_TOPIC_FOR_TIER.get(origin or "", None) or _maybe_topic(maybes)
        return Assessment(MAYBE, lang, topic, tuple(dict.fromkeys(h.sign.id for h in maybes)), tuple(maybes), cues)
    return Assessment(None, lang, cues=cues)


def _maybe_topic(hits: list[RuleHit]) -> str:
    """Topic of a sign from maybe.yml: its id starts with the topic ("baby_spitting" -> baby)."""
    for hit in hits:
        prefix = hit.sign.id.split("_", 1)[0]
        if prefix in {"pregnancy", "baby", "violence", "mind"}:
            return prefix
    return "pregnancy"
