"""Search over encrypted registrations without decrypting every row: keyed blind indexes.

* Phone: every Dutch way of writing a number (06-12345678, +31 6 1234 5678, 0031612345678,
  010 123 45 67) is normalised to E.164 with ``phonenumbers`` and stored as
  HMAC-SHA256(key, "phone" + E.164), truncated to 128 bits (``registrations.phone_index``).
  A search computes the same hash and looks it up through an index.
* Name: the name is normalised (accents and case removed, ``ø`` -> ``o``, apostrophes
  dropped, split into words) and for every word each prefix of at least
  :data:`MIN_PREFIX` letters is stored as HMAC(key, "name" + prefix) in
  ``registration_search_tokens``. A query matches when every query word is a prefix of some
  word of the name ("fat zwan" finds "Fátima Zwanenburg"). Matching inside a word
  ("anenburg") is not supported: that would need hashes of every substring.
* Reference codes are not secret and are matched directly.

Privacy trade-off (docs/staff-app.md): without the key the hashes reveal nothing directly,
but rows that share a hash share a name prefix or a phone number, the number of tokens
leaks the length of the name, and short prefixes (2 letters) have few possible values, so
someone with the database AND the key can test guesses quickly. The key
(``SEARCH_INDEX_KEY``) is kept apart from the encryption keys and the database; the
tokens are deleted together with the personal data.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

ENV_VAR = "SEARCH_INDEX_KEY"
KEY_FILE = "search_index.key"
MIN_PREFIX = 2
MAX_PREFIX = 24
MAX_QUERY_WORDS = 6
# Letters that Unicode decomposition does not split into a base letter + accent.
_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "æ": "ae", "œ": "oe",
                      "ß": "ss", "ĳ": "ij"})
_APOSTROPHES = re.compile(r"['’`´ʼ]")


@lru_cache(maxsize=8)
def _key(_location: str) -> bytes:
    from bot.privacy.keys import load_or_create_secret

    return load_or_create_secret(ENV_VAR, KEY_FILE).encode("utf-8")


def index_key() -> bytes:
    """``SEARCH_INDEX_KEY`` or a key generated once under VAR_DIR (cached per location)."""
    from bot.paths import var_dir

    return _key(os.environ.get(ENV_VAR) or str(var_dir()))


def _mac(purpose: str, value: str) -> str:
    return hmac.new(index_key(), f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()[:32]


# ------------------------------------------------------------------ normalisation
def fold(text: str | None) -> str:
    """Lower case without accents: 'Zoë Çelik-Øster' -> 'zoe celik-oster'."""
    text = unicodedata.normalize("NFKD", (text or "").casefold().translate(_FOLD))
    return "".join(c for c in text if not unicodedata.combining(c))


def name_words(text: str | None) -> list[str]:
    """The words of a name or query, folded; apostrophes are dropped ("D'Souza" -> "dsouza")
    and also read as a break ("d", "souza"), so both ways of typing it match."""
    folded = fold(text)
    words: list[str] = []
    for variant in (_APOSTROPHES.sub("", folded), _APOSTROPHES.sub(" ", folded)):
        for word in re.findall(r"[a-z0-9]+", variant):
            if word not in words:
                words.append(word)
    return words


def name_tokens(name: str | None) -> set[str]:
    """Index tokens of a stored name: hashes of every word prefix of MIN_PREFIX..MAX_PREFIX letters."""
    tokens: set[str] = set()
    for word in name_words(name):
        for end in range(MIN_PREFIX, min(len(word), MAX_PREFIX) + 1):
            tokens.add(_mac("name", word[:end]))
    return tokens


def query_tokens(query: str | None) -> list[str]:
    """Hashes to look up for a name query (words shorter than MIN_PREFIX are ignored)."""
    words = [w[:MAX_PREFIX] for w in name_words(query) if len(w) >= MIN_PREFIX][:MAX_QUERY_WORDS]
    # "d'souza" gives "dsouza", "d", "souza": the single letter is dropped, the rest must match.
    return list(dict.fromkeys(_mac("name", w) for w in words))


def tag(purpose: str, value: str) -> str:
    """A short keyed hash of a low-cardinality value (help area code) for filtering in SQL.

    Hides which value it is from someone without the key; frequencies still show."""
    return _mac(purpose, value)[:16]


def normalise_phone(text: str | None) -> str | None:
    """A Dutch (or international) phone number in any common notation as E.164; None when it is not one."""
    raw = (text or "").strip()
    digits = re.sub(r"\D", "", raw)
    if len(digits) < 9 or len(digits) > 15 or re.search(r"[a-zA-Z]", raw):
        return None
    candidate = re.sub(r"[^\d+]", "", raw)
    if candidate.startswith("00"):
        candidate = "+" + candidate[2:]
    try:
        number = phonenumbers.parse(candidate, "NL")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_index(phone: str | None) -> str | None:
    e164 = normalise_phone(phone)
    return _mac("phone", e164) if e164 else None


# ------------------------------------------------------------------ query classification
@dataclass(frozen=True)
class Query:
    text: str
    reference: str | None = None
    phone_hash: str | None = None
    name_hashes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.reference or self.phone_hash or self.name_hashes)


def parse_query(text: str | None) -> Query:
    """What a search box text can mean: a reference code, a phone number, or (part of) a name."""
    from bot.store.registrations import normalize_reference

    text = (text or "").strip()[:200]
    reference = normalize_reference(text)
    phone_hash = phone_index(text)
    names: tuple[str, ...] = ()
    if not phone_hash and not re.fullmatch(r"[\d\s+\-().]*", text):
        names = tuple(query_tokens(text))
    return Query(text=text, reference=reference, phone_hash=phone_hash, name_hashes=names)
