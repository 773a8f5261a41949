"""Word lists for the redaction of names and addresses (nothing downloaded).

Built from installed packages the first time, then kept in ``models/lexicon/`` (git-ignored,
rebuilt when Faker or spacy-lookups-data change; the image builds it): loading takes milliseconds.

- first and last names: every Latin-script name in the person providers of Faker's locales
  (Dutch, Belgian, Turkish, Polish, Portuguese, Bulgarian, English, Indian, Nigerian, Kenyan,
  Ghanaian, Indonesian and many more: Rotterdam's parents come from everywhere);
- Dutch words: every word form in spaCy's Dutch lemma tables (``spacy-lookups-data``, already
  installed for the NLU), kept as a sorted array of 32-bit hashes (1.6 MB);
- places and organisations that are not names: Dutch cities, provinces and countries (Faker
  ``nl_NL``), and every capitalised word of the assistant's own content (``content/``, the
  responses in ``domain.yml``): wijken, gebieden, programmes, organisations.
"""

from __future__ import annotations

import array
import bisect
import gzip
import importlib
import json
import os
import pkgutil
import re
import unicodedata
import zlib
from functools import lru_cache
from pathlib import Path

from bot.paths import ROOT

_LATIN = re.compile(r"^[A-Za-zÀ-ɏḀ-ỿ'’\- ]+$")
# Function words and chat words: never a name, whatever a name list says (lower case).
FUNCTION_WORDS = frozenset("""
ik je jij u hij zij ze wij we jullie men mij me hem haar hen hun ons onze mijn m'n mn jouw uw zijn
de het een en of maar want dus als dan dat die dit deze wat wie waar wanneer hoe waarom welk welke
er hier daar nu al nog ook niet geen wel heel erg zo te van in op aan met voor naar bij uit om over
door tot na tegen zonder onder tussen sinds tijdens per via is ben bent was waren heb hebt heeft hebben
had hadden kan kun kunt kunnen wil wilt willen moet moeten mag mogen zal zou zouden ga gaat gaan doe
doet doen word wordt worden hoi hallo hey hee hi hello dag doei ja nee oke oké ok okay sorry dank
dankjewel dankuwel bedankt groetjes groet groeten liefs mvg xx xxx lol haha hahaha toch even eens
echt alleen samen allebei iedereen niemand iemand iets niets alles veel weinig meer minder zeer
graag alvast weer nog steeds altijd nooit soms vaak gisteren vandaag morgen straks zelf elk elke
the a an and or but to of in on at for with from my your our is are am was be it its it's this that
here there again thanks thank please plz pls yes no hi hey sent iphone android mail email e-mail
tel telefoon nummer mobiel adres postcode naam straat huisnummer geboren geboortedatum bsn iban
rekening rekeningnummer mevrouw meneer mw dhr mevr heer
""".split())
# Common adverbs and conjunctions (the lemma tables hold nouns, verbs and adjectives only).
ADVERBS = frozenset("""
vandaag gisteren morgen overmorgen eergisteren vanavond vannacht vanochtend vanmorgen vanmiddag straks later
eerder vroeg laat altijd nooit soms vaak meestal zelden snel graag misschien eigenlijk gewoon echt heel erg best
zeker even eens meteen direct samen alleen thuis buiten binnen boven beneden ergens nergens overal toen steeds
bijna ongeveer genoeg zoals omdat hoewel terwijl nadat voordat zodat tenzij totdat daarna daarom daardoor
daarmee daarvoor waarom waardoor hierdoor hiermee hiervoor inmiddels intussen alvast allang allemaal helemaal
natuurlijk gelukkig jammer trouwens overigens ook nog al weer wel niet zelfs toch maar dus want pas net nu dan
""".split())
# Particles inside a surname ("de Vries", "El Amrani", "'t Hart").
PARTICLES = frozenset({"de", "van", "der", "den", "het", "'t", "’t", "ter", "ten", "te", "el", "al", "la", "le",
                       "da", "di", "du", "dos", "das", "del", "della", "bin", "ibn", "ben", "op", "in", "von", "zu",
                       "st", "o'", "mac", "mc"})


def _latin_names(values) -> set[str]:
    out: set[str] = set()
    if isinstance(values, dict):  # some locales weight their names: {name: weight}
        values = list(values)
    if not isinstance(values, list | tuple | set | frozenset):
        return out
    for value in values:
        value = unicodedata.normalize("NFC", str(value)).strip()
        if value and _LATIN.match(value):
            for part in value.split():
                if len(part) >= 2:
                    out.add(part.lower())
    return out


def _build_names() -> dict[str, list[str]]:
    import faker.providers.person as person

    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        try:
            provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        except (ImportError, AttributeError):
            continue
        for attr in ("first_names", "first_names_female", "first_names_male", "first_names_nonbinary"):
            first |= _latin_names(getattr(provider, attr, None))
        last |= _latin_names(getattr(provider, "last_names", None))
    return {"first": sorted(first), "last": sorted(last)}


@lru_cache(maxsize=1)
def _faker_names() -> tuple[frozenset[str], frozenset[str]]:
    names = _cached()["names"]
    return frozenset(names["first"]), frozenset(set(names["last"]) - FUNCTION_WORDS - PARTICLES)


def first_names() -> frozenset[str]:
    """Lower-case first names that are not also function words."""
    return _first_names()


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    return _faker_names()[0] - FUNCTION_WORDS


def any_first_names() -> frozenset[str]:
    """Every lower-case first name, also those that are function words ('ben', 'wil')."""
    return _faker_names()[0]


def last_names() -> frozenset[str]:
    return _faker_names()[1]


def _word_hash(word: str) -> int:
    """A stable 32-bit hash (the table is cached on disk; Python's hash() changes per process)."""
    return zlib.crc32(word.encode("utf-8"))


def _lemma_tables() -> tuple[dict, dict]:
    import srsly
    from spacy_lookups_data import __file__ as data_init

    folder = Path(data_init).parent / "data"
    return (srsly.read_gzip_json(folder / "nl_lemma_lookup.json.gz"),
            srsly.read_gzip_json(folder / "nl_lemma_index.json.gz"))


def _build() -> dict:
    lookup, index = _lemma_tables()
    words: set[str] = set(lookup) | set(lookup.values())
    for lemmas in index.values():
        words.update(lemmas)
    from faker.providers.address.nl_NL import Provider as Address

    faker_places = sorted({w.lower() for value in [*Address.cities, *Address.countries, *Address.provinces]
                           for w in re.findall(r"[\w'’]+", value) if len(w) >= 3})
    return {
        "places": faker_places,
        "names": _build_names(),
        "dutch": array.array("I", sorted({_word_hash(w.lower()) for w in words})),
        "describing": sorted({w.lower() for pos in ("adj", "verb") for w in index.get(pos, ())}),
    }


def _cache_dir() -> Path:
    """Where the built lists are kept (models/ is git-ignored; rebuilt when a package changes)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        key = f"v2-faker{version('Faker')}-lookups{version('spacy-lookups-data')}"
    except PackageNotFoundError:
        key = "v2-unknown"
    return Path(os.environ.get("REDACT_LEXICON_CACHE") or ROOT / "models" / "lexicon") / key


@lru_cache(maxsize=1)
def _cached() -> dict:
    """The built lists, from the disk cache when there is one (milliseconds) or built (seconds)."""
    folder = _cache_dir()
    try:
        dutch = array.array("I")
        dutch.frombytes((folder / "dutch.u32").read_bytes())
        data = json.loads(gzip.decompress((folder / "words.json.gz").read_bytes()))
        return {"names": data["names"], "dutch": dutch, "describing": data["describing"], "places": data["places"]}
    except (OSError, ValueError, KeyError):
        pass
    built = _build()
    try:  # best effort: an image or a read-only checkout just builds in memory each time
        folder.mkdir(parents=True, exist_ok=True)
        for name, payload in (
            ("dutch.u32", built["dutch"].tobytes()),
            ("words.json.gz", gzip.compress(json.dumps(
                {k: built[k] for k in ("names", "describing", "places")}).encode("utf-8"))),
        ):
            tmp = folder / f".{name}.{os.getpid()}"
            tmp.write_bytes(payload)
            os.replace(tmp, folder / name)
    except OSError:
        pass
    return built


def _dutch_hashes() -> array.array:
    return _cached()["dutch"]


@lru_cache(maxsize=1)
def _describing_words() -> frozenset[str]:
    """Dutch adjectives and verbs (lemmas), which describe a state after 'ik ben' ('moe', 'bevallen')."""
    return frozenset(_cached()["describing"])


def is_describing_word(word: str) -> bool:
    """An adjective, verb or participle ('zwanger', 'verhuisd', 'getrouwd'): not a name after 'ik ben'."""
    word = word.lower()
    if word in _describing_words() or word in ADVERBS:
        return True
    if word.startswith("ge") and word.endswith(("d", "t", "en")) and len(word) > 5:
        return True  # a participle: 'getrouwd', 'gescheiden'
    return word.endswith(("d", "t")) and word[:-1] + "en" in _describing_words()


def _in_table(word: str) -> bool:
    table = _dutch_hashes()
    key = _word_hash(word)
    index = bisect.bisect_left(table, key)
    return index < len(table) and table[index] == key


def is_dutch_word(word: str) -> bool:
    """True when ``word`` (any case) is a Dutch word form in spaCy's lemma tables or a regular form
    of one (werkt -> werk/werken, gaat -> gaan, dochtertje -> dochter)."""
    word = word.lower()
    if word in FUNCTION_WORDS or word in ADVERBS or _in_table(word):
        return True
    candidates = []
    if word.endswith(("t", "d")) and len(word) > 3:
        stem = word[:-1]
        candidates += [stem, stem + "en", word[:-2] + "an", word[:-2] + "en"]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            candidates.append(stem[:-1] + "en")
    for suffix in ("tjes", "tje", "jes", "je", "s", "en"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            candidates.append(word[: -len(suffix)])
    return any(_in_table(c) for c in candidates)


_CAPITALISED = re.compile(r"\b[A-ZÀ-Þ][\w'’\-]+")
_PHRASE = re.compile(r"\b[A-ZÀ-Þ][\w'’\-]+(?:[ \t]+(?:(?:van|de|der|den|aan|op)[ \t]+)?[A-ZÀ-Þ][\w'’\-]+){1,3}")


def _content_texts() -> list[str]:
    texts = []
    for path in [ROOT / "domain.yml", *sorted((ROOT / "content").rglob("*.yml")), *sorted((ROOT / "content").rglob("*.csv"))]:
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except OSError:
            continue
    return texts


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Lower-case words of places and organisations, never redacted as a name on their own.

    Dutch cities, provinces and countries, and the capitalised words of the assistant's content
    that are not first names (a first name there, e.g. in a wijk's name, is covered by
    :func:`place_phrases`).
    """
    words: set[str] = set(_cached()["places"])
    content: set[str] = set()
    for text in _content_texts():
        content |= {w.lower() for w in _CAPITALISED.findall(text)}
    content |= {part for w in content if "-" in w for part in w.split("-") if len(part) >= 3}
    return frozenset(words | (content - first_names()))


@lru_cache(maxsize=1)
def place_phrases() -> frozenset[str]:
    """Lower-case names of several words from the content ('prins alexander', 'sleutel van rotterdam')."""
    phrases: set[str] = set()
    for text in _content_texts():
        phrases |= {" ".join(m.lower().split()) for m in _PHRASE.findall(text)}
    return frozenset(phrases)


def warm_up() -> None:
    """Build every list now (at start-up) instead of on the first message."""
    if os.environ.get("REDACT_LAZY_LEXICON"):
        return
    first_names()
    places()
    place_phrases()
    _dutch_hashes()
    _describing_words()
