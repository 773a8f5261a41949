"""Fast checks on the NLU training data and the held-out set (no training).

- every intent in domain.yml that a parent can type has >= 20 training examples
  (checked for the intents whose data file exists, so features still in progress
  do not break the suite);
- no example belongs to two intents;
- no held-out example appears in the training data (after normalising).
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "data" / "nlu"
HOLDOUT_DIR = ROOT / "tests" / "nlu"
MIN_EXAMPLES = 20
# Intents set only by buttons or deterministically never need typed examples.
BUTTON_ONLY: set[str] = {"several_needs", "bare_number"}  # set by bot/nlu/interpret.py
# Intents this suite always requires (basics, safety, offerings); the other features'
# intents are checked once their data file exists.
OWNED_FILES = ("basics.yml", "offerings.yml", "safety.yml", "referrals.yml", "wellbeing.yml", "followups.yml")


def normalise(text: str) -> str:
    """Lower case, no punctuation, single spaces: the form used to compare examples."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [value](entity) -> value
    text = re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", text)
    text = re.sub(r"[^\w\s]", " ", text.lower())
    return re.sub(r"\s+", " ", text).strip()


def _examples(path: Path) -> dict[str, list[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: dict[str, list[str]] = defaultdict(list)
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                found[block["intent"]].append(line[2:].strip())
    return found


def _merge(paths: list[Path]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        for intent, examples in _examples(path).items():
            merged[intent].extend(examples)
    return merged


@lru_cache(maxsize=1)
def training() -> dict[str, list[str]]:
    return _merge(sorted(NLU_DIR.glob("*.yml")))


@lru_cache(maxsize=1)
def holdout() -> dict[str, list[str]]:
    return _merge(sorted(HOLDOUT_DIR.glob("*.yml")))


@lru_cache(maxsize=1)
def domain_intents() -> list[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]]


@lru_cache(maxsize=1)
def owned_intents() -> set[str]:
    return set().union(*(_examples(NLU_DIR / name).keys() for name in OWNED_FILES))


def test_owned_files_cover_basics_safety_and_offerings() -> None:
    intents = set(domain_intents())
    expected = {i for i in intents if i.startswith(("info_", "safety_"))} | {
        "greet", "goodbye", "thank", "bot_challenge", "ask_capabilities", "request_human", "affirm",
        "deny", "stop", "out_of_scope", "none_of_these", "feel_lonely", "offering_how", "offering_for_whom",
    }
    assert expected <= owned_intents(), sorted(expected - owned_intents())


@pytest.mark.parametrize("intent", sorted(set(domain_intents()) - BUTTON_ONLY))
def test_enough_examples(intent: str) -> None:
    examples = training().get(intent, [])
    if intent not in owned_intents() and not examples:
        pytest.skip(f"no training data for {intent} yet (owned by another feature)")
    assert len(examples) >= MIN_EXAMPLES, f"{intent}: {len(examples)} examples"


def test_training_intents_exist_in_domain() -> None:
    unknown = set(training()) - set(domain_intents())
    assert not unknown, f"intents in data/nlu but not in domain.yml: {sorted(unknown)}"


def test_no_example_in_two_intents() -> None:
    owner: dict[str, str] = {}
    clashes = []
    for intent, examples in training().items():
        for example in examples:
            key = normalise(example)
            if key in owner and owner[key] != intent:
                clashes.append((example, owner[key], intent))
            owner.setdefault(key, intent)
    assert not clashes, clashes


def test_no_duplicates_within_an_intent() -> None:
    """Within the files this suite owns (others may list button titles twice on purpose)."""
    dupes = []
    for intent, examples in _merge([NLU_DIR / name for name in OWNED_FILES]).items():
        seen: set[str] = set()
        for example in examples:
            key = normalise(example)
            if key in seen:
                dupes.append((intent, example))
            seen.add(key)
    assert not dupes, dupes


def test_holdout_not_in_training() -> None:
    train_keys = {normalise(e) for examples in training().values() for e in examples}
    leaked = [(i, e) for i, examples in holdout().items() for e in examples if normalise(e) in train_keys]
    assert not leaked, leaked


def test_holdout_covers_every_intent() -> None:
    data = holdout()
    for intent in owned_intents():
        assert len(data.get(intent, [])) >= 3, intent
    for intent in ("kraamzorg_check", "request_registration", "withdraw_registration", "find_group"):
        assert len(data.get(intent, [])) >= 5, intent
    assert sum(len(v) for v in data.values()) >= 200
    assert set(data) <= set(domain_intents()), sorted(set(data) - set(domain_intents()))


# Common short phrases that were training examples before independent set 1 was written
# (the writer never saw them; they coincide). Nothing may be added to this list.
OLDER_THAN_THE_SET = {
    "wat is de sleutel van rotterdam", "hoe regel ik kraamzorg", "kan ik de eigen bijdrage van de kraamzorg terugkrijgen",
    "ik kan de kraamzorg niet betalen", "ik wil me aanmelden", "ik wil een mens spreken", "hallo", "goedemorgen",
    "hoi hoi", "dank je wel", "tot ziens", "wie ben jij", "ja", "nee", "help", "hulp", "kraamzorg",
    # written by colleagues while the set was being written, without seeing it (common phrases;
    # several are quoted in issue 12 itself)
    "wat kost een kraamhotel", "wanneer krijg ik kinderbijslag", "hoe vraag ik zorgtoeslag aan",
    "waar moet ik mijn baby aangeven", "wanneer begint mijn zwangerschapsverlof",
    "hoe maak ik een afspraak bij het consultatiebureau", "wat is het cjg", "miskraam", "mijn baby is overleden",
    "ik voel me zo somber sinds de bevalling",
}


def test_independent_set_not_in_training() -> None:
    """The independent evaluation set (tests/nlu/independent*.yml) never leaks into data/nlu."""
    train_keys = {normalise(e) for examples in training().values() for e in examples}
    leaked = []
    for path in sorted(HOLDOUT_DIR.glob("independent*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        items = data.get("messages", []) if isinstance(data, dict) else data
        leaked += [i["text"] for i in items
                   if normalise(str(i.get("text"))) in train_keys - OLDER_THAN_THE_SET - {""}]
    assert not leaked, leaked


def test_normalise() -> None:
    assert normalise("Hoi, hoe GAAT het?!") == "hoi hoe gaat het"
    assert normalise("ik woon in [Charlois](wijk)") == "ik woon in charlois"
