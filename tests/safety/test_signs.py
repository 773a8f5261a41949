"""The warning-sign content (content/safety/): every sign is sourced, every rule says what it
catches, and every sign's own examples give its tier (and its not_examples do not)."""

from __future__ import annotations

import pytest

from bot.safety import assess
from bot.safety.lexicon import lexicon
from bot.safety.rules import SIGN_FILES, signs
from bot.safety.tiers import EMERGENCY_TIERS, MAYBE

SIGNS = signs()


def test_every_tier_has_signs_with_sources() -> None:
    assert {s.tier for s in SIGNS} == set(SIGN_FILES) == {*EMERGENCY_TIERS, MAYBE}
    for sign in SIGNS:
        assert sign.sources and all(src["url"].startswith("https://") for src in sign.sources), sign.id
        assert all(rule.catches for rule in sign.rules), sign.id


def test_every_emergency_sign_has_examples() -> None:
    assert all(sign.examples for sign in SIGNS if sign.tier in EMERGENCY_TIERS)


@pytest.mark.parametrize("sign", SIGNS, ids=lambda s: f"{s.tier}/{s.id}")
def test_examples_give_the_tier(sign) -> None:
    wrong = [(e, assess(e).tier) for e in sign.examples if assess(e).tier != sign.tier]
    assert not wrong, wrong


@pytest.mark.parametrize("sign", [s for s in SIGNS if s.not_examples], ids=lambda s: f"{s.tier}/{s.id}")
def test_not_examples_do_not(sign) -> None:
    wrong = [(e, assess(e).tier) for e in sign.not_examples
             if assess(e).tier == sign.tier or (sign.tier != MAYBE and assess(e).is_emergency)]
    assert not wrong, wrong


def test_every_concept_is_described_and_used() -> None:
    lex = lexicon()
    assert all(desc.strip() for desc in lex.concepts.values())
    used = {p for s in SIGNS for r in s.rules for t in r.terms for c in t.concepts | t.excluded for p in c.split("&")} | {
        c for s in SIGNS for r in s.rules for c in r.unless}
    helpers = {"NEG", "LESS", "MILD", "READ", "PAST", "HYPO", "BAD", "GOOD", "END", "NOT_PREGNANT", "NOW", "RESOLVED",
               "IDIOM"}
    unused = set(lex.concepts) - used - helpers
    assert not unused, f"concepts no rule uses: {sorted(unused)}"
