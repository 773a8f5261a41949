"""Spelling and slang normalisation (bot/nlu/normaliser.py) with the real slang list and Dutch word list."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu.normaliser import Normaliser, load_slang, vocabulary_from, words

ROOT = Path(__file__).resolve().parents[2]
SLANG = load_slang(ROOT / "data" / "lexicon" / "slang.yml")
TRAINING = [
    "ik kan de kraamzorg niet betalen", "ik heb geen geld voor babyspullen", "babyspullen", "babyspullen kopen",
    "wat is home start", "homestart", "homestart aanmelden", "kan ik een babystartpakket krijgen",
    "ik ben zwanger", "mijn vriend is weg", "kramzorg vergoeding", "consultatiebureau", "consultatiebureau",
]
NORMALISER = Normaliser(vocabulary_from(TRAINING, SLANG), SLANG)


@pytest.mark.parametrize(("typed", "plain"), [
    ("ff vragen mn vriendin is zwnger", "even vragen mijn vriendin is zwanger"),
    ("wollah ik ben skeer mattie", "echt ik ben blut maat"),
    ("Heeeeel erg bedankt!!", "heel erg bedankt!!"),
    ("kan ik een babystarpakket krijgen", "kan ik een babystartpakket krijgen"),  # typo -> training word
    ("kraamzorgg", "kraamzorg"),
    ("ikben zwanger", "ik ben zwanger"),  # glued words split
    ("baby spullen", "babyspullen"),  # voice typing: one word in two halves (slang list)
    ("consultatie bureau", "consultatiebureau"),
    ("'t is ok, da's goed", "het is oké, dat is goed"),
    ("ik heb geen doekoe voor de kraam zorg", "ik heb geen geld voor de kraamzorg"),
    # Rotterdam, Moroccan-, Surinamese- and Turkish-Dutch chat words (issue 12)
    ("ewa kan iemand me ff bellen", "hoi kan iemand me even bellen"),
    ("wdym kanka", "wat bedoel je vriend"),
    ("wesh gwn geen doekoe voor fissa", "gewoon geen geld voor feest"),
    ("inshallah is mn waggie gemaakt", "hopelijk is mijn auto gemaakt"),
    ("ik heb paniek aanvallen sinds de bevalling", "ik heb paniekaanvallen sinds de bevalling"),
])
def test_typed_becomes_plain(typed: str, plain: str) -> None:
    assert NORMALISER.normalise(typed) == plain


@pytest.mark.parametrize("text", [
    "kramzorg vergoeding",  # a typo the training data has on purpose stays (the model knows it)
    "mijn postcode is 3072 ab, bel 06-12345678",  # numbers and short words stay
    "ik ben zwanger en mijn vriend is weg",  # "zwanger en" is never glued into "zwangeren"
])
def test_known_and_protected_text_stays(text: str) -> None:
    assert NORMALISER.normalise(text) == text


def test_short_and_foreign_words_are_not_forced_into_dutch() -> None:
    assert NORMALISER.correct("need") == "need"  # not "nee"
    assert NORMALISER.correct("xq") == "xq"


def test_slang_file_is_clean() -> None:
    assert SLANG, "empty slang list"
    for key, value in SLANG.items():
        assert key == key.lower() and key.strip() == key, key
        assert key != value, f"{key}: maps to itself"
    assert "kanker" not in SLANG  # a word with a medical meaning is never dropped


def test_words_keeps_inner_apostrophes() -> None:
    assert words("M'n vriend, da's fijn") == ["m'n", "vriend", "da's", "fijn"]


def test_normalising_is_fast() -> None:
    import time

    text = "ikben 7 maanden zwnger mn vriend is weg en ik heb geen doekoe voor de kraam zorg en baby spulen " * 3
    NORMALISER.normalise(text)
    start = time.perf_counter()
    for _ in range(20):
        NORMALISER.normalise(text + str(_))
    assert (time.perf_counter() - start) / 20 < 0.02


def test_slang_file_has_no_duplicate_keys() -> None:
    import re

    keys = re.findall(r"^  (\S.*?):", (ROOT / "data" / "lexicon" / "slang.yml").read_text(encoding="utf-8"), re.M)
    keys = [k.strip('"') for k in keys]
    assert len(keys) == len(set(keys)), sorted(k for k in set(keys) if keys.count(k) > 1)


@pytest.mark.parametrize("text", ["qwrtz plofmiep", "blarp zorgle fnuk", "asdfgh jklmnb", "xyzzy frobnicate wibble"])
def test_strings_of_letters_are_gibberish(text: str) -> None:
    assert NORMALISER.is_gibberish(text)


@pytest.mark.parametrize("text", [
    "kraamzrg zwnger",  # typos of words we know are recognised
    "ik ben zwanger", "ff vragen", "homestart", "ok", "ja", "3072 ab", "/greet",
    "Heeeeel erg bedankt", "consultatiebureau alsjeblieft", "hoe gaat het met je",
])
def test_words_with_typos_or_short_messages_are_not_gibberish(text: str) -> None:
    assert not NORMALISER.is_gibberish(text)
