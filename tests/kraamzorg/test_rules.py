"""Table-driven tests of the kraamzorg rules (bot/kraamzorg/rules.py) and their texts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal

import pytest

from bot.kraamzorg.render import main_reason, render_outcome, render_parts
from bot.kraamzorg.rules import (
    Answers,
    Income,
    Insurance,
    Kind,
    Pregnancy,
    YesNo,
    capacity_to_pay,
    evaluate,
    relevant_questions,
)
from bot.kraamzorg.tables import Household, tables
from bot.readability import check_text

D = Decimal
# One date in each norm period, with the norms from FACTS.md (single, single parent, couple).
PERIODS = [
    (dt.date(2025, 3, 10), {"single": "1345.45", "single_parent": "1345.45", "couple": "1922.07"}),
    (dt.date(2025, 9, 1), {"single": "1369.06", "single_parent": "1369.06", "couple": "1955.80"}),
    (dt.date(2026, 11, 23), {"single": "1401.50", "single_parent": "1401.50", "couple": "2002.13"}),
]
CASES = [(day, Household(h), D(norm)) for day, norms in PERIODS for h, norm in norms.items()]
TODAY = dt.date(2026, 11, 23)


def eligible(day: dt.date = TODAY, household: Household = Household.SINGLE, **changes) -> Answers:
    """Answers that qualify, due in the same calendar year as ``day``; override with ``changes``."""
    base = Answers(
        in_rotterdam=YesNo.YES, insurance=Insurance.BASIC_ONLY, household=household,
        income=Income(D("1000")), debt_arrangement=None, savings_above_limit=YesNo.NO,
        pregnancy=Pregnancy("due", dt.date(day.year, 12, 31)), used_this_year=YesNo.NO, hours=None,
        other_adults=YesNo.NO, under_21=YesNo.NO,
    )
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize(("day", "household", "norm"), CASES, ids=lambda v: str(v))
def test_income_exactly_110_percent_qualifies_one_cent_more_is_the_band(
    day: dt.date, household: Household, norm: Decimal
) -> None:
    assert tables().norm_for(household, day).amount == norm
    at_limit = evaluate(eligible(day, household, income=Income(norm * D("1.10"))), day)
    assert at_limit.kind == Kind.LIKELY_ELIGIBLE
    assert "income_up_to_110" in at_limit.rule_ids
    assert at_limit.capacity is None
    assert at_limit.estimated_reimbursement == D("200")

    above = evaluate(eligible(day, household, income=Income(norm * D("1.10") + D("0.01")),
                              debt_arrangement=YesNo.NO), day)
    assert "income_up_to_110" not in above.rule_ids
    assert "income_band" in above.rule_ids
    assert above.capacity == D("0.06")  # 50% x 0.01 x 12 months
    assert above.estimated_reimbursement == D("199.94")
    assert above.kind == Kind.LIKELY_ELIGIBLE


@pytest.mark.parametrize(("day", "household", "norm"), CASES, ids=lambda v: str(v))
def test_150_percent_boundary(day: dt.date, household: Household, norm: Decimal) -> None:
    at_150 = evaluate(eligible(day, household, income=Income(norm * D("1.50")), debt_arrangement=YesNo.NO), day)
    assert at_150.kind == Kind.LIKELY_NOT_ELIGIBLE
    assert "income_band_no_capacity" in at_150.rule_ids  # 50% x 40% of the norm x 12 is far above EUR 200
    above = evaluate(eligible(day, household, income=Income(norm * D("1.50") + D("0.01")),
                              debt_arrangement=YesNo.NO), day)
    assert above.kind == Kind.LIKELY_NOT_ELIGIBLE
    assert "income_above_150" in above.rule_ids


@pytest.mark.parametrize(
    ("excess", "hours", "capacity", "reimbursement", "kind", "rule"),
    [
        ("10", None, "60.00", "140.00", Kind.LIKELY_ELIGIBLE, "income_band"),  # 49 h x 5.40 = 264.60 -> cap 200
        ("25", None, "150.00", "50.00", Kind.LIKELY_ELIGIBLE, "income_band"),
        ("25", 24, "150.00", "0.00", Kind.LIKELY_NOT_ELIGIBLE, "income_band_no_reimbursement"),  # 24 h = 129.60
        ("33.33", None, "199.98", "0.02", Kind.LIKELY_ELIGIBLE, "income_band"),
        ("33.34", None, "200.04", "0.00", Kind.LIKELY_NOT_ELIGIBLE, "income_band_no_capacity"),
    ],
)
def test_band_between_110_and_150_percent(excess, hours, capacity, reimbursement, kind, rule) -> None:
    norm = D("1401.50")
    answers = eligible(income=Income(norm * D("1.10") + D(excess)), debt_arrangement=YesNo.NO, hours=hours)
    outcome = evaluate(answers, TODAY)
    assert outcome.capacity == D(capacity)
    assert outcome.estimated_reimbursement == D(reimbursement)
    assert outcome.kind == kind
    assert rule in outcome.rule_ids


def test_capacity_formula_art_10_3() -> None:
    t = tables()
    assert capacity_to_pay(D("1000"), D("1000"), t) == D("0.00")
    assert capacity_to_pay(D("1100"), D("1000"), t) == D("0.00")
    assert capacity_to_pay(D("1200"), D("1000"), t) == D("600.00")  # 0.5 x 100 x 12


def test_bijstand_qualifies_on_income() -> None:
    outcome = evaluate(eligible(income=Income(receives_bijstand=True)), TODAY)
    assert outcome.kind == Kind.LIKELY_ELIGIBLE
    assert "income_bijstand" in outcome.rule_ids
    assert outcome.estimated_reimbursement == D("200")


@pytest.mark.parametrize("household", list(Household))
def test_savings_above_the_limit_without_amount_cannot_tell(household: Household) -> None:
    outcome = evaluate(eligible(household=household, savings_above_limit=YesNo.YES), TODAY)
    assert outcome.kind == Kind.CANNOT_TELL  # art. 10.4: only the excess counts, so the amount matters
    assert "savings_above_limit" in outcome.rule_ids
    assert [m.field for m in outcome.missing] == ["savings_amount"]
    said_unknown = evaluate(eligible(household=household, savings_above_limit=YesNo.YES,
                                     savings_amount_unknown=True), TODAY)
    assert said_unknown.kind == Kind.CANNOT_TELL


# Asset limits from FACTS.md (Normenbrief 1 januari 2026): single 8,000; single parent and couple 16,000.
LIMITS = [(Household.SINGLE, D("8000")), (Household.SINGLE_PARENT, D("16000")), (Household.COUPLE, D("16000"))]


@pytest.mark.parametrize(("household", "limit"), LIMITS, ids=lambda v: str(v))
@pytest.mark.parametrize(
    ("over", "assets", "reimbursement", "kind", "rule"),
    [
        ("0", "0.00", "200.00", Kind.LIKELY_ELIGIBLE, "savings_not_above"),  # exactly the limit: nothing counts
        ("0.01", "0.01", "199.99", Kind.LIKELY_ELIGIBLE, "savings_excess"),
        ("150", "150.00", "50.00", Kind.LIKELY_ELIGIBLE, "savings_excess"),
        ("199.99", "199.99", "0.01", Kind.LIKELY_ELIGIBLE, "savings_excess"),
        ("200", "200.00", "0.00", Kind.LIKELY_NOT_ELIGIBLE, "savings_no_capacity"),
        ("2000", "2000.00", "0.00", Kind.LIKELY_NOT_ELIGIBLE, "savings_no_capacity"),
    ],
)
def test_only_savings_above_the_limit_count_art_10_4(household, limit, over, assets, reimbursement, kind, rule) -> None:
    answers = eligible(household=household, savings_above_limit=YesNo.YES, savings_amount=limit + D(over))
    outcome = evaluate(answers, TODAY)
    assert outcome.asset_capacity == D(assets)
    assert outcome.estimated_reimbursement == D(reimbursement)
    assert outcome.kind == kind
    assert rule in outcome.rule_ids
    assert "{" not in "\n".join(render_outcome(outcome))


def test_savings_excess_adds_to_the_income_capacity() -> None:
    norm = D("1401.50")
    answers = eligible(income=Income(norm * D("1.10") + D("10")), debt_arrangement=YesNo.NO,
                       savings_above_limit=YesNo.YES, savings_amount=D("8100"))
    outcome = evaluate(answers, TODAY)
    assert (outcome.capacity, outcome.asset_capacity) == (D("60.00"), D("100.00"))
    assert outcome.estimated_reimbursement == D("40.00")  # 200 - 60 - 100
    assert outcome.kind == Kind.LIKELY_ELIGIBLE
    more = evaluate(dataclasses.replace(answers, savings_amount=D("8140")), TODAY)
    assert more.estimated_reimbursement == D("0.00")
    assert more.kind == Kind.LIKELY_NOT_ELIGIBLE
    assert "savings_no_reimbursement" in more.rule_ids


def test_savings_excess_with_bijstand() -> None:
    outcome = evaluate(eligible(income=Income(receives_bijstand=True), savings_above_limit=YesNo.YES,
                                savings_amount=D("8050")), TODAY)
    assert outcome.estimated_reimbursement == D("150.00")
    assert outcome.kind == Kind.LIKELY_ELIGIBLE


@pytest.mark.parametrize(("field", "rule"), [("other_adults", "norm_other_adults"), ("under_21", "norm_under_21")])
@pytest.mark.parametrize("income", ["1000", "1541.65", "1560"])  # with the table norm: a reimbursement
def test_other_norm_cannot_tell_up_to_150_percent(field: str, rule: str, income: str) -> None:
    outcome = evaluate(eligible(income=Income(D(income)), debt_arrangement=YesNo.NO, **{field: YesNo.YES}), TODAY)
    assert outcome.kind == Kind.CANNOT_TELL
    assert rule in outcome.rule_ids
    assert "other_norm" in [m.field for m in outcome.missing]
    assert outcome.estimated_reimbursement is None
    assert "age_note" not in outcome.rule_ids  # the '21 to AOW' norm is not the one that applies


@pytest.mark.parametrize("field", ["other_adults", "under_21"])
def test_other_norm_does_not_change_clear_outcomes(field: str) -> None:
    above = evaluate(eligible(income=Income(D("2102.26")), debt_arrangement=YesNo.NO, **{field: YesNo.YES}), TODAY)
    assert above.kind == Kind.LIKELY_NOT_ELIGIBLE  # above 150% of the table norm: above any lower norm too
    assert "income_above_150" in above.rule_ids
    bijstand = evaluate(eligible(income=Income(receives_bijstand=True), **{field: YesNo.YES}), TODAY)
    assert bijstand.kind == Kind.LIKELY_ELIGIBLE
    no_capacity = evaluate(eligible(income=Income(D("2000")), debt_arrangement=YesNo.NO, **{field: YesNo.YES}), TODAY)
    assert no_capacity.kind == Kind.LIKELY_NOT_ELIGIBLE  # capacity with the table norm is already above EUR 200


@pytest.mark.parametrize("field", ["other_adults", "under_21"])
def test_other_norm_question_unknown_or_unasked_cannot_tell(field: str) -> None:
    unknown = evaluate(eligible(**{field: YesNo.UNKNOWN}), TODAY)
    assert unknown.kind == Kind.CANNOT_TELL
    assert field in [m.field for m in unknown.missing]
    unasked = evaluate(eligible(**{field: None}), TODAY)
    assert unasked.kind == Kind.CANNOT_TELL


def test_other_norm_questions_only_for_an_income_up_to_150_percent() -> None:
    asked = relevant_questions(eligible(other_adults=None, under_21=None), TODAY)
    assert asked[4:6] == ["other_adults", "under_21"]
    assert "under_21" not in relevant_questions(eligible(other_adults=YesNo.YES), TODAY)
    for income in (Income(receives_bijstand=True), Income(), Income(D("2102.26"))):
        questions = relevant_questions(eligible(income=income, debt_arrangement=YesNo.NO), TODAY)
        assert "other_adults" not in questions and "under_21" not in questions


def test_savings_amount_is_asked_only_above_the_limit() -> None:
    assert "savings_amount" not in relevant_questions(eligible(), TODAY)
    above = relevant_questions(eligible(savings_above_limit=YesNo.YES), TODAY)
    assert above[above.index("savings") + 1] == "savings_amount"
    settled = eligible(savings_above_limit=YesNo.YES, savings_amount=D("9000"))
    assert relevant_questions(settled, TODAY)[-1] == "savings_amount"  # EUR 1,000 above the limit: settled


def test_rotterdampakket_compact_is_checked_not_covered() -> None:
    outcome = evaluate(eligible(insurance=Insurance.ROTTERDAMPAKKET_COMPACT), TODAY)
    assert outcome.kind == Kind.CHECK_SUPPLEMENTARY_INSURANCE
    assert outcome.bijstand_kind == Kind.LIKELY_ELIGIBLE
    assert "rotterdampakket_compact" in outcome.rule_ids
    assert "polis" in "\n".join(render_outcome(outcome))
    covered = "\n".join(render_outcome(evaluate(Answers(in_rotterdam=YesNo.YES,
                                                        insurance=Insurance.ROTTERDAMPAKKET), TODAY)))
    assert "Compact" in covered and "polis" in covered


def test_holiday_allowance_is_explained_with_the_norm() -> None:
    assert "vakantiegeld" in "\n".join(render_outcome(evaluate(eligible(), TODAY)))


def test_savings_unknown_cannot_tell_and_names_the_limit() -> None:
    outcome = evaluate(eligible(household=Household.COUPLE, savings_above_limit=YesNo.UNKNOWN), TODAY)
    assert outcome.kind == Kind.CANNOT_TELL
    assert [m.field for m in outcome.missing] == ["savings"]
    assert "€ 16.000" in outcome.missing[0].text


@pytest.mark.parametrize("income", ["2200", "3100"])  # band and above 150% for a single person
def test_debt_arrangement_counts_debts(income: str) -> None:
    without = evaluate(eligible(income=Income(D(income)), debt_arrangement=YesNo.NO), TODAY)
    assert without.kind == Kind.LIKELY_NOT_ELIGIBLE
    with_debts = evaluate(eligible(income=Income(D(income)), debt_arrangement=YesNo.YES), TODAY)
    assert with_debts.kind == Kind.LIKELY_ELIGIBLE
    assert "debt_arrangement" in with_debts.rule_ids
    assert with_debts.estimated_reimbursement is None  # depends on the arrangement


def test_debt_arrangement_irrelevant_up_to_110_percent() -> None:
    outcome = evaluate(eligible(income=Income(D("1200")), debt_arrangement=YesNo.YES), TODAY)
    assert "debt_arrangement" not in outcome.rule_ids
    assert "debt_arrangement" not in relevant_questions(eligible(income=Income(D("1200"))), TODAY)


def test_debt_unknown_is_noted_but_not_decisive() -> None:
    outcome = evaluate(eligible(income=Income(D("3100")), debt_arrangement=YesNo.UNKNOWN), TODAY)
    assert outcome.kind == Kind.LIKELY_NOT_ELIGIBLE
    assert [m.field for m in outcome.missing] == ["debt_arrangement"]


def test_already_used_this_year() -> None:
    outcome = evaluate(eligible(used_this_year=YesNo.YES), TODAY)
    assert outcome.kind == Kind.LIKELY_NOT_ELIGIBLE
    assert "already_used_this_year" in outcome.rule_ids


def test_used_this_year_does_not_count_when_due_next_year() -> None:
    answers = eligible(used_this_year=YesNo.YES, pregnancy=Pregnancy("due", dt.date(2027, 2, 1)))
    outcome = evaluate(answers, TODAY)
    assert outcome.kind == Kind.LIKELY_ELIGIBLE
    assert "used_next_year" in outcome.rule_ids
    assert "used_this_year" not in relevant_questions(answers, TODAY)


def test_not_in_rotterdam() -> None:
    outcome = evaluate(Answers(in_rotterdam=YesNo.NO), TODAY)
    assert outcome.kind == Kind.LIKELY_NOT_ELIGIBLE
    assert outcome.rule_ids == ["not_in_rotterdam"]
    assert relevant_questions(Answers(in_rotterdam=YesNo.NO), TODAY) == ["in_rotterdam"]


def test_rotterdampakket_is_covered_and_ends_the_check() -> None:
    answers = Answers(in_rotterdam=YesNo.YES, insurance=Insurance.ROTTERDAMPAKKET)
    assert evaluate(answers, TODAY).kind == Kind.COVERED_ROTTERDAMPAKKET
    assert relevant_questions(answers, TODAY) == ["in_rotterdam", "insurance"]


@pytest.mark.parametrize("bijstand_kind", [Kind.LIKELY_ELIGIBLE, Kind.LIKELY_NOT_ELIGIBLE])
def test_other_supplementary_insurance_check_it_first(bijstand_kind: Kind) -> None:
    used = YesNo.NO if bijstand_kind == Kind.LIKELY_ELIGIBLE else YesNo.YES
    outcome = evaluate(eligible(insurance=Insurance.OTHER_SUPPLEMENTARY, used_this_year=used), TODAY)
    assert outcome.kind == Kind.CHECK_SUPPLEMENTARY_INSURANCE
    assert outcome.bijstand_kind == bijstand_kind


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"income": Income()}, "income"),
        ({"in_rotterdam": YesNo.UNKNOWN}, "in_rotterdam"),
        ({"used_this_year": YesNo.UNKNOWN}, "used_this_year"),
        ({"household": None}, "household"),
    ],
)
def test_missing_information_cannot_tell(changes: dict, field: str) -> None:
    outcome = evaluate(eligible(**changes), TODAY)
    assert outcome.kind == Kind.CANNOT_TELL
    assert field in [m.field for m in outcome.missing]


def test_unknown_insurance_is_a_tip_not_a_blocker() -> None:
    outcome = evaluate(eligible(insurance=Insurance.UNKNOWN), TODAY)
    assert outcome.kind == Kind.LIKELY_ELIGIBLE
    assert [(m.field, m.critical) for m in outcome.missing] == [("insurance", False)]


def test_no_norm_for_the_date_cannot_tell() -> None:
    day = dt.date(2024, 6, 1)
    outcome = evaluate(eligible(day), day)
    assert outcome.kind == Kind.CANNOT_TELL
    assert "norm_unknown" in outcome.rule_ids


def test_norm_is_the_one_in_force_on_the_date_of_the_check() -> None:
    income = Income(D("1520"))  # above 110% of the 2025-07 single norm (1505.97), below 2026 (1541.65)
    assert "income_band" in evaluate(eligible(dt.date(2025, 12, 31), income=income, debt_arrangement=YesNo.NO),
                                     dt.date(2025, 12, 31)).rule_ids
    assert "income_up_to_110" in evaluate(eligible(dt.date(2026, 1, 1), income=income), dt.date(2026, 1, 1)).rule_ids


def test_own_contribution_uses_latest_rate_and_says_which_year() -> None:
    outcome = evaluate(eligible(), TODAY)
    assert (outcome.hours, outcome.hours_assumed) == (49, True)
    assert (outcome.rate.year, outcome.rate.wanted_year, outcome.rate.exact) == (2025, 2026, False)
    assert outcome.own_contribution == D("264.60")
    text = "\n".join(render_outcome(outcome))
    assert "tarief voor 2026 ken ik nog niet" in text and "tarief van 2025" in text
    day = dt.date(2024, 5, 1)
    older = evaluate(eligible(day, hours=60), day)
    assert (older.rate.year, older.rate.exact, older.own_contribution) == (2024, True, D("306.00"))


def test_below_minimum_own_contribution_is_explained() -> None:
    outcome = evaluate(eligible(hours=9), TODAY)  # 9 x 5.40 = 48.60 < 50 (art. 6.3)
    assert outcome.kind == Kind.LIKELY_NOT_ELIGIBLE
    reason = next(r for r in outcome.reasons if r.rule == "below_min_own_contribution")
    assert "€ 50" in reason.text and "€ 48,60" in reason.text


def test_question_flow() -> None:
    full = ["in_rotterdam", "insurance", "household", "income", "other_adults", "under_21", "debt_arrangement",
            "savings", "pregnancy", "used_this_year", "hours"]
    assert relevant_questions(Answers(), TODAY) == full
    low = eligible(income=Income(D("1000")))
    assert relevant_questions(low, TODAY) == [q for q in full if q != "debt_arrangement"]
    high = eligible(income=Income(D("3100")), debt_arrangement=YesNo.NO, savings_above_limit=None)
    assert relevant_questions(high, TODAY) == full[:4] + ["debt_arrangement"]  # settled: the rest no longer matters
    big_savings = eligible(savings_above_limit=YesNo.YES, savings_amount=D("50000"))
    assert relevant_questions(big_savings, TODAY) == full[:6] + ["savings", "savings_amount"]
    used = eligible(used_this_year=YesNo.YES)
    assert relevant_questions(used, TODAY) == [q for q in full if q not in ("debt_arrangement", "hours")]
    small_band = eligible(income=Income(D("1541.65") + D("25")), debt_arrangement=YesNo.NO, hours=24)
    assert relevant_questions(small_band, TODAY)[-1] == "hours"  # hours can still change the outcome


def _all_outcomes() -> list:
    return [
        evaluate(eligible(), TODAY),
        evaluate(eligible(income=Income(D("1560")), debt_arrangement=YesNo.NO), TODAY),
        evaluate(eligible(income=Income(D("3000")), debt_arrangement=YesNo.YES), TODAY),
        evaluate(eligible(income=Income(D("3000")), debt_arrangement=YesNo.UNKNOWN), TODAY),
        evaluate(eligible(savings_above_limit=YesNo.UNKNOWN, pregnancy=Pregnancy("unknown")), TODAY),
        evaluate(eligible(pregnancy=Pregnancy("born")), TODAY),
        evaluate(eligible(insurance=Insurance.OTHER_SUPPLEMENTARY), TODAY),
        evaluate(eligible(used_this_year=YesNo.YES), TODAY),
        evaluate(Answers(in_rotterdam=YesNo.NO), TODAY),
        evaluate(Answers(in_rotterdam=YesNo.YES, insurance=Insurance.ROTTERDAMPAKKET), TODAY),
        evaluate(eligible(dt.date(2024, 6, 1)), dt.date(2024, 6, 1)),
        evaluate(eligible(hours=9), TODAY),
    ]


@pytest.mark.parametrize("outcome", _all_outcomes(), ids=lambda o: o.kind.value)
def test_rendered_result_is_complete_and_invents_nothing(outcome) -> None:
    parts = render_parts(outcome)
    messages = parts.all_messages
    text = "\n".join(messages)
    assert "{" not in text and "}" not in text
    assert "http" not in text and "www" not in text
    phones = re.findall(r"\b0\d{2,3}[ -]?\d{3}[ -]?\d{2}[ -]?\d{2}\b|\b0800[ -]?\d{4}\b", text)
    assert set(phones) <= {"010 267 26 53"}
    assert parts.why[-1].endswith("Bron: gemeente Rotterdam (23-11-2026)")
    summary = "\n".join(parts.summary)
    if outcome.kind != Kind.COVERED_ROTTERDAMPAKKET:
        assert "gemeente beslist" in summary or "De gemeente beslist" in summary
    if outcome.bijstand_kind in (Kind.LIKELY_ELIGIBLE, Kind.CANNOT_TELL):
        steps = "\n".join(parts.how)
        assert parts.how[-1].endswith("Bron: gemeente Rotterdam (23-11-2026)")
        for needle in ("categorie 7", "Vergoeding voor overige noodzakelijke kosten", "inkomensgegevens",
                       "pro formafactuur", "direct naar de kraamzorgorganisatie", "eindafrekening", "8 weken",
                       "week 32", "Vraagwijzer", "buurthuizen"):
            assert needle in steps or (needle == "week 32" and outcome.pregnancy_status == "born"), needle


@pytest.mark.parametrize("outcome", _all_outcomes(), ids=lambda o: o.kind.value)
def test_rendered_result_is_short_and_readable(outcome) -> None:
    """Issue 16 item 3: messages of at most 60 words, outcome and main reason first, amounts second."""
    parts = render_parts(outcome)
    for message in parts.all_messages:
        assert check_text(message, message=True) == [], message
    assert outcome.kind != Kind.COVERED_ROTTERDAMPAKKET or not parts.how
    reason = main_reason(outcome)
    if reason and outcome.kind != Kind.COVERED_ROTTERDAMPAKKET:
        assert reason in "\n".join(parts.summary[:2])
    if parts.how:
        assert outcome.values["own_contribution"] in "\n".join(parts.summary)
    assert "8 weken" not in "\n".join(parts.summary)  # said once, in the steps


def test_timing_texts_follow_the_weeks() -> None:
    late = "\n".join(render_outcome(evaluate(eligible(pregnancy=Pregnancy("due", dt.date(2026, 12, 20))), TODAY)))
    assert "Je bent 37 weken zwanger. Na week 32" in late
    early_answers = eligible(pregnancy=Pregnancy("due", dt.date(2027, 5, 1)))
    early = "\n".join(render_outcome(evaluate(early_answers, TODAY)))
    assert "Vraag het op tijd aan" in early
    born = "\n".join(render_outcome(evaluate(eligible(pregnancy=Pregnancy("born")), TODAY)))
    assert "31 maart" in born
