"""Dutch number words ('twaalfhonderd', 'drieëntwintig', 'twee duizend vijfhonderd')."""

from __future__ import annotations

import re

from bot.parsing.common import normalise

_UNITS = {"een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9}
_TEENS = {
    "nul": 0, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16,
    "zeventien": 17, "achttien": 18, "negentien": 19,
}
_TENS = {
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70, "tachtig": 80,
    "negentig": 90,
}
_SMALL = {**_UNITS, **_TEENS, **_TENS}
_MORPHEMES = sorted([*_SMALL, "honderd", "duizend", "en"], key=len, reverse=True)
_WORD_RE = re.compile("^(?:" + "|".join(_MORPHEMES) + ")+$")
_TOKEN_RE = re.compile(r"[a-z]+")
MAX_WORD_NUMBER = 999_999


def _below_hundred(word: str) -> int | None:
    if word in _SMALL:
        return _SMALL[word]
    for tens, value in _TENS.items():
        if word.endswith(tens):
            prefix = word[: -len(tens)]
            if prefix.endswith("en") and prefix[:-2] in _UNITS:
                return _UNITS[prefix[:-2]] + value
    return None


def _parse(word: str, depth: int = 0) -> int | None:
    """Value of one glued number word ('tweeduizendvijfhonderd'); ``None`` if it is not one."""
    if depth > 4:
        return None
    word = word.removeprefix("en") if word.startswith("en") and word not in _SMALL else word
    if not word:
        return 0
    for scale_word, scale in (("duizend", 1000), ("honderd", 100)):
        if scale_word in word:
            left, _, right = word.partition(scale_word)
            left_value = 1 if left in ("", "een") else _parse(left, depth + 1)
            right_value = _parse(right, depth + 1) if right else 0
            if left_value is None or right_value is None or left_value == 0 or right_value >= scale:
                return None
            return left_value * scale + right_value
    return _below_hundred(word)


def words_to_number(text: str) -> int | None:
    """The value of a text that is only a Dutch number in words, e.g. 'twee duizend'."""
    norm = re.sub(r"[\s-]+", "", normalise(text))
    if not norm or len(norm) > 80 or not _WORD_RE.match(norm):
        return None
    value = _parse(norm)
    return value if value is not None and value <= MAX_WORD_NUMBER else None


def find_word_numbers(text: str, allow_een: bool = False) -> list[int]:
    """All numbers written in words in ``text``, in order.

    Consecutive number words are joined ('twee duizend vijfhonderd' = 2500). A lone
    'een' is the article 'a', not the number 1, unless ``allow_een``.
    """
    tokens = _TOKEN_RE.findall(normalise(text))
    found: list[int] = []
    run: list[str] = []

    def flush() -> None:
        words = [w for w in run]
        while words and words[-1] == "en":
            words.pop()
        while words and words[0] == "en":
            words.pop(0)
        run.clear()
        if not words or (words == ["een"] and not allow_een):
            return
        value = words_to_number("".join(words))
        if value is not None:
            found.append(value)

    for token in tokens[:400]:
        if len(token) <= 60 and _WORD_RE.match(token):
            run.append(token)
        else:
            flush()
    flush()
    return found
