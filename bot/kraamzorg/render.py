"""Render an :class:`~bot.kraamzorg.rules.Outcome` as short chat messages (texts.yml).

Dutch by default; pass ``tables_in("en")`` (texts.yml with its ``en:`` block laid over) for English.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.kraamzorg.rules import Answers, Income, Insurance, Kind, Outcome, Pregnancy, YesNo
from bot.kraamzorg.tables import Tables, tables
from bot.parsing.money import format_eur
from bot.readability import MAX_MESSAGE_WORDS, split_message, words

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
    if outcome.bijstand_kind in (Kind.LIKELY_ELIGIBLE, Kind.CANNOT_TELL):
        lines.append(amounts["reimbursement_max"].format(**values))
        if outcome.bijstand_kind == Kind.LIKELY_ELIGIBLE:
            if outcome.estimated_reimbursement is not None:
                lines.append(amounts["reimbursement"].format(**values))
            elif "debt_arrangement" in outcome.rule_ids:
                lines.append(amounts["reimbursement_debts"].format(**values))
    return lines


def _amount_notes(outcome: Outcome, texts: dict) -> list[str]:
    """How the amounts were computed (shown with the reasons, not in the short summary)."""
    values = dict(outcome.values)
    amounts = texts["amounts"]
    notes = []
    if not outcome.rate.exact:
        notes.append(amounts["rate_year_missing"].format(**values))
    if outcome.hours_assumed:
        notes.append(amounts["hours_assumed"].format(**values))
    return notes


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


@dataclass(frozen=True)
class RenderedOutcome:
    """The outcome in three parts, each a list of chat messages of at most about 60 words.

    ``summary`` is shown at once: the outcome with its main reason, then the amounts and the
    way forward. ``why`` (all reasons, what to find out) and ``how`` (the steps to apply) are
    shown on request, with the buttons 'Waarom?' and 'Hoe vraag ik het aan' (issue 16, item 3).
    ``how`` is empty when there is nothing to apply for (covered, or not in Rotterdam).
    """

    summary: list[str]
    why: list[str]
    how: list[str]

    @property
    def all_messages(self) -> list[str]:
        return [*self.summary, *self.why, *self.how]


def main_reason(outcome: Outcome) -> str | None:
    """The reason that decides the outcome: the first blocking one, else the first finding."""
    findings = [r for r in outcome.reasons if r.rule not in _NOTE_RULES]
    blocking = [r for r in findings if r.blocking]
    chosen = (blocking or findings or [None])[0]
    return chosen.text if chosen is not None else None


def _with_source(messages: list[str], t: Tables) -> list[str]:
    """The short source tag ends the last message (within the word limit when it fits)."""
    tag = source_tag(t)
    if messages and len(words(messages[-1])) + len(words(tag)) <= MAX_MESSAGE_WORDS:
        return [*messages[:-1], f"{messages[-1]}\n\n{tag}"]
    return [*messages, tag]


def render_parts(outcome: Outcome, t: Tables | None = None) -> RenderedOutcome:
    """The result as short chat messages: outcome and main reason first, amounts second, the rest on request."""
    t = t or tables()
    texts = t.texts
    head = [texts["headline"][outcome.kind.value]]
    if outcome.kind == Kind.CHECK_SUPPLEMENTARY_INSURANCE and outcome.bijstand_kind:
        head.append(texts["fallback_assessment"][outcome.bijstand_kind.value])
    covered_or_outside = outcome.kind == Kind.COVERED_ROTTERDAMPAKKET or outcome.rule_ids == ["not_in_rotterdam"]
    reason = main_reason(outcome)
    first = " ".join(head)
    if reason and outcome.kind != Kind.COVERED_ROTTERDAMPAKKET:
        first += "\n\n" + reason
    if outcome.kind == Kind.CANNOT_TELL:
        first += "\n\n" + texts["cannot_tell_way_forward"]
    summary = split_message(first)
    promise = "" if outcome.kind in (Kind.COVERED_ROTTERDAMPAKKET, Kind.CANNOT_TELL) else " " + texts["not_a_promise"]
    if outcome.kind == Kind.COVERED_ROTTERDAMPAKKET:
        summary += split_message(texts["covered_way_forward"])
    elif covered_or_outside:
        summary += split_message(texts["outside_way_forward"] + promise)
    else:
        summary += split_message(" ".join(_amount_lines(outcome, texts)) + promise)
        if outcome.bijstand_kind == Kind.LIKELY_NOT_ELIGIBLE:
            summary += split_message(texts["not_eligible_way_forward"])
    summary = _with_source(summary, t)
    findings = [r.text for r in outcome.reasons if r.rule not in _NOTE_RULES]
    notes = [r.text for r in outcome.reasons if r.rule in _NOTE_RULES]
    if not covered_or_outside:
        notes += _amount_notes(outcome, texts)
    why_text = f"{texts['reasons_title']}\n" + _bullets(findings + notes) if findings or notes else ""
    if outcome.missing:
        why_text += f"\n\n{texts['missing_title']}\n" + _bullets([m.text for m in outcome.missing])
    why = _with_source(split_message(why_text.strip()), t) if why_text.strip() else [source_tag(t)]
    how: list[str] = []
    if not covered_or_outside:
        steps = f"{texts['next_steps_title']}\n" + _bullets(next_steps(outcome, t)) + "\n\n" + texts["help"]
        how = _with_source(split_message(steps), t)
    return RenderedOutcome(summary=summary, why=why, how=how)


def render_outcome(outcome: Outcome, t: Tables | None = None) -> list[str]:
    """Every message of the result (summary, reasons, steps) in reading order."""
    return render_parts(outcome, t).all_messages


def source_tag(t: Tables | None = None) -> str:
    """'Bron: gemeente Rotterdam (23-11-2026)': the short source parents see."""
    t = t or tables()
    return f"{t.texts['source_short']} ({t.checked:%d-%m-%Y})"


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
            + ". Klopt iets niet? Typ wat anders is, bijvoorbeeld 'mijn inkomen is eigenlijk 1500'.")
