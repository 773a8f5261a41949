"""Which language a parent writes in: offline, conservative, Dutch by default.

The statistical part is ``lingua-language-detector`` (its language models ship inside the wheel,
nothing is downloaded), restricted to the languages the assistant answers in and used in its
low-accuracy mode (trigrams only: 35 MB and well under a millisecond per message). Around it,
the word lists of ``content/languages/detection.yml`` decide the hard cases, so that a Dutch
parent is practically never answered in another language:

* too short to tell (fewer than ``min_words`` words: "ok", "hoi", "thx", an emoji, a postcode):
  no verdict, the conversation keeps its language;
* Arabic script: Arabic;
* a typed language choice ("English", "Nederlands"): see :func:`language_choice`;
* English needs more English than Dutch function words, and lingua not firmly Dutch;
  a mixed message ("ik ben pregnant en heb geen geld") counts as Dutch;
* another language needs lingua's confidence and almost no Dutch function words;
* Papiamento (no lingua model): two or more marker words, one of them specific.

:func:`detect` returns ``None`` as the language when it cannot tell; callers keep the
conversation's language then (Dutch when nothing was chosen).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.content import CONTENT_DIR

DETECTION_FILE = CONTENT_DIR / "languages" / "detection.yml"
SAFETY_WORDS_FILE = CONTENT_DIR / "safety" / "emergency_words.yml"
DUTCH = "nl"
ENGLISH = "en"
# Languages the detector can name (ISO 639-1, Papiamento ISO 639-2).
LINGUA_LANGUAGES = ("nl", "en", "tr", "ar", "pl", "es", "fr", "pt")
PAPIAMENTO = "pap"
FOREIGN_LANGUAGES = ("tr", "ar", "pl", "es", "fr", "pt", PAPIAMENTO)
# A foreign language needs (almost) no Dutch function words: at most this share of the words.
MAX_DUTCH_SHARE_FOREIGN = 0.25
# English: lingua must not be this sure that it is Dutch.
MAX_DUTCH_CONFIDENCE_ENGLISH = 0.8
# English by its function words also needs lingua to see some English in it.
MIN_ENGLISH_CONFIDENCE = 0.2
# Another language: less than half of the words may be Dutch words (pyspellchecker's list).
MAX_DUTCH_WORD_SHARE = 0.5
# A word counts as Dutch when it is this frequent in the list (the list also has rare junk: "w", "nie").
MIN_DUTCH_FREQUENCY = 1000
# English wins without lingua's support when it has this many more function words than Dutch
# ("Can I register with Moeders van Rotterdam?": Dutch names make lingua say Dutch).
ENGLISH_LEAD = 2

_WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*", re.UNICODE)
_ARABIC_RE = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LETTER_RE = re.compile(r"[^\W\d_]", re.UNICODE)
_URL_RE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")
_POSTCODE_RE = re.compile(r"\b\d{4}\s?[a-zA-Z]{2}\b")
# Reference codes ("MVR-JQC6-YF", "mvr sphp uh") and any token with a digit in it.
_CODE_RE = re.compile(r"\bmvr[\s-]*[a-z0-9]{4}[\s-]*[a-z0-9]{2}\b|\S*\d\S*", re.IGNORECASE)
_FOLD = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "ß": "ss", "’": "'", "`": "'"})


@dataclass(frozen=True)
class Detection:
    """The verdict on one message.

    ``lang`` is a language code ("nl", "en", "tr", ...) or ``None`` when the message is too short
    or too unclear to tell. ``reason`` says which rule decided (for tests and the evaluation).
    """

    lang: str | None
    confidence: float = 0.0
    reason: str = ""

    @property
    def foreign(self) -> bool:
        """Written in a language other than Dutch (English included)."""
        return self.lang not in (None, DUTCH)


def fold(text: str) -> str:
    """Lower case without accents: 'Inglés' -> 'ingles'."""
    text = unicodedata.normalize("NFKD", (text or "").casefold().translate(_FOLD))
    return unicodedata.normalize("NFKC", "".join(ch for ch in text if not unicodedata.combining(ch)))


def words(text: str) -> list[str]:
    """The folded words of ``text``: no numbers, postcodes, web or e-mail addresses, emoji."""
    text = _CODE_RE.sub(" ", _POSTCODE_RE.sub(" ", _URL_RE.sub(" ", text or "")))
    return [w.strip("'") for w in _WORD_RE.findall(fold(text)) if w.strip("'")]


@dataclass(frozen=True)
class Settings:
    min_words: int
    min_confidence: float
    strong_confidence: float
    function_words: dict[str, frozenset[str]]
    markers: frozenset[str]
    pap_specific: tuple[tuple[str, ...], ...]
    choices: dict[tuple[str, ...], str]


def _phrases(values: Any, where: str) -> list[tuple[str, ...]]:
    if not isinstance(values, list) or not values:
        raise ValueError(f"{DETECTION_FILE.name}: {where} must be a non-empty list")
    out = [tuple(words(str(v))) for v in values]
    if not all(out):
        raise ValueError(f"{DETECTION_FILE.name}: {where} has an entry without letters")
    return out


def load_settings(path: Path = DETECTION_FILE) -> Settings:
    """Read and check ``content/languages/detection.yml``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    fw = data.get("function_words") or {}
    if set(fw) != {DUTCH, ENGLISH}:
        raise ValueError(f"{path.name}: function_words for exactly nl and en")
    choices: dict[tuple[str, ...], str] = {}
    for lang in (DUTCH, ENGLISH):
        for phrase in _phrases((data.get("choices") or {}).get(lang), f"choices.{lang}"):
            if choices.get(phrase, lang) != lang:
                raise ValueError(f"{path.name}: choice {' '.join(phrase)!r} is listed for two languages")
            choices[phrase] = lang
    settings = Settings(
        min_words=int(data.get("min_words") or 3),
        min_confidence=float(data.get("min_confidence") or 0.5),
        strong_confidence=float(data.get("strong_confidence") or 0.9),
        function_words={lang: frozenset(w for p in _phrases(fw[lang], f"function_words.{lang}") for w in p)
                        for lang in (DUTCH, ENGLISH)},
        markers=frozenset(w for p in _phrases((data.get("markers") or {}).get(PAPIAMENTO), "markers.pap")
                          for w in p),
        pap_specific=tuple(_phrases(data.get("pap_specific"), "pap_specific")),
        choices=choices,
    )
    if not 0 < settings.min_confidence <= settings.strong_confidence <= 1:
        raise ValueError(f"{path.name}: need 0 < min_confidence <= strong_confidence <= 1")
    return settings


@lru_cache(maxsize=1)
def settings() -> Settings:
    return load_settings()


@lru_cache(maxsize=1)
def _detector() -> Any:
    """lingua's detector for our languages (built once per process; models come from the wheel)."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in LINGUA_LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def lingua_scores(text: str) -> dict[str, float]:
    """lingua's relative confidence per language code (they add up to 1)."""
    return {
        value.language.iso_code_639_1.name.lower(): float(value.value)
        for value in _detector().compute_language_confidence_values(text)
    }


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(tokens[i:i + n]) == phrase for i in range(len(tokens) - n + 1))


def language_choice(text: str) -> str | None:
    """'nl' or 'en' when the whole message asks for that language ("English", "Nederlands graag")."""
    tokens = tuple(words(text))
    if not tokens or len(tokens) > 5:
        return None
    found = settings().choices.get(tokens)
    if found:
        return found
    if len(tokens) == 1 and len(tokens[0]) >= 6:  # one typo in a long single word: "englsh", "nederlans"
        from rapidfuzz.distance import Levenshtein

        for phrase, lang in settings().choices.items():
            if len(phrase) == 1 and len(phrase[0]) >= 6 and Levenshtein.distance(tokens[0], phrase[0]) <= 1:
                return lang
    return None


def _papiamento(tokens: list[str], dutch_hits: int) -> bool:
    s = settings()
    markers = [t for t in tokens if t in s.markers]
    return len(set(markers)) >= 2 and len(markers) > dutch_hits and any(_contains(tokens, p) for p in s.pap_specific)


@lru_cache(maxsize=1)
def foreign_function_words() -> dict[str, frozenset[str]]:
    """Common words per other language, from the safety net's emergency word lists.

    ``content/safety/emergency_words.yml`` (issue 11 item 4) keeps ``stopwords`` per language;
    the same words tell a Turkish or French message from a Dutch one. Empty when the file is
    not there.
    """
    if not SAFETY_WORDS_FILE.exists():
        return {}
    data = yaml.safe_load(SAFETY_WORDS_FILE.read_text(encoding="utf-8")) or {}
    return {
        str(lang): frozenset(w for s in spec.get("stopwords") or () for w in words(str(s)))
        for lang, spec in (data.get("languages") or {}).items()
    }


def _foreign(top: str, confidence: float, tokens: list[str], dutch: int, english: int = 0) -> bool:
    """Whether lingua's best guess ``top`` (not Dutch, not English) is believable.

    Not when the message has more English function words than words of ``top`` (and at least
    two): "how do I arrange a kraamzorg organisation" is English, whatever lingua's trigrams say.
    """
    s = settings()
    if confidence < s.min_confidence:
        return False
    own = sum(t in foreign_function_words().get(top, ()) for t in tokens)
    if english >= ENGLISH_LEAD and english > own:
        return False
    if own > dutch:
        return True
    share = dutch_word_share(tokens)
    if dutch == 0:
        return share < MAX_DUTCH_WORD_SHARE
    return confidence >= s.strong_confidence and dutch / len(tokens) <= MAX_DUTCH_SHARE_FOREIGN and (
        share < MAX_DUTCH_WORD_SHARE)


def detect(text: str) -> Detection:
    """The language of one message, or ``Detection(None)`` when it cannot be told (see module doc)."""
    s = settings()
    raw = text or ""
    letters = _LETTER_RE.findall(_URL_RE.sub(" ", raw))
    arabic = sum(1 for ch in letters if _ARABIC_RE.match(ch))
    if letters and arabic >= 2 and arabic / len(letters) > 0.5:
        return Detection("ar", 1.0, "script")
    choice = language_choice(raw)
    if choice:
        return Detection(choice, 1.0, "choice")
    tokens = words(raw)
    if len(tokens) < s.min_words:
        return Detection(None, 0.0, "short")
    dutch = sum(t in s.function_words[DUTCH] for t in tokens)
    english = sum(t in s.function_words[ENGLISH] for t in tokens)
    if _papiamento(tokens, dutch):
        return Detection(PAPIAMENTO, 1.0, "markers")
    scores = lingua_scores(" ".join(tokens))
    top = max(scores, key=scores.__getitem__)
    if top not in (DUTCH, ENGLISH) and _foreign(top, scores[top], tokens, dutch, english):
        return Detection(top, scores[top], "lingua")
    if english > dutch and (english - dutch >= ENGLISH_LEAD or (
            scores.get(DUTCH, 0.0) < MAX_DUTCH_CONFIDENCE_ENGLISH
            and (top == ENGLISH or scores.get(ENGLISH, 0.0) >= MIN_ENGLISH_CONFIDENCE))):
        return Detection(ENGLISH, scores.get(ENGLISH, 0.0), "function_words")
    if top == ENGLISH and dutch == 0 and scores[top] >= s.strong_confidence:
        return Detection(ENGLISH, scores[top], "lingua")
    # Dutch is the default; "clearly Dutch" (which may switch an English conversation back) needs
    # more Dutch than English function words and two of them, or lingua firmly Dutch without English.
    if dutch > english and dutch >= 2:
        return Detection(DUTCH, scores.get(DUTCH, 0.0), "function_words")
    if english == 0 and scores.get(DUTCH, 0.0) >= s.strong_confidence:
        return Detection(DUTCH, scores[DUTCH], "lingua")
    return Detection(DUTCH, scores.get(DUTCH, 0.0), "default")


def dutch_word_share(tokens: list[str]) -> float:
    """The share of ``tokens`` in the Dutch word list of ``pyspellchecker`` (shipped in its wheel)."""
    from bot.nlu.normaliser import dutch_words

    known = dutch_words()
    return sum(1 for t in tokens if known.get(t, 0) >= MIN_DUTCH_FREQUENCY) / max(len(tokens), 1)
