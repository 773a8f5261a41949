"""Render an :class:`~bot.kraamzorg.rules.Outcome` as short Dutch chat messages (texts.yml)."""

from __future__ import annotations

from bot.kraamzorg.rules import Answers, Income, Insurance, Kind, Outcome, Pregnancy, YesNo
from bot.kraamzorg.tables import Tables, tables
from bot.parsing.money import format_eur

# Reasons that are notes, not findings: shown after the findings.
_NOTE_RULES = ("age_note",)


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


def _amount_lines(outcome: Outcome, texts: dict) -> list[str]:
    values = dict(outcome.values)
    values["reimbursement"] = (
        format_eur(outcome.estimated_reimbursement) if outcome.estimated_reimbursement is not None else ""
    )
    amounts = texts["amounts"]
    lines = [amounts["own_contribution"].format(**values)]
    if not outcome.rate.exact:
        lines.append(amounts["rate_year_missing"].format(**values))
    if outcome.hours_assumed:
        lines.append(amounts["hours_assumed"].format(**values))
    if outcome.bijstand_kind in (Kind.LIKELY_ELIGIBLE, Kind.CANNOT_TELL):
        lines.append(amounts["reimbursement_max"].format(**values))
        if outcome.bijstand_kind == Kind.LIKELY_ELIGIBLE:
            if outcome.estimated_reimbursement is not None:
                lines.append(amounts["reimbursement"].format(**values))
            elif "debt_arrangement" in outcome.rule_ids:
                lines.append(amounts["reimbursement_debts"].format(**values))
    return lines


def next_steps(outcome: Outcome, t: Tables | None = None) -> list[str]:
    """How to apply (bijzondere bijstand, category 7), with the timing that fits her pregnancy."""
    t = t or tables()
    texts = t.texts
    values = {
        "form_category": t.int_param("form_category"), "decision_weeks": t.int_param("decision_weeks"),
        "late_indication_week": t.int_param("late_indication_week"), "weeks": outcome.weeks,
    }
    steps = [str(s).format(**values) for s in texts["next_steps"]]
    if outcome.pregnancy_status == "born":
        steps.append(texts["timing"]["born"].format(**values))
    elif outcome.weeks is None:
        steps.append(texts["timing"]["unknown"].format(**values))
    elif outcome.weeks >= t.int_param("late_indication_week"):
        steps.append(texts["timing"]["late"].format(**values))
    else:
        steps.append(texts["timing"]["early"].format(**values))
    return steps


def render_outcome(outcome: Outcome, t: Tables | None = None) -> list[str]:
    """The result as chat messages: the outcome with its reasons and amounts, then what to do."""
    t = t or tables()
    texts = t.texts
    head = [texts["headline"][outcome.kind.value]]
    if outcome.kind == Kind.CHECK_SUPPLEMENTARY_INSURANCE and outcome.bijstand_kind:
        head.append(texts["fallback_assessment"][outcome.bijstand_kind.value])
    if outcome.kind == Kind.CANNOT_TELL:
        head.append(texts["cannot_tell_way_forward"])
    elif outcome.kind != Kind.COVERED_ROTTERDAMPAKKET:
        head.append(texts["not_a_promise"])
    findings = [r.text for r in outcome.reasons if r.rule not in _NOTE_RULES]
    notes = [r.text for r in outcome.reasons if r.rule in _NOTE_RULES]
    first = " ".join(head)
    if findings or notes:
        first += f"\n\n{texts['reasons_title']}\n" + _bullets(findings + notes)
    if outcome.missing:
        first += f"\n\n{texts['missing_title']}\n" + _bullets([m.text for m in outcome.missing])
    messages = [first]
    if outcome.kind == Kind.COVERED_ROTTERDAMPAKKET:
        messages[0] += "\n\n" + texts["covered_way_forward"] + "\n\n" + source_line(t)
        return messages
    if outcome.rule_ids == ["not_in_rotterdam"]:
        messages[0] += "\n\n" + texts["outside_way_forward"] + "\n\n" + source_line(t)
        return messages
    messages[0] += "\n\n" + " ".join(_amount_lines(outcome, texts))
    if outcome.bijstand_kind == Kind.LIKELY_NOT_ELIGIBLE:
        messages.append(texts["not_eligible_way_forward"])
    else:
        messages.append(
            f"{texts['next_steps_title']}\n" + _bullets(next_steps(outcome, t)) + "\n\n" + texts["help"]
        )
    messages[-1] += "\n\n" + source_line(t)
    return messages


def source_line(t: Tables | None = None) -> str:
    """'Bron: ...' with the date the texts and tables were last checked (the oldest of them)."""
    t = t or tables()
    return f"{t.texts['sources'].rstrip('.')} (gecontroleerd op {t.checked:%d-%m-%Y})."


_YES_NO = {YesNo.YES: "ja", YesNo.NO: "nee", YesNo.UNKNOWN: "weet ik niet"}
_INSURANCE = {
    Insurance.ROTTERDAMPAKKET: "Rotterdampakket", Insurance.ROTTERDAMPAKKET_COMPACT: "Rotterdampakket Compact",
    Insurance.OTHER_SUPPLEMENTARY: "andere aanvullende", Insurance.BASIC_ONLY: "alleen basis",
    Insurance.UNKNOWN: "weet ik niet",
}
_HOUSEHOLD = {"single": "alleen", "single_parent": "alleen met kind", "couple": "met partner"}


def _income_text(income: Income) -> str:
    if income.receives_bijstand:
        return "bijstand"
    return format_eur(income.amount) + " per maand" if income.amount is not None else "weet ik niet"


def _pregnancy_text(preg: Pregnancy) -> str:
    if preg.status == "born":
        return "al bevallen"
    if preg.due_date is not None:
        return f"uitgerekend {preg.due_date:%d-%m-%Y}"
    return "weet ik niet"


def answers_recap(answers: Answers) -> str | None:
    """Her answers in one short message, shown before the outcome, so she can spot a misread answer."""
    parts: list[str] = []
    if answers.in_rotterdam is not None:
        parts.append(f"in Rotterdam: {_YES_NO[answers.in_rotterdam]}")
    if answers.insurance is not None:
        parts.append(f"verzekering: {_INSURANCE[answers.insurance]}")
    if answers.household is not None:
        parts.append(f"wonen: {_HOUSEHOLD[answers.household.value]}")
    if answers.income is not None:
        parts.append(f"inkomen: {_income_text(answers.income)}")
    if answers.other_adults is not None:
        parts.append(f"andere volwassene in huis: {_YES_NO[answers.other_adults]}")
    if answers.under_21 is not None:
        parts.append(f"jonger dan 21: {_YES_NO[answers.under_21]}")
    if answers.savings_amount is not None:
        parts.append(f"spaargeld: {format_eur(answers.savings_amount)}")
    elif answers.savings_above_limit is not None:
        parts.append(f"meer spaargeld dan de grens: {_YES_NO[answers.savings_above_limit]}")
    if answers.pregnancy is not None:
        parts.append(_pregnancy_text(answers.pregnancy))
    if not parts:
        return None
    return ("Dit heb ik van je begrepen: " + "; ".join(parts)
            + ". Klopt iets niet? Kies dan 'Opnieuw doen'.")
