"""Properties of parsers, validators, the safety net and content rendering on hostile input.

tests/fuzz/test_parsers_fuzz.py checks that nothing raises; here the results must also
make sense: a postcode is canonical, a phone number is E.164, redaction removes what it
was told to remove, rendering works for any slot values a tampered conversation can hold.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import phonenumbers
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.fuzz.strategies import hostile_text, json_value

FUZZ = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TODAY = dt.date(2026, 11, 23)


@FUZZ
@given(hostile_text)
def test_postcode_is_canonical_or_none(text: str) -> None:
    from bot.places.postcode import parse_postcode

    result = parse_postcode(text)
    assert result is None or re.fullmatch(r"[1-9]\d{3}( [A-Z]{2})?", result), result


@FUZZ
@given(hostile_text)
def test_phone_validator_gives_dutch_e164_or_a_dutch_reask(text: str) -> None:
    from bot.registration.validators import check_phone

    checked = check_phone(text)
    if checked.ok:
        assert re.fullmatch(r"\+31\d{9}", checked.value), checked.value
        assert phonenumbers.is_valid_number(phonenumbers.parse(checked.value))
    else:
        assert isinstance(checked.problem, str) and checked.problem.strip()


@pytest.mark.parametrize("number", ["0612345678", "06-12345678", "+31 6 12345678", "0031612345678", "010 267 26 53"])
def test_phone_validator_accepts_dutch_forms_inside_hostile_noise(number: str) -> None:
    from bot.registration.validators import check_phone

    assert check_phone(f"  {number} \u200b").ok


@FUZZ
@given(hostile_text)
def test_money_is_a_finite_decimal_or_none(text: str) -> None:
    from bot.parsing.money import parse_money

    parsed = parse_money(text)
    assert parsed.amount is None or (isinstance(parsed.amount, Decimal) and parsed.amount.is_finite())


@FUZZ
@given(hostile_text, st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2080, 12, 31)))
def test_pregnancy_timing_is_consistent(text: str, today: dt.date) -> None:
    from bot.parsing.dates import parse_pregnancy

    timing = parse_pregnancy(text, today)
    if timing is not None:
        assert isinstance(timing.weeks, int) and isinstance(timing.due_date, dt.date)


@FUZZ
@given(hostile_text)
def test_safety_net_category_is_known(text: str) -> None:
    from bot.safety import CATEGORIES, detect

    hit = detect(text)
    assert hit is None or hit.category in CATEGORIES


@pytest.mark.parametrize("noise", ["\u200b", "🤰", "<b>", "\x00", "'; DROP TABLE x;--"])
def test_safety_net_still_fires_through_hostile_noise(noise: str) -> None:
    from bot.safety import detect

    hit = detect(f"{noise} help ik bloed heel erg {noise}")
    assert hit is not None and hit.category == "life"


@FUZZ
@given(hostile_text)
def test_redaction_removes_known_values(text: str) -> None:
    from bot.privacy.redact import redact

    phone, postcode = "0612345678", "3011 AB"
    digits = re.sub(r"\D", "", text)
    assume("3011" not in digits and "1234" not in digits and "3011" not in text)
    out = redact(f"{text} mijn nummer is {phone} en postcode {postcode} {text}",
                 known={"phone": ["+31612345678"], "postcode": [postcode]})
    assert out is not None
    assert "12345678" not in re.sub(r"\D", "", out.replace(text, "")), out[:200]
    assert "3011 AB" not in out and "3011AB" not in out.replace(" ", "")


@FUZZ
@given(hostile_text, st.integers(min_value=1, max_value=4096))
def test_split_text_respects_the_limit_and_keeps_every_word(text: str, limit: int) -> None:
    from bot.channels.common import split_text

    parts = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.strip().split())


@FUZZ
@given(hostile_text)
def test_typed_text_never_becomes_a_payload(text: str) -> None:
    from bot.channels.common import typed_text

    assert not typed_text(text).startswith("/")


# ------------------------------------------------------------------------------ content rendering
@FUZZ
@given(json_value)
def test_card_validation_only_raises_content_errors(data: object) -> None:
    from bot.content import ContentError, validate_card

    try:
        validate_card(data, "fuzz.yml")
    except ContentError:
        pass


@FUZZ
@given(st.dictionaries(st.sampled_from(["name", "summary", "for_whom", "costs", "how_to_get", "contact"]),
                       hostile_text.filter(lambda s: not re.search(r"\d", s) and s.strip()), min_size=1))
def test_cards_render_whatever_text_an_editor_writes(fields: dict[str, str]) -> None:
    import dataclasses

    from bot.content import cards, render_detail, render_summary

    for card in list(cards().values())[:3]:
        changed = dataclasses.replace(card, **fields)
        for text, buttons in (render_summary(changed), render_detail(changed, "how"), render_detail(changed, "x")):
            messages = [text] if isinstance(text, str) else text  # a detail is a list of short messages
            assert messages and all(isinstance(m, str) and m.strip() for m in messages)
            assert all(isinstance(b["title"], str) and isinstance(b["payload"], str) for b in buttons)
            assert len(buttons) <= 3


REGISTRATION_SLOTS = st.dictionaries(
    st.sampled_from([
        "registration_name", "registration_phone", "registration_postcode", "registration_gebied",
        "registration_due", "registration_weeks", "registration_help", "registration_reachable",
    ]),
    json_value,
)


@FUZZ
@given(REGISTRATION_SLOTS)
def test_registration_summary_renders_any_validated_looking_slots(slots: dict) -> None:
    from bot.registration import fields as f
    from bot.registration.summary import render_summary

    # Slot names from the registration feature itself; values as the validators store them.
    real = {
        f.NAME: slots.get("registration_name") if isinstance(slots.get("registration_name"), str) else "Fatima",
        f.PHONE: "+31612345678",
        f.POSTCODE: "3011 AB",
        f.DUE: "2027-03-15",
        f.WEEKS: 28,
        f.HELP: [],
        f.REACHABLE: slots.get("registration_reachable") if isinstance(slots.get("registration_reachable"), str) else "",
    }
    text = render_summary(real)
    assert "Dit stuur ik" in text


@FUZZ
@given(st.dictionaries(st.sampled_from([
    "kz_in_rotterdam", "kz_insurance", "kz_household", "kz_income", "kz_debt_arrangement", "kz_savings",
    "kz_pregnancy", "kz_used_this_year", "kz_hours", "kz_other_adults", "kz_under_21", "kz_savings_amount"]),
    json_value))
def test_kraamzorg_outcome_renders_for_any_slot_values(slots: dict) -> None:
    from bot.kraamzorg.answers import answers_from_slots
    from bot.kraamzorg.render import render_outcome
    from bot.kraamzorg.rules import evaluate

    outcome = evaluate(answers_from_slots(slots), TODAY)
    lines = render_outcome(outcome)
    assert lines and all(isinstance(line, str) and line.strip() for line in lines)
