"""The kraamzorg reimbursement rules: plain, table-driven functions (no Rasa, no clock).

Sources: seed 001 ('Instructie voor zorgconsulenten WEB Kraamzorg'), Beleidsregels
bijzondere bijstand Rotterdam 2024 art. 6.3 (once per calendar year, at least EUR 50
own contribution, at most EUR 200), art. 10.2-10.4 (capacity to pay over 12 months:
nothing up to 110% of the norm, 50% of the excess between 110% and 150%, fully above;
only the assets above the limit count, as capacity to pay, on top of the income
capacity). Figures live in content/kraamzorg/.

Norms are only known for people from 21 years old who do not share a home with other
adults (FACTS.md). With other adults in the home (kostendelersnorm) or a parent under
21 the applicable norm is lower and not in our sources: the check then says it cannot
tell, unless the outcome holds for any lower norm (bijstand, or income above 150%).

The caller passes ``today``: the norm used is the one in force on the date of the check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any

from bot.kraamzorg.tables import DatedAmount, Household, RateChoice, Tables, tables
from bot.parsing.money import format_eur

CENT = Decimal("0.01")


class YesNo(str, Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Insurance(str, Enum):
    ROTTERDAMPAKKET = "rotterdampakket"
    # 'Rotterdampakket Compact' (fewer reimbursements) or a Rotterdampakket of unknown variant.
    ROTTERDAMPAKKET_COMPACT = "rotterdampakket_compact"
    OTHER_SUPPLEMENTARY = "other_supplementary"
    BASIC_ONLY = "basic_only"
    UNKNOWN = "unknown"


class Kind(str, Enum):
    COVERED_ROTTERDAMPAKKET = "covered_rotterdampakket"
    CHECK_SUPPLEMENTARY_INSURANCE = "check_supplementary_insurance"
    LIKELY_ELIGIBLE = "likely_eligible"
    LIKELY_NOT_ELIGIBLE = "likely_not_eligible"
    CANNOT_TELL = "cannot_tell"


@dataclass(frozen=True)
class Income:
    """Net monthly household income; ``amount=None`` and no bijstand means 'weet ik niet'."""

    amount: Decimal | None = None
    receives_bijstand: bool = False

    @property
    def unknown(self) -> bool:
        return self.amount is None and not self.receives_bijstand


@dataclass(frozen=True)
class Pregnancy:
    """``status``: 'due' (with ``due_date``), 'born' (already gave birth) or 'unknown'."""

    status: str
    due_date: dt.date | None = None

    def weeks(self, today: dt.date) -> int | None:
        if self.status != "due" or self.due_date is None:
            return None
        return 40 - (self.due_date - today).days // 7


@dataclass(frozen=True)
class Answers:
    """What the parent told so far; ``None`` = not asked (yet)."""

    in_rotterdam: YesNo | None = None
    insurance: Insurance | None = None
    household: Household | None = None
    income: Income | None = None
    debt_arrangement: YesNo | None = None
    savings_above_limit: YesNo | None = None
    # Total savings and other assets, asked when they are above the limit (art. 10.4).
    savings_amount: Decimal | None = None
    savings_amount_unknown: bool = False
    other_adults: YesNo | None = None  # other adults (21+) in the home besides a partner
    under_21: YesNo | None = None  # she or her partner is younger than 21
    pregnancy: Pregnancy | None = None
    used_this_year: YesNo | None = None
    hours: int | None = None  # None = not known: the default hours are used


@dataclass(frozen=True)
class Reason:
    """A rule that fired, with its Dutch explanation. ``blocking``: it makes the outcome 'not'."""

    rule: str
    text: str
    blocking: bool = False


@dataclass(frozen=True)
class Missing:
    """Something the parent still has to find out (``field`` is the question id)."""

    field: str
    text: str
    critical: bool = True


@dataclass(frozen=True)
class Outcome:
    kind: Kind
    reasons: tuple[Reason, ...]
    missing: tuple[Missing, ...]
    bijstand_kind: Kind | None
    hours: int
    hours_assumed: bool
    rate: RateChoice
    own_contribution: Decimal
    capacity: Decimal | None
    estimated_reimbursement: Decimal | None
    max_reimbursement: Decimal
    norm: DatedAmount | None
    weeks: int | None
    pregnancy_status: str | None
    values: dict[str, Any] = field(default_factory=dict)
    asset_capacity: Decimal | None = None  # art. 10.4: savings above the asset limit

    @property
    def rule_ids(self) -> list[str]:
        return [r.rule for r in self.reasons]


# Blocking rules that no later answer can undo: the check may skip the remaining questions.
FINAL_BLOCKERS = frozenset(
    {"not_in_rotterdam", "income_above_150", "income_band_no_capacity", "savings_no_capacity",
     "already_used_this_year"}
)
QUESTION_ORDER = (
    "in_rotterdam", "insurance", "household", "income", "other_adults", "under_21", "debt_arrangement", "savings",
    "savings_amount", "pregnancy", "used_this_year", "hours",
)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _care_year(answers: Answers, today: dt.date) -> int:
    """Calendar year in which the kraamzorg is given (due date's year, else this year)."""
    preg = answers.pregnancy
    if preg is not None and preg.status == "due" and preg.due_date is not None:
        return preg.due_date.year
    return today.year


def own_contribution(answers: Answers, today: dt.date, t: Tables) -> tuple[int, bool, RateChoice, Decimal]:
    """(hours, hours_assumed, rate used, hours x rate)."""
    hours = answers.hours if answers.hours is not None else t.int_param("default_hours")
    rate = t.rate_for_year(_care_year(answers, today))
    return hours, answers.hours is None, rate, _cents(Decimal(hours) * rate.rate)


def capacity_to_pay(income: Decimal, norm: Decimal, t: Tables) -> Decimal:
    """Art. 10.3: 50% of the income above 110% of the norm, over the 12-month period."""
    excess = income - norm * t.param("full_capacity_threshold")
    if excess <= 0:
        return Decimal("0.00")
    return _cents(excess * t.param("band_share") * t.param("capacity_months"))


def asset_capacity(savings: Decimal, limit: Decimal) -> Decimal:
    """Art. 10.4: only the assets above the asset limit count as capacity to pay."""
    return _cents(max(Decimal("0"), savings - limit))


def standard_norm_applies(answers: Answers) -> bool | None:
    """True: the table norms (21+, no other adults) apply; False: a lower, unsourced norm; None: not known."""
    if YesNo.YES in (answers.other_adults, answers.under_21):
        return False
    if answers.other_adults == YesNo.NO and answers.under_21 == YesNo.NO:
        return True
    return None


def reimbursement(own: Decimal, capacity: Decimal, t: Tables) -> Decimal:
    """Art. 6.3 / 10.3: what is left of min(max reimbursement, own contribution) after the capacity."""
    return max(Decimal("0.00"), _cents(min(t.param("max_reimbursement"), own) - capacity))


def evaluate(answers: Answers, today: dt.date, t: Tables | None = None) -> Outcome:
    """Apply the rules to the answers; works on partial answers too."""
    t = t or tables()
    texts = t.texts
    hours, assumed, rate, own = own_contribution(answers, today, t)
    max_reimb = t.param("max_reimbursement")
    values: dict[str, Any] = {
        "max_reimbursement": format_eur(max_reimb), "min_own_contribution": format_eur(t.param("min_own_contribution")),
        "own_contribution": format_eur(own), "hours": hours, "rate": format_eur(rate.rate), "rate_year": rate.year,
        "wanted_year": rate.wanted_year, "this_year": today.year,
    }

    def say(rule: str, blocking: bool = False, key: str | None = None) -> Reason:
        return Reason(rule, str(texts["reasons"][key or rule]).format(**values), blocking)

    def need(name: str, critical: bool = True, key: str | None = None) -> Missing:
        return Missing(name, str(texts["missing"][key or name]).format(**values), critical)

    preg = answers.pregnancy
    common = dict(
        hours=hours, hours_assumed=assumed, rate=rate, own_contribution=own, max_reimbursement=max_reimb,
        weeks=preg.weeks(today) if preg else None, pregnancy_status=preg.status if preg else None, values=values,
    )
    if answers.in_rotterdam == YesNo.NO:
        return Outcome(Kind.LIKELY_NOT_ELIGIBLE, (say("not_in_rotterdam", True),), (), Kind.LIKELY_NOT_ELIGIBLE,
                       capacity=None, estimated_reimbursement=None, norm=None, **common)
    if answers.insurance == Insurance.ROTTERDAMPAKKET:
        return Outcome(Kind.COVERED_ROTTERDAMPAKKET, (say("rotterdampakket"),), (), None,
                       capacity=None, estimated_reimbursement=None, norm=None, **common)

    reasons: list[Reason] = []
    unknown: list[Missing] = []  # the parent said 'weet ik niet'
    unasked: list[Missing] = []  # not asked (yet)

    def missing_for(answer: Any, item: Missing) -> None:
        if answer is None:
            unasked.append(item)
        else:
            unknown.append(item)

    if answers.in_rotterdam in (None, YesNo.UNKNOWN):
        missing_for(answers.in_rotterdam, need("in_rotterdam"))
    if answers.insurance == Insurance.OTHER_SUPPLEMENTARY:
        reasons.append(say("supplementary_insurance"))
    elif answers.insurance == Insurance.ROTTERDAMPAKKET_COMPACT:
        reasons.append(say("rotterdampakket_compact"))
    elif answers.insurance in (None, Insurance.UNKNOWN):
        missing_for(answers.insurance, need("insurance", critical=False))

    norm: DatedAmount | None = None
    if answers.household is None:
        unasked.append(need("household"))
    else:
        norm = t.norm_for(answers.household, today)
        if norm is None:
            reasons.append(say("norm_unknown"))
            unknown.append(need("norm"))

    capacity: Decimal | None = None
    estimate: Decimal | None = None
    income = answers.income
    other_norm = False  # the table norm does not apply: her (lower) norm is not in our sources
    if income is None or income.unknown:
        missing_for(income, need("income"))
    elif income.receives_bijstand:
        reasons.append(say("income_bijstand"))
        estimate = min(max_reimb, own)
    elif norm is not None and income.amount is not None:
        limit_110 = norm.amount * t.param("full_capacity_threshold")
        limit_150 = norm.amount * t.param("band_upper_threshold")
        values.update(income=format_eur(income.amount), limit_110=format_eur(limit_110),
                      limit_150=format_eur(limit_150))
        if income.amount <= limit_150:
            # A lower norm only makes the capacity larger: 'above 150%' holds for any norm, the rest does not.
            applies = standard_norm_applies(answers)
            if applies is False:
                other_norm = True
                reasons.append(say("norm_other_adults" if answers.other_adults == YesNo.YES else "norm_under_21"))
                unknown.append(need("other_norm"))
            elif applies is None:
                for name in ("other_adults", "under_21"):
                    answer = getattr(answers, name)
                    if answer != YesNo.NO:
                        missing_for(answer, need(name))
        if income.amount <= limit_110:
            if not other_norm:
                reasons.append(say("income_up_to_110"))
                estimate = min(max_reimb, own)
        elif answers.debt_arrangement == YesNo.YES:
            reasons.append(say("debt_arrangement"))
        else:
            if answers.debt_arrangement == YesNo.UNKNOWN:
                unknown.append(Missing("debt_arrangement", texts["reasons"]["debt_unknown_note"], critical=False))
            if income.amount > limit_150:
                reasons.append(say("income_above_150", True))
            else:
                capacity = capacity_to_pay(income.amount, norm.amount, t)
                values["capacity"] = format_eur(capacity)
                band_estimate = reimbursement(own, capacity, t)
                if capacity >= max_reimb:  # with a lower norm the capacity is larger still
                    reasons.append(say("income_band_no_capacity", True, key="income_band_no_reimbursement"))
                    estimate = band_estimate
                elif other_norm:
                    capacity = None
                elif band_estimate <= 0:
                    reasons.append(say("income_band_no_reimbursement", True))
                    estimate = band_estimate
                else:
                    reasons.append(say("income_band"))
                    estimate = band_estimate
        if not other_norm:
            reasons.append(say("age_note"))

    limit = t.asset_limit_for(answers.household, today) if answers.household else None
    values["asset_limit"] = format_eur(limit.amount) if limit else ""
    assets: Decimal | None = None
    if answers.savings_above_limit == YesNo.YES:
        if limit is None:
            reasons.append(say("savings_above_unknown_limit"))
            unknown.append(need("asset_limit"))
        elif answers.savings_amount is not None:
            assets = asset_capacity(answers.savings_amount, limit.amount)
            values.update(savings=format_eur(answers.savings_amount), savings_excess=format_eur(assets))
            reasons.append(say("savings_excess" if assets > 0 else "savings_not_above"))
        else:
            reasons.append(say("savings_above_limit"))
            (unknown if answers.savings_amount_unknown else unasked).append(need("savings_amount"))
    elif answers.savings_above_limit == YesNo.NO:
        reasons.append(say("savings_ok"))
    else:
        missing_for(answers.savings_above_limit, need("savings", key="savings" if limit else "savings_no_limit"))

    if assets:
        income_blocked = any(r.blocking for r in reasons)
        if assets >= max_reimb and answers.debt_arrangement != YesNo.YES and not income_blocked:
            # Whatever her income or norm: the excess alone is more than the maximum reimbursement.
            reasons.append(say("savings_no_capacity", True))
            estimate = Decimal("0.00")
        elif estimate is not None and not income_blocked:
            estimate = reimbursement(own, (capacity or Decimal("0")) + assets, t)
            if estimate <= 0:
                reasons.append(say("savings_no_reimbursement", True))

    care_year = _care_year(answers, today)
    if care_year > today.year:
        values["due_year"] = care_year
        reasons.append(say("used_next_year"))
    elif answers.used_this_year == YesNo.YES:
        reasons.append(say("already_used_this_year", True))
    elif answers.used_this_year == YesNo.NO:
        reasons.append(say("not_used_this_year"))
    else:
        missing_for(answers.used_this_year, need("used_this_year"))

    if own < t.param("min_own_contribution"):
        reasons.append(say("below_min_own_contribution", True))

    blocking = any(r.blocking for r in reasons)
    missing = tuple(unknown) if blocking else tuple(unknown + unasked)
    if blocking:
        bijstand_kind = Kind.LIKELY_NOT_ELIGIBLE
        estimate = Decimal("0.00") if estimate is not None else None
    elif any(m.critical for m in missing):
        bijstand_kind = Kind.CANNOT_TELL
    else:
        bijstand_kind = Kind.LIKELY_ELIGIBLE
    kind = (Kind.CHECK_SUPPLEMENTARY_INSURANCE
            if answers.insurance in (Insurance.OTHER_SUPPLEMENTARY, Insurance.ROTTERDAMPAKKET_COMPACT)
            else bijstand_kind)
    return Outcome(kind, tuple(reasons), missing, bijstand_kind, capacity=capacity,
                   estimated_reimbursement=estimate, norm=norm, asset_capacity=assets, **common)


def is_settled(answers: Answers, today: dt.date, t: Tables | None = None) -> bool:
    """True when the outcome is fixed whatever the remaining answers are."""
    outcome = evaluate(answers, today, t)
    if outcome.kind == Kind.COVERED_ROTTERDAMPAKKET:
        return True
    return any(r.blocking and r.rule in FINAL_BLOCKERS for r in outcome.reasons)


_FIELDS_FOR_QUESTION: dict[str, tuple[str, ...]] = {
    "in_rotterdam": ("in_rotterdam",), "insurance": ("insurance",), "household": ("household",),
    "income": ("income",), "other_adults": ("other_adults",), "under_21": ("under_21",),
    "debt_arrangement": ("debt_arrangement",), "savings": ("savings_above_limit",),
    "savings_amount": ("savings_amount", "savings_amount_unknown"), "pregnancy": ("pregnancy",),
    "used_this_year": ("used_this_year",), "hours": ("hours",),
}
_BLANK: dict[str, Any] = {"savings_amount_unknown": False}


def _only(answers: Answers, questions: list[str]) -> Answers:
    """The answers to ``questions`` only (later answers blanked)."""
    asked = {f for q in questions for f in _FIELDS_FOR_QUESTION[q]}
    blank = {f: _BLANK.get(f) for fields in _FIELDS_FOR_QUESTION.values() for f in fields if f not in asked}
    return replace(answers, **blank)


def relevant_questions(answers: Answers, today: dt.date, t: Tables | None = None) -> list[str]:
    """The questions (ids from QUESTION_ORDER) that still matter, in order, answered ones included.

    Not in Rotterdam or the Rotterdampakket ends the check; the questions about other
    adults in the home and age under 21 only matter for an income amount up to 150% of
    the norm (bijstand or more than 150% gives the same outcome for any lower norm); the
    debt-arrangement question only matters when the income is above 110% of the norm (or
    unknown); the savings amount only when the savings are above the limit; once a final
    blocking rule fired on the answers so far, the rest is skipped; 'already used this
    year' is skipped when the baby is due in a later calendar year.
    """
    t = t or tables()
    questions = ["in_rotterdam"]
    if answers.in_rotterdam == YesNo.NO:
        return questions
    questions.append("insurance")
    if answers.insurance == Insurance.ROTTERDAMPAKKET:
        return questions
    questions += ["household", "income"]
    income = answers.income
    norm = t.norm_for(answers.household, today) if answers.household else None
    if income is None or answers.household is None:
        above_110 = True  # not known yet: keep the question until income and household are answered
        up_to_150 = True
    else:
        amount = income.amount if not income.receives_bijstand else None
        above_110 = income.unknown or norm is None or (
            amount is not None and amount > norm.amount * t.param("full_capacity_threshold"))
        up_to_150 = norm is not None and amount is not None and amount <= norm.amount * t.param("band_upper_threshold")
    if up_to_150:
        questions.append("other_adults")
        if answers.other_adults != YesNo.YES:
            questions.append("under_21")
    if above_110:
        questions.append("debt_arrangement")
    for nxt in ("savings", "savings_amount", "pregnancy", "used_this_year", "hours"):
        if is_settled(_only(answers, questions), today, t):
            return questions
        if nxt == "savings_amount":
            limit = t.asset_limit_for(answers.household, today) if answers.household else None
            if answers.savings_above_limit != YesNo.YES or limit is None:
                continue
        if nxt == "used_this_year":
            preg = answers.pregnancy
            if preg and preg.status == "due" and preg.due_date and preg.due_date.year > today.year:
                continue
        questions.append(nxt)
    return questions
