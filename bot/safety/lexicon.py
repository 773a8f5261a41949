"""The warning-sign vocabulary: concepts, the words that express them, and the tagger.

A *concept* (``BLEED``, ``BABY``, ``NEG``, ...) is a meaning the rules combine; the words for
it are content, one file per language (``content/safety/lexicon.<lang>.yml``), so the same
rules work for Dutch and English. A word entry is

* a plain word, matched against the token and against its lemma ("bloedde" -> "bloeden");
* a pattern with ``*`` (any letters): ``bloed*`` also catches "bloedverlies", ``*buikpijn``
  also "onderbuikpijn";
* several words ("om de haverklap", "niet _ wakker": ``_`` is any one word);
* under ``not:``: words that look like the concept but are not ("bloeddruk" is no bleeding).

Typos: a token that is no known Dutch or English word (spacy-lookups-data's lemma tables,
shipped in the wheel) is matched with one edit (two for long words) against the concept
words, so "bloedverlis", "vlizen" and "zelfmord" are recognised, while a real word that is
one letter away ("bloem", "geslaagd") is never bent into a warning sign.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.content import CONTENT_DIR
from bot.safety.text import Token

LEXICON_DIR = CONTENT_DIR / "safety"
LANGUAGES = ("nl", "en")
_CONCEPT_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_WORD_RE = re.compile(r"^[a-z0-9'*_ ]+$")


class LexiconError(ValueError):
    """A lexicon file is invalid (the message names the file and the entry)."""


@dataclass(frozen=True)
class Entry:
    """One word or phrase of a concept (already normalised)."""

    concept: str
    parts: tuple[str, ...]
    lang: str

    @property
    def is_phrase(self) -> bool:
        return len(self.parts) > 1


def _part_matches(part: str, word: str, lemmas: tuple[str, ...]) -> bool:
    if part == "_":
        return True
    if "*" not in part:
        return word == part or part in lemmas
    regex = _wildcard(part)
    return bool(regex.fullmatch(word)) or any(regex.fullmatch(lemma) for lemma in lemmas)


@lru_cache(maxsize=4096)
def _wildcard(part: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(p) for p in part.split("*")))


@dataclass
class Lexicon:
    """All concepts of all languages, indexed for the tagger."""

    exact: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    wild: list[Entry] = field(default_factory=list)
    phrases: list[Entry] = field(default_factory=list)
    # phrases by their first word (most start with a plain word), and the others
    phrase_index: dict[str, list[Entry]] = field(default_factory=lambda: defaultdict(list))
    phrase_other: list[Entry] = field(default_factory=list)
    blocked: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    fuzzy_words: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    fuzzy_stems: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    concepts: dict[str, str] = field(default_factory=dict)  # concept -> description

    def add(self, entry: Entry) -> None:
        if entry.is_phrase:
            self.phrases.append(entry)
            first = entry.parts[0]
            if "*" in first or first == "_":
                self.phrase_other.append(entry)
            else:
                self.phrase_index[first].append(entry)
            return
        part = entry.parts[0]
        if "*" in part:
            self.wild.append(entry)
            stem = part.rstrip("*")
            if "*" not in stem and len(stem) >= 6:
                self.fuzzy_stems[stem].add((entry.concept, entry.lang))
        else:
            self.exact[part].add((entry.concept, entry.lang))
            if len(part) >= 5 and not part.isdigit():
                self.fuzzy_words[part].add((entry.concept, entry.lang))

    def fuzzy_targets(self) -> list[str]:
        """The words the typo matcher compares with (only words of concepts it may bend towards)."""
        if not hasattr(self, "_fuzzy_targets"):
            self._fuzzy_targets = sorted(
                w for w, cs in self.fuzzy_words.items() if any(c in FUZZY_CONCEPTS for c, _ in cs))
        return self._fuzzy_targets

    def is_blocked(self, concept: str, word: str) -> bool:
        return any(_part_matches(p, word, ()) for p in self.blocked.get(concept, ()))


def _normalise_entry(raw: str, where: str) -> tuple[str, ...]:
    from bot.safety.text import normalise

    if not isinstance(raw, str) or not raw.strip():
        raise LexiconError(f"{where}: empty or non-text word {raw!r} (quote yes/no/on/off: YAML reads them as true/false)")
    keep = raw.strip().lower().replace("*", "qzstarq").replace("_", " qzgapq ")
    text = normalise(keep).replace("qzstarq", "*").replace("qzgapq", "_")
    text = re.sub(r"[.!?;:,]", " ", text).strip()
    if not _WORD_RE.fullmatch(text):
        raise LexiconError(f"{where}: {raw!r} has characters the tokeniser never produces")
    return tuple(text.split())


def load_file(path: Path, lexicon: Lexicon) -> None:
    """Add one ``lexicon.<lang>.yml`` to ``lexicon`` (validating it)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lang = data.get("language")
    if lang not in LANGUAGES:
        raise LexiconError(f"{path.name}: language must be one of {LANGUAGES}, not {lang!r}")
    concepts = data.get("concepts")
    if not isinstance(concepts, dict) or not concepts:
        raise LexiconError(f"{path.name}: no concepts")
    for concept, spec in concepts.items():
        where = f"{path.name}: {concept}"
        if not _CONCEPT_RE.fullmatch(str(concept)):
            raise LexiconError(f"{where}: concept names are UPPER_CASE")
        if not isinstance(spec, dict) or set(spec) - {"means", "words", "not"}:
            raise LexiconError(f"{where}: use the keys means, words and not")
        if not str(spec.get("means") or "").strip():
            raise LexiconError(f"{where}: say what the concept means (means:)")
        lexicon.concepts.setdefault(concept, str(spec["means"]))
        for raw in spec.get("words") or []:
            lexicon.add(Entry(concept, _normalise_entry(raw, where), lang))
        for raw in spec.get("not") or []:
            lexicon.blocked[concept].append(" ".join(_normalise_entry(raw, where)))


def lexicon() -> Lexicon:
    """The lexicon of every language in content/safety/ (cached)."""
    with _LOAD_LOCK:
        return _lexicon()


@lru_cache(maxsize=1)
def _lexicon() -> Lexicon:
    lex = Lexicon()
    for lang in LANGUAGES:
        load_file(LEXICON_DIR / f"lexicon.{lang}.yml", lex)
    return lex


# --------------------------------------------------------------------------- lemmas and known words

_LOAD_LOCK = threading.RLock()  # the tables load once, also when a warm-up thread is still busy


@lru_cache(maxsize=1)
def _lemma_tables() -> dict[str, dict[str, str]]:
    """spaCy's lookup lemma tables for Dutch and English (shipped in spacy-lookups-data)."""
    with _LOAD_LOCK:
        return _load_lemma_tables()


def _load_lemma_tables() -> dict[str, dict[str, str]]:
    tables: dict[str, dict[str, str]] = {}
    base = resources.files("spacy_lookups_data") / "data"
    for lang in LANGUAGES:
        with (base / f"{lang}_lemma_lookup.json.gz").open("rb") as handle:
            raw: dict[str, str] = json.loads(gzip.decompress(handle.read()))
        # One string object per distinct lemma (JSON gives every value its own copy): ~8 MB less.
        canonical: dict[str, str] = {}
        for key, value in raw.items():
            raw[key] = canonical.setdefault(value, value)
        # Most entries are plain lower-case ASCII already: only the others are normalised (fast start).
        extra = {_plain(k): _plain(v) for k, v in raw.items() if not (k.isascii() and v.isascii())}
        raw.update(extra)
        tables[lang] = raw
    return tables


def _plain(word: str) -> str:
    if word.isascii():
        return word.lower()
    from bot.safety.text import normalise

    return normalise(word)


def lemmas(word: str) -> tuple[str, ...]:
    """The Dutch and English lemmas of ``word`` (without ``word`` itself)."""
    found = []
    for table in _lemma_tables().values():
        lemma = table.get(word)
        if lemma and lemma != word and lemma not in found:
            found.append(lemma)
    return tuple(found)


class KnownWords:
    """The alphabetic word forms of some languages' lemma tables (forms and lemmas) and stop words.

    Answers ``word in known`` from the tables themselves: a set of all forms took ~35 MB per
    combination of languages in the Rasa process, for a membership test.
    """

    def __init__(self, parts: tuple[tuple[dict[str, str], frozenset[str], frozenset[str]], ...]) -> None:
        self._parts = parts  # per language: (form -> lemma, the lemmas, the stop words)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word.isalpha():
            return False
        return any(word in forms or word in lemmas_ or word in stops for forms, lemmas_, stops in self._parts)


def known_words(lang: str | None = None) -> KnownWords:
    """Dutch and/or English word forms (see :func:`_known_words`)."""
    with _LOAD_LOCK:
        return _known_words(lang)


@lru_cache(maxsize=4)
def _known_words(lang: str | None = None) -> KnownWords:
    """Dutch and/or English word forms the lemma tables and spaCy's stop word lists know.

    The typo matcher never bends a known word into another one ("bloem" stays no "bloed"),
    and a Dutch word is not read as its English look-alike ("slap" is limp, not a hit).
    """
    return KnownWords(tuple(_known_part(name) for name in _lemma_tables() if lang in (None, name)))


@lru_cache(maxsize=4)
def _known_part(lang: str) -> tuple[dict[str, str], frozenset[str], frozenset[str]]:
    table = _lemma_tables()[lang]
    return table, frozenset(table.values()), frozenset(_plain(w) for w in stop_words(lang))


@lru_cache(maxsize=4)
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop word list of ``lang`` ("nl", "en"), read without importing spaCy.

    ``import spacy`` pulls in thinc and, through it, TensorFlow: about 600 MB in the action
    server, which needs nothing else of spaCy. The list is a plain module (``STOP_WORDS``, a
    set built from one string), so it is read from spaCy's installed source instead.
    """
    spec = importlib.util.find_spec("spacy")  # locates the package; does not import it
    if spec is None or spec.origin is None:
        raise LexiconError("spaCy is not installed: its stop word lists are needed")
    source = Path(spec.origin).parent / "lang" / lang / "stop_words.py"
    namespace: dict[str, object] = {}
    exec(compile(source.read_text(encoding="utf-8"), str(source), "exec"), namespace)  # noqa: S102 - installed package
    return frozenset(namespace["STOP_WORDS"])  # type: ignore[arg-type]


# Typo tolerance only for concepts whose words are signs by themselves; never for small, common
# words that are one letter away from other words (pronouns, people, hitting, moving, jerking).
FUZZY_CONCEPTS = frozenset({
    "BLEED", "AMNIOTIC", "SUICIDE", "ABUSE", "RAPE", "SEIZURE", "CONTRACTION", "FEVER", "PREGNANT", "BABY",
    "UNCONSCIOUS", "FAINT", "HEADACHE", "VISION", "ITCH", "BREATHE", "BREATH_BAD", "LIMP", "PALE_GREY", "CHOKE",
    "PANIC_ATTACK", "HALLUC", "VEILIG_THUIS", "BEATEN", "THREAT", "THREATENED", "KILL", "PILLS", "SWELL", "VOMIT",
    "DIE_WISH", "END_LIFE", "SELF_HARM", "DEAD", "UPPER_BELLY", "LABOUR_NOW", "POSTPARTUM", "HEAVY", "SEVERE",
})
MIN_FUZZY_LENGTH = 6


# --------------------------------------------------------------------------- tagging

@dataclass
class Tagged:
    """A token with the concepts it expresses."""

    token: Token
    concepts: dict[str, str] = field(default_factory=dict)  # concept -> language of the word
    fuzzy: bool = False

    @property
    def text(self) -> str:
        return self.token.text


def _fuzzy_concepts(word: str, lex: Lexicon) -> set[tuple[str, str]]:
    if len(word) < MIN_FUZZY_LENGTH or word.isdigit() or word in known_words():
        return set()
    limit = 1 if len(word) < 9 else 2
    found: set[tuple[str, str]] = set()
    targets = lex.fuzzy_targets()
    for target, _distance, _index in process.extract(word, targets, scorer=OSA.distance, score_cutoff=limit,
                                                     limit=None):
        if abs(len(target) - len(word)) <= limit:
            found |= {c for c in lex.fuzzy_words[target] if c[0] in FUZZY_CONCEPTS}
    for stem, concepts in lex.fuzzy_stems.items():
        if len(word) < len(stem) - 1:
            continue
        for cut in (len(stem) - 1, len(stem), len(stem) + 1):
            if OSA.distance(word[:cut], stem, score_cutoff=1) <= 1:
                found |= {c for c in concepts if c[0] in FUZZY_CONCEPTS}
                break
    return found


def tag(tokens: list[Token], lex: Lexicon | None = None, lang: str = "nl") -> list[Tagged]:
    """Tag every token with the concepts its word (or a phrase it is part of) expresses.

    ``lang`` is the message's language: a word of that language is not also read as a
    word of the other one ("slap" in a Dutch message is limp, not an English slap).
    """
    lex = lex or lexicon()
    tagged = [Tagged(t) for t in tokens]
    words = [t.text for t in tokens]
    token_lemmas = [lemmas(w) for w in words]
    for i, word in enumerate(words):
        forms = [word]
        if "y" in word and word not in known_words():  # "pyn", "myn", "buikpyn": y typed for ij
            forms.append(word.replace("y", "ij"))
            token_lemmas[i] = (*token_lemmas[i], forms[-1])
        found: set[tuple[str, str]] = set()
        for form in (*forms, *token_lemmas[i]):
            found |= lex.exact.get(form, set())
        if re.fullmatch(r"(19|20)\d\d", word):  # a year: "in 2021" is long ago
            found.add(("PAST", "nl"))
        for entry in lex.wild:
            if any(_part_matches(entry.parts[0], form, token_lemmas[i]) for form in forms):
                if not lex.is_blocked(entry.concept, word):
                    found.add((entry.concept, entry.lang))
        if not found:
            fuzzy = {(c, lang) for c, lang in _fuzzy_concepts(word, lex) if not lex.is_blocked(c, word)}
            if fuzzy:
                tagged[i].fuzzy = True
                found = fuzzy
        if word in known_words(lang):  # a word of the message's language: not its look-alike's concepts
            own = {c for c, lg in found if lg == lang}
            found = {(c, lg) for c, lg in found if lg == lang or c in own}
        for concept, word_lang in found:
            tagged[i].concepts.setdefault(concept, word_lang)
    for start, word in enumerate(words):
        candidates = [e for form in dict.fromkeys((word, *token_lemmas[start])) for e in lex.phrase_index.get(form, ())]
        for entry in (*candidates, *lex.phrase_other):
            n = len(entry.parts)
            if start + n > len(words) or tokens[start].sentence != tokens[start + n - 1].sentence:
                continue
            span = range(start, start + n)
            if all(_part_matches(p, words[j], token_lemmas[j]) for p, j in zip(entry.parts, span, strict=True)):
                for j in span:
                    if entry.parts[j - start] != "_":
                        tagged[j].concepts.setdefault(entry.concept, entry.lang)
    for item in tagged:  # a "not:" word removes the concept again, unless it is listed as a word itself
        for concept in list(item.concepts):
            own = {c for c, _ in lex.exact.get(item.text, ())}
            if concept not in own and lex.is_blocked(concept, item.text):
                del item.concepts[concept]
    return tagged
