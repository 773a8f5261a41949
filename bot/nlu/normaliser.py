"""Spelling and slang normalisation before featurisation, and putting the parent's own text back.

Parents type fast, on a phone, by voice, in Rotterdam slang: "ff vragen mn vriendin is
zwnger en heeft geen doekoe voor de kraam zorg". Before the tokenizer, ``TextNormaliser``
turns that into plain Dutch for the classifier: "even vragen mijn vriendin is zwanger en heeft
geen geld voor de kraamzorg". Step by step, per word (lower case):

1. slang and chat words from ``data/lexicon/slang.yml`` (data, not code; multi-word keys too);
2. known words stay: the words of the training data (the domain vocabulary, with the typos
   the data has on purpose) and the Dutch word list of the ``pyspellchecker`` package
   (installed from PyPI; nothing is downloaded at run time);
3. letters typed three or more times are squashed ("heeeel" -> "heel");
4. a word close to a training-data word becomes that word (edit distance 1, or 2 for words of
   7+ letters): the classifier knows those;
5. two words glued together are split ("ikben" -> "ik ben"), two halves of a training-data
   word are joined ("baby spullen" -> "babyspullen");
6. otherwise a word one edit away from a frequent Dutch word becomes that word.

Short words (under 4 letters), numbers, and anything with digits or '@' stay as typed.

The normalised text only feeds the classifier. ``RestoreRawText`` (after the classifiers,
before the safety net) puts the text as the parent typed it back, so the safety net, the
forms (names, postcodes), the tracker store's redaction and every action see her own words;
the normalised text stays available on the message as ``text_normalised`` (not in the parse
output, so it is never stored).
"""

from __future__ import annotations

import array
import bisect
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

RAW_TEXT = "text_raw"
GIBBERISH = "text_gibberish"  # set on a message none of whose words is recognised (never in the output)
NORMALISED_TEXT = "text_normalised"
DEFAULT_SLANG = "data/lexicon/slang.yml"
MIN_LENGTH = 4  # shorter words are too ambiguous to correct ("ok" is not "ik")
MIN_DUTCH_FREQUENCY = 50  # a correction into the Dutch list must be a reasonably common word
MIN_DUTCH_LENGTH = 5  # corrections into the Dutch list only for longer words ("need" is not "nee")
MIN_RECOGNISED_TYPO_LENGTH = 5  # "kraamzrg" is a typo of a known word; "fnuk" is not recognised
MIN_HALF_LENGTH = 4  # "baby spullen" -> "babyspullen", but never "zwanger en" -> "zwangeren"

_WORD_RE = re.compile(r"'?[^\W\d_]+(?:'[^\W\d_]+)*'?")
_SPACES_RE = re.compile(r"\s+")
_REPEATS_RE = re.compile(r"([^\W\d_])\1{2,}")


def load_slang(path: Path) -> dict[str, str]:
    """The slang map: lower-case key (one or more words) -> plain Dutch (may be empty)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    raw = data.get("slang") or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: 'slang' must be a mapping of word -> plain Dutch")
    slang: dict[str, str] = {}
    for key, value in raw.items():
        key_s = _SPACES_RE.sub(" ", str(key).strip().lower())
        if not key_s:
            raise ValueError(f"{path}: empty slang key")
        slang[key_s] = "" if value is None else _SPACES_RE.sub(" ", str(value).strip().lower())
    return slang


class WordCounts(Mapping[str, int]):
    """A read-only word -> count table kept as two sorted arrays of 64-bit word hashes and counts.

    ``in`` and ``get`` answer as the dict would (a made-up word that shares the 64-bit hash of a
    listed word is a chance of about 1 in 10**13 per lookup; listed words never collide, which
    :meth:`from_counts` checks). 343,585 Dutch words take ~5 MB instead of ~40-65 MB as a dict.
    The words themselves are not kept: iterating gives nothing.
    """

    def __init__(self, hashes: array.array, counts: array.array) -> None:
        self._hashes = hashes
        self._counts = counts

    @staticmethod
    def key(word: str) -> int:
        return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")

    @classmethod
    def from_counts(cls, counts: Mapping[str, int]) -> WordCounts:
        pairs = sorted((cls.key(word), count) for word, count in counts.items())
        if any(a[0] == b[0] for a, b in zip(pairs, pairs[1:], strict=False)):
            raise ValueError("two words share a 64-bit hash: keep this list as a dict")
        return cls(array.array("Q", (h for h, _ in pairs)), array.array("Q", (c for _, c in pairs)))

    def _index(self, word: object) -> int:
        if not isinstance(word, str):
            return -1
        key = self.key(word)
        index = bisect.bisect_left(self._hashes, key)
        return index if index < len(self._hashes) and self._hashes[index] == key else -1

    def __getitem__(self, word: str) -> int:
        index = self._index(word)
        if index < 0:
            raise KeyError(word)
        return self._counts[index]

    def get(self, word: str, default: Any = None) -> Any:
        index = self._index(word)
        return self._counts[index] if index >= 0 else default

    def __contains__(self, word: object) -> bool:
        return self._index(word) >= 0

    def __len__(self) -> int:
        return len(self._hashes)

    def __iter__(self) -> Iterator[str]:
        return iter(())


def _load_dutch_counts() -> dict[str, int]:
    """The same words and counts as ``SpellChecker(language="nl").word_frequency.dictionary``
    (keys in lower case; counts of words that differ only in case added up), read straight from
    the package's data file."""
    import gzip
    import pkgutil

    data = pkgutil.get_data("spellchecker", "resources/nl.json.gz")
    if not data:
        raise FileNotFoundError("pyspellchecker's Dutch word list (resources/nl.json.gz) is missing")
    raw: dict[str, int] = json.loads(gzip.decompress(data).decode("utf-8"))
    if all(key.islower() or key == key.lower() for key in raw):
        return raw
    lowered: dict[str, int] = {}
    for key, count in raw.items():
        low = key.lower()
        lowered[low] = lowered.get(low, 0) + count
    return lowered


def _counts_cache_dir() -> Path:
    """Where the built arrays are kept (models/ is git-ignored; a new pyspellchecker gets new ones)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        key = f"dutch-v1-pyspellchecker{version('pyspellchecker')}"
    except PackageNotFoundError:
        key = "dutch-v1-unknown"
    return Path(__file__).resolve().parents[2] / "models" / "lexicon" / key


@lru_cache(maxsize=1)
def dutch_words() -> Mapping[str, int]:
    """Dutch word frequencies shipped in the ``pyspellchecker`` package (loaded once per process),
    as a compact :class:`WordCounts` (the Rasa process keeps it for its whole life).

    Built once from the package's list and kept on disk as two arrays (``models/lexicon/``):
    reading them leaves nothing behind, building them leaves ~30 MB of freed memory resident.
    """
    folder = _counts_cache_dir()
    try:
        hashes, counts = array.array("Q"), array.array("Q")
        hashes.frombytes((folder / "hashes.u64").read_bytes())
        counts.frombytes((folder / "counts.u64").read_bytes())
        if hashes and len(hashes) == len(counts):
            return WordCounts(hashes, counts)
    except OSError:
        pass
    import gc

    table = WordCounts.from_counts(_load_dutch_counts())
    gc.collect()
    try:  # best effort: a read-only checkout builds in memory each time
        folder.mkdir(parents=True, exist_ok=True)
        for name, values in (("hashes.u64", table._hashes), ("counts.u64", table._counts)):
            tmp = folder / f".{name}.{os.getpid()}"
            tmp.write_bytes(values.tobytes())
            os.replace(tmp, folder / name)
    except OSError:
        pass
    return table


def words(text: str) -> list[str]:
    """The lower-case words of ``text`` (letters, with inner apostrophes: "m'n", "da's")."""
    return [m.group(0).lower() for m in _WORD_RE.finditer(text or "")]


def _edits1(word: str) -> Iterable[str]:
    letters = "abcdefghijklmnopqrstuvwxyzéëèïöü"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    yield from (a + b[1:] for a, b in splits if b)
    yield from (a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    yield from (a + c + b[1:] for a, b in splits if b for c in letters)
    yield from (a + c + b for a, b in splits for c in letters)


class Normaliser:
    """Normalise a message against a domain vocabulary, a slang map and a Dutch word list."""

    def __init__(self, vocabulary: Mapping[str, int], slang: Mapping[str, str],
                 dutch: Mapping[str, int] | None = None) -> None:
        self.vocabulary = dict(vocabulary)
        self.slang = dict(slang)
        self.dutch = dutch if dutch is not None else dutch_words()
        phrases = sorted((k for k in self.slang if " " in k), key=len, reverse=True)
        self._phrase_re = (
            re.compile(r"(?<![\w'])(" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases) + r")(?![\w'])",
                       re.IGNORECASE)
            if phrases else None
        )
        self._by_length: dict[int, list[str]] = {}
        for word in self.vocabulary:
            self._by_length.setdefault(len(word), []).append(word)
        self._cache: dict[str, str] = {}

    # ------------------------------------------------------------ known words
    def known(self, word: str) -> bool:
        return word in self.vocabulary or word in self.dutch

    def _frequent_dutch(self, word: str) -> bool:
        return self.dutch.get(word, 0) >= MIN_DUTCH_FREQUENCY or word in self.vocabulary

    # ------------------------------------------------------------ one word
    def correct(self, word: str) -> str:
        """The plain form of one lower-case word (may be several words, or empty)."""
        if word in self.slang:
            return self.slang[word]
        if len(word) < MIN_LENGTH or self.known(word):
            return word
        cached = self._cache.get(word)
        if cached is None:
            cached = self._correct_unknown(word)
            if len(self._cache) < 50_000:
                self._cache[word] = cached
        return cached

    def _correct_unknown(self, word: str) -> str:
        squashed = _REPEATS_RE.sub(r"\1\1", word)
        for candidate in (squashed, _REPEATS_RE.sub(r"\1", word)):
            if candidate != word:
                if candidate in self.slang:
                    return self.slang[candidate]
                if self.known(candidate):
                    return candidate
        word = squashed
        domain = self._closest_in_vocabulary(word)
        if domain:
            return domain
        split = self._split(word)
        if split:
            return split
        if len(word) < MIN_DUTCH_LENGTH:
            return word
        best, best_freq = None, MIN_DUTCH_FREQUENCY - 1
        for candidate in _edits1(word):
            freq = self.dutch.get(candidate, 0)
            if freq > best_freq:
                best, best_freq = candidate, freq
        return best or word

    def _closest_in_vocabulary(self, word: str, max_distance: int | None = None) -> str | None:
        from rapidfuzz.distance import Levenshtein

        if max_distance is None:
            max_distance = 1 if len(word) < 7 else 2
        best: tuple[int, int, str] | None = None
        for length in range(len(word) - max_distance, len(word) + max_distance + 1):
            for candidate in self._by_length.get(length, ()):
                distance = Levenshtein.distance(word, candidate, score_cutoff=max_distance)
                if distance <= max_distance:
                    key = (distance, -self.vocabulary[candidate], candidate)
                    if best is None or key < best:
                        best = key
        return best[2] if best else None

    def _split(self, word: str) -> str | None:
        if len(word) < 5:
            return None
        best: tuple[int, str] | None = None
        for i in range(2, len(word) - 1):
            left, right = word[:i], word[i:]
            if self._frequent_dutch(left) and self._frequent_dutch(right):
                score = min(self.dutch.get(left, 0) + self.vocabulary.get(left, 0) * 1000,
                            self.dutch.get(right, 0) + self.vocabulary.get(right, 0) * 1000)
                if best is None or score > best[0]:
                    best = (score, f"{left} {right}")
        return best[1] if best else None

    # ------------------------------------------------------------ recognition
    def recognised(self, word: str) -> bool:
        """Whether ``word`` (lower case) is a word we know, or a small typo of a training-data word.

        Splits and corrections into the general Dutch list do not count: they can turn any
        string of letters into words ("zorgle" -> "zorg le").
        """
        if word in self.slang or self.known(word):
            return True
        squashed = _REPEATS_RE.sub(r"\1\1", word)
        if any(c in self.slang or self.known(c) for c in (squashed, _REPEATS_RE.sub(r"\1", word))):
            return True
        if len(word) < MIN_RECOGNISED_TYPO_LENGTH:
            return False
        return self._closest_in_vocabulary(squashed, max_distance=1) is not None

    def is_gibberish(self, text: str) -> bool:
        """Two or more words of three letters or more, and not one of them recognised.

        Such a message ("qwrtz plofmiep") must reach the fallback, never a confident guess that
        the corrections above made up. Short words ("ok", "ja") and numbers never count.
        """
        candidates = [w.strip("'") for w in _WORD_RE.findall((text or "").lower())]
        candidates = [w for w in candidates if len(w) >= 3]
        return len(candidates) >= 2 and not any(self.recognised(w) for w in candidates)

    # ------------------------------------------------------------ a message
    def normalise(self, text: str) -> str:
        """The message in plain, lower-case Dutch for the classifier."""
        if not text:
            return text
        lowered = text.lower()
        if self._phrase_re is not None:
            lowered = self._phrase_re.sub(lambda m: self.slang[_SPACES_RE.sub(" ", m.group(0).lower())], lowered)
        pieces: list[str] = []
        last = 0
        for match in _WORD_RE.finditer(lowered):
            pieces.append(lowered[last:match.start()])
            token = match.group(0)
            pieces.append(self.correct(token if token in self.slang else token.strip("'")))
            last = match.end()
        pieces.append(lowered[last:])
        return self._join_halves(_SPACES_RE.sub(" ", "".join(pieces)).strip())

    def _join_halves(self, text: str) -> str:
        tokens = text.split(" ")
        out: list[str] = []
        i = 0
        while i < len(tokens):
            if i + 1 < len(tokens) and min(len(tokens[i]), len(tokens[i + 1])) >= MIN_HALF_LENGTH:
                joined = tokens[i] + tokens[i + 1]
                if joined.isalpha() and self.vocabulary.get(joined, 0) >= 2:
                    out.append(joined)
                    i += 2
                    continue
            out.append(tokens[i])
            i += 1
        return " ".join(out)


def vocabulary_from(texts: Iterable[str], slang: Mapping[str, str]) -> Counter[str]:
    """Word counts of the training texts after slang replacement."""
    counts: Counter[str] = Counter()
    for text in texts:
        for word in words(text):
            plain = slang.get(word, word)
            counts.update(words(plain))
    return counts


def file_fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.exists() else "missing"


def to_json(vocabulary: Mapping[str, int], slang: Mapping[str, str]) -> str:
    return json.dumps({"vocabulary": dict(vocabulary), "slang": dict(slang)}, ensure_ascii=False)


def from_json(raw: str) -> tuple[dict[str, int], dict[str, str]]:
    data: dict[str, Any] = json.loads(raw)
    return dict(data["vocabulary"]), dict(data["slang"])
