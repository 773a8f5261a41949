"""Redaction of personal data in free text."""

from __future__ import annotations

import pytest

from bot.privacy.redact import DATE, NAME, PHONE, POSTCODE, redact


@pytest.mark.parametrize(
    ("text", "leaked"),
    [
        ("Ik heet Fatima el Amrani en ik ben zwanger", "Fatima"),
        ("mijn naam is Sanne. Bel me op 06-12345678", "Sanne"),
        ("Mijn naam is Anne-Marie van der Berg.", "Berg"),
        ("noem me maar Lisa", "Lisa"),
        ("Ik ben Noor", "Noor"),
        ("bel 0612345678!", "0612345678"),
        ("+31 6 1234 5678", "1234 5678"),
        ("0031612345678", "612345678"),
        ("06 12 34 56 78", "34 56 78"),
        ("vast nummer 010-1234567", "1234567"),
        ("postcode 3072 AB", "3072"),
        ("ik woon op 3072ab", "3072"),
        ("uitgerekend op 12-03-2026", "12-03"),
        ("uitgerekend 15 maart 2026", "maart"),
        ("de baby komt op 3 mei", "3 mei"),
        ("2026-03-15", "2026-03-15"),
    ],
)
def test_personal_data_is_removed(text: str, leaked: str) -> None:
    assert leaked not in redact(text)


def test_ordinary_text_is_kept() -> None:
    for text in ["Ik ben zwanger van 20 weken", "ik heb schulden en geen huis", "in 2024 de baby", "hoi!"]:
        assert redact(text) == text


def test_known_values_are_removed_in_any_spelling() -> None:
    known = {"name": ["Fatima El Amrani"], "phone": ["+31612345678"], "postcode": ["3072 AB"], "date": ["2026-03-15"]}
    text = "Fatima hier, nummer 06 12345678 of +31612345678, 3072AB, amrani"
    out = redact(text, known)
    for leaked in ("Fatima", "Amrani", "amrani", "12345678", "3072"):
        assert leaked not in out
    assert NAME in out and PHONE in out and POSTCODE in out
    assert DATE in redact("Dank je, uitgerekend 2026-03-15", known)


def test_empty_and_none() -> None:
    assert redact(None) is None
    assert redact("") == ""
