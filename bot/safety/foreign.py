"""Emergency words in the other languages Rotterdam parents write in.

Not a full safety net: a short list per language (bleeding, violence, suicide, not breathing)
in ``content/safety/emergency_words.yml``. A message with one of them gets the emergency
numbers with a one-line explanation in that language (texts in content/safety.yml,
``other_languages``). Nothing is translated at run time.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import yaml

from bot.safety.lexicon import LEXICON_DIR

WORDS_FILE = LEXICON_DIR / "emergency_words.yml"
KINDS = {"not_breathing": "life", "bleeding": "pregnancy_urgent", "violence": "violence", "suicide": "suicide"}
# Most urgent first, as in bot.safety.tiers.
KIND_ORDER = ("not_breathing", "suicide", "violence", "bleeding")
_LETTERS_NOT_DECOMPOSED = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "ß": "ss", "đ": "d", "ـ": ""})


def fold(text: str) -> str:
    """Case-folded, without diacritics (also Arabic vowel marks), any script kept."""
    text = unicodedata.normalize("NFKD", (text or "").casefold().translate(_LETTERS_NOT_DECOMPOSED))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", text)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


@dataclass(frozen=True)
class ForeignHit:
    lang: str
    kind: str

    @property
    def tier(self) -> str:
        return KINDS[self.kind]


@lru_cache(maxsize=1)
def emergency_words() -> dict:
    """The validated word lists: {lang: {"name", "reviewed", "stopwords", "words": {kind: [...]}}}."""
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}
    languages = data.get("languages") or {}
    for lang, spec in languages.items():
        where = f"{WORDS_FILE.name}: {lang}"
        if not isinstance(spec, dict) or not spec.get("name") or "reviewed" not in spec:
            raise ValueError(f"{where}: name and reviewed are required")
        kinds = spec.get("words") or {}
        if set(kinds) != set(KINDS):
            raise ValueError(f"{where}: words for exactly {sorted(KINDS)}")
        if not all(kinds[k] for k in kinds) or not spec.get("stopwords"):
            raise ValueError(f"{where}: every kind needs words, and the language needs stopwords")
    return languages


@lru_cache(maxsize=4096)
def _entry_parts(entry: str) -> tuple[str | re.Pattern[str], ...]:
    """An entry's words, folded; a word with ``*`` as its compiled pattern (built once per entry)."""
    parts = [p for p in re.split(r"\s+", fold(entry)) if p]
    return tuple(re.compile(".*".join(re.escape(x) for x in p.split("*"))) if "*" in p else p for p in parts)


@lru_cache(maxsize=64)
def _stopwords(lang: str) -> frozenset[str]:
    return frozenset((emergency_words().get(lang) or {}).get("stopwords") or ())


def _matches(entry: str, tokens: list[str]) -> bool:
    parts = _entry_parts(entry)
    n = len(parts)
    for start in range(len(tokens) - n + 1):
        if all(_part(p, tokens[start + k]) for k, p in enumerate(parts)):
            return True
    return False


def _part(part: str | re.Pattern[str], token: str) -> bool:
    if isinstance(part, str):
        return token == part
    return part.fullmatch(token) is not None


def foreign_emergency(text: str) -> ForeignHit | None:
    """The language and kind of the first emergency word found (most urgent kind first)."""
    tokens = words(text)
    if not tokens:
        return None
    best: tuple[int, int, ForeignHit] | None = None
    for lang, spec in emergency_words().items():
        for rank, kind in enumerate(KIND_ORDER):
            if any(_matches(entry, tokens) for entry in spec["words"][kind]):
                stops = sum(t in _stopwords(lang) for t in tokens)
                candidate = (-stops, rank, ForeignHit(lang, kind))
                if best is None or candidate[:2] < best[:2]:
                    best = candidate
                break
    return best[2] if best else None


def foreign_stopword_count(text: str, lang: str) -> int:
    """How many of the language's common words the message has (to prefer it over Dutch/English)."""
    stops = _stopwords(lang)
    return sum(t in stops for t in words(text))
