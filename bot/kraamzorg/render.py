"""Render an :class:`~bot.kraamzorg.rules.Outcome` as short chat messages (texts.yml).

Dutch by default; pass ``tables_in("en")`` (texts.yml with its ``en:`` block laid over) for English.
"""

from __future__ import annotations

from bot.kraamzorg.rules import Kind, Outcome
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
    checked_on = t.texts.get("checked_on") or "gecontroleerd op"
    return f"{t.texts['sources'].rstrip('.')} ({checked_on} {t.checked:%d-%m-%Y})."
