"""Finding 2: redaction recall per kind on the independent evaluation set (and on the developer's own
set), plus the cases the review named. Scored by bot.privacy.eval_redaction (the same command as
`python -m bot.privacy.eval_redaction`)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.privacy.eval_redaction import evaluate, leaked
from bot.privacy.redact import ADDRESS, EMAIL, IBAN, NAME, POSTCODE, redact
from bot.privacy.tracker_store import redact_user_text

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def independent() -> dict:
    return evaluate(yaml.safe_load((HERE / "pii_independent.yml").read_text(encoding="utf-8")), redact)


def test_the_independent_set_is_large_enough(independent) -> None:
    assert independent["overall"]["total"] >= 150


def test_recall_per_kind_on_the_independent_set(independent) -> None:
    low = {kind: row for kind, row in independent["recall"].items() if row["recall"] < 0.98}
    assert not low, (low, independent["misses"])


def test_never_a_phone_number_or_email_left(independent) -> None:
    for kind in ("phone", "email"):
        row = independent["recall"][kind]
        assert row["redacted"] == row["total"], [m for m in independent["misses"] if m["kind"] == kind]


def test_over_redaction_stays_small(independent) -> None:
    over = independent["over_redaction"]
    assert over["changed"] <= 0.1 * over["total"], independent["over_redacted"]


def test_the_developers_own_set_generalises() -> None:
    result = evaluate(yaml.safe_load((HERE / "pii_own.yml").read_text(encoding="utf-8")), redact)
    assert result["overall"]["recall"] >= 0.98, result["misses"]
    assert result["over_redaction"]["changed"] == 0, result["over_redacted"]


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        # the review's findings, with other values
        ("stuur maar naar joke.smits@ziggo.nl", "joke.smits"),
        ("ons adres is Hoofdweg 12a", "Hoofdweg"),
        ("rekening NL91 ABNA 0417 1643 00", "0417"),
        ("yvonne hier, vraagje", "yvonne"),
        ("Groetjes, Anouk", "Anouk"),
        ("Met Ilse Jansen hier", "Jansen"),
        ("mijn man heet Robin", "Robin"),
        ("mijn vriend is Yusuf", "Yusuf"),
        ("mijn moeder heet Trudy", "Trudy"),
        ("mijn naam is De Wit", "Wit"),
        ("ik heet Ben", "Ben"),
        ("postcode 3072 km", "3072"),
        ("3012 am is mijn postcode", "3012"),
    ],
)
def test_cases_named_in_the_review(text: str, gone: str) -> None:
    out = redact(text)
    assert gone.lower() not in out.lower(), out


def test_placeholders_name_the_kind() -> None:
    out = redact("Ik ben Kees, kees@mail.nl, Dorpsstraat 4, 3011 AB, NL02 ABNA 0123 4567 89")
    for placeholder in (NAME, EMAIL, ADDRESS, POSTCODE, IBAN):
        assert placeholder in out, out


def test_slash_prefix_before_a_brace_is_not_kept() -> None:
    """'/..{' used to keep everything before the brace in clear text."""
    intents = frozenset({"request_registration"})
    assert redact_user_text('/request_registration{"reg_name": "Fatima"}', {}, intents) == \
        "/request_registration{[verwijderd]}"
    for raw in ('/Fatima El Amrani{"x": 1}', '/fatima_el_amrani{"x": 1}', '/ik heet Fatima {'):
        out = redact_user_text(raw, {}, intents)
        assert "atima" not in out, out


def test_long_and_hostile_texts_stay_fast() -> None:
    import time

    for text in ("a" * 20000, "Jan " * 3000, "x.y@" * 3000, "woon op " * 2000):
        started = time.perf_counter()
        redact(text)
        assert time.perf_counter() - started < 3, text[:10]


def test_the_scorer_counts_partial_leaks() -> None:
    assert leaked("phone", "06 1234 5678", "bel 5678 of [telefoon] 1234") is False
    assert leaked("phone", "06 1234 5678", "bel 12345 of 678") is True
    assert leaked("phone", "06 12345 678", "bel 12345678")
    assert leaked("name", "Sanne de Vries", "[naam] de Vries")
    assert not leaked("name", "Ben", "ik ben [naam]", "ik ben Ben")
    assert leaked("email", "a.b @ x.nl", "mail a.b [e-mail]")
