"""Kraamzorg reimbursement check: form validation, the savings question and the result.

Thin adapters: parsing and rules live in bot/kraamzorg/ and bot/parsing/.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_help import PersonOnRequest
from actions.history import recent_user_texts
from actions.messages import remind_open_needs
from bot.kraamzorg import answers as kz
from bot.kraamzorg.render import RenderedOutcome, answers_recap, render_parts
from bot.kraamzorg.rules import evaluate, relevant_questions
from bot.kraamzorg.tables import tables, tables_in, text_in
from bot.languages.conversation import lang_of
from bot.parsing.money import format_eur
from bot.terms import find_terms
from bot.wellbeing.loss import in_loss_conversation


def _ui(lang: str, key: str, **values: Any) -> str:
    return text_in(lang, "ui", key, **values)


def yes_no_buttons(lang: str = "nl") -> list[dict[str, str]]:
    """Ja / Nee / Weet ik niet in ``lang``; the payloads are the same in every language."""
    return [{"title": _ui(lang, "yes_button"), "payload": "/affirm"}, {"title": _ui(lang, "no_button"), "payload": "/deny"},
            {"title": _ui(lang, "dont_know"), "payload": "weet ik niet"}]


def result_buttons(lang: str = "nl") -> list[dict[str, str]]:
    return [{"title": _ui(lang, "again"), "payload": "/kraamzorg_check"},
            {"title": _ui(lang, "register"), "payload": "/request_registration"},
            {"title": _ui(lang, "something_else"), "payload": "/ask_capabilities"}]


YES_NO_BUTTONS = yes_no_buttons()
RESULT_BUTTONS = result_buttons()


def today() -> dt.date:
    """The date of the check (a function so tests can fix it)."""
    return dt.date.today()


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _said(value: Any, tracker: Tracker, slot: str) -> Any:
    """What she actually typed or clicked, rather than a from_intent value.

    A 'Weet ik niet' button or text can be classified as ``deny`` by NLU, which the
    from_intent mapping turns into 'no'; the text is the better witness. Only for an answer to
    this slot's question: a value set before (a correction after the outcome) is taken as it is.
    """
    text = tracker.latest_message.get("text")
    if tracker.get_slot("requested_slot") != slot:
        return value
    return text if isinstance(text, str) and text.strip() else value


def _answers(tracker: Tracker) -> kz.Answers:
    """Her answers; after a baby loss the pregnancy question is not asked (treated as born)."""
    slots = dict(tracker.slots)
    if in_loss_conversation(slots):
        slots[kz.SLOTS["pregnancy"]] = kz.BORN
    return kz.answers_from_slots(slots)


def _reask(dispatcher: CollectingDispatcher, slot: str, parsed: kz.Parsed, lang: str = "nl") -> dict[str, Any]:
    if parsed.value is None:
        dispatcher.utter_message(text=parsed.problem or text_in(lang, "problems", "not_understood"))
    return {slot: parsed.value, **parsed.also}


def _explained(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> dict[str, Any] | None:
    """A question about an option gets a short explanation and the same question again (nothing stored)."""
    question = next((q for q, name in kz.SLOTS.items() if name == slot), "")
    explanation = kz.explain_option(question, tracker.latest_message.get("text"))
    if explanation is None:
        return None
    dispatcher.utter_message(text=explanation)
    return {slot: None}


_CORRECTED = {"income": "je inkomen", "insurance": "je verzekering", "pregnancy": "hoe ver je zwanger bent",
              "hours": "het aantal uren", "household": "hoe je woont", "savings_amount": "je spaargeld"}


def _navigated(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> dict[str, Any] | None:
    """'terug' clears the previous answer; a correction of an earlier answer ('mijn inkomen is eigenlijk
    2300') replaces it. Either way the current question is asked again (or the previous one first)."""
    text = tracker.latest_message.get("text")
    question = next((q for q, name in kz.SLOTS.items() if name == slot), "")
    if kz.is_back(text):
        order = [kz.SLOTS[q] for q in relevant_questions(_answers(tracker), today())]
        earlier = [s for s in order[: order.index(slot)] if tracker.get_slot(s) is not None] if slot in order else []
        if not earlier:
            dispatcher.utter_message(text="Dit is de eerste vraag. Wil je stoppen? Typ dan 'stop'.")
            return {slot: None}
        dispatcher.utter_message(text="Oké, we gaan een vraag terug.")
        return {slot: None, earlier[-1]: None}
    correction = kz.find_correction(text, question, today())
    if correction is not None:
        corrected, parsed = correction
        dispatcher.utter_message(text=f"Oké, ik heb {_CORRECTED[corrected]} aangepast.")
        return {slot: None, kz.SLOTS[corrected]: parsed.value, **parsed.also}
    return None


def _explain_first(method: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Before the slot's own validation (slot name from the method name): 'terug', a correction of an
    earlier answer, or a question about an option."""
    slot = method.__name__.removeprefix("validate_")

    @functools.wraps(method)
    def wrapper(self: Any, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        handled = None
        if tracker.get_slot("requested_slot") == slot:  # not for an answer taken from her first message
            handled = _navigated(dispatcher, tracker, slot) or _explained(dispatcher, tracker, slot)
        return handled if handled is not None else method(self, value, dispatcher, tracker, domain)

    return wrapper


class ValidateKraamzorgForm(PersonOnRequest, FormValidationAction):
    """Validate every kz_ slot and decide which questions still matter."""

    def name(self) -> str:
        return "validate_kraamzorg_form"

    def handled_by_form(self, tracker: Tracker) -> bool:
        """'terug', a correction of an earlier answer or a question about an option is the check's own."""
        slot = tracker.get_slot("requested_slot")
        question = next((q for q, name in kz.SLOTS.items() if name == slot), "")
        text = tracker.latest_message.get("text")
        return bool(kz.is_back(text) or kz.find_correction(text, question, today())
                    or kz.explain_option(question, text))

    def _early(self, slot: str, tracker: Tracker) -> dict[str, Any]:
        """Take an answer from the message that started the check, or from what she said earlier in
        this conversation ('ik ben 30 weken zwanger' before she asked about kraamzorg), so it is not
        asked again. The newest message that answers it clearly wins."""
        if tracker.get_slot("requested_slot") is not None or tracker.get_slot(slot) is not None:
            return {}
        latest = tracker.latest_message.get("text")
        texts = [latest] if isinstance(latest, str) else []
        texts += [t for t in recent_user_texts(tracker) if t != latest]
        for text in texts:
            value = kz.early_answers(text, today()).get(slot)
            if value is not None:
                return {slot: value}
        return {}

    def extract_kz_pregnancy(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        return self._early("kz_pregnancy", tracker)

    def extract_kz_income(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        return self._early("kz_income", tracker)

    def extract_kz_household(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        return self._early("kz_household", tracker)

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        skip = {"pregnancy"} if in_loss_conversation(tracker.slots) else set()
        return [kz.SLOTS[q] for q in relevant_questions(_answers(tracker), today()) if q not in skip]

    @_explain_first
    def validate_kz_in_rotterdam(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        lang = lang_of(tracker)
        return _reask(dispatcher, "kz_in_rotterdam", kz.parse_in_rotterdam(_said(value, tracker, "kz_in_rotterdam"), _intent(tracker), lang),
                      lang)

    @_explain_first
    def validate_kz_insurance(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        lang = lang_of(tracker)
        return _reask(dispatcher, "kz_insurance", kz.parse_insurance(value, _intent(tracker), lang), lang)

    @_explain_first
    def validate_kz_household(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        lang = lang_of(tracker)
        return _reask(dispatcher, "kz_household", kz.parse_household(value, _intent(tracker), lang), lang)

    @_explain_first
    def validate_kz_income(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        lang = lang_of(tracker)
        return _reask(dispatcher, "kz_income", kz.parse_income(value, _intent(tracker), lang), lang)

    @_explain_first
    def validate_kz_debt_arrangement(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        lang = lang_of(tracker)
        parsed = kz.parse_yes_no_unknown(_said(value, tracker, "kz_debt_arrangement"), _intent(tracker), "example_debt", lang)
        return _reask(dispatcher, "kz_debt_arrangement", parsed, lang)

    @_explain_first
    def validate_kz_other_adults(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        return _reask(dispatcher, "kz_other_adults", kz.parse_other_adults(_said(value, tracker, "kz_other_adults"), _intent(tracker)))

    @_explain_first
    def validate_kz_under_21(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        return _reask(dispatcher, "kz_under_21", kz.parse_under_21(_said(value, tracker, "kz_under_21"), _intent(tracker)))

    @_explain_first
    def validate_kz_savings(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        lang = lang_of(tracker)
        household = kz.answers_from_slots(tracker.slots).household
        limit = tables().asset_limit_for(household, today()) if household else None
        parsed = kz.parse_savings(_said(value, tracker, "kz_savings"), _intent(tracker), limit.amount if limit else None, lang)
        return _reask(dispatcher, "kz_savings", parsed, lang)

    @_explain_first
    def validate_kz_savings_amount(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        return _reask(dispatcher, "kz_savings_amount", kz.parse_savings_amount(value, _intent(tracker)))

    @_explain_first
    def validate_kz_pregnancy(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        lang = lang_of(tracker)
        return _reask(dispatcher, "kz_pregnancy", kz.parse_pregnancy_answer(value, _intent(tracker), today(), lang),
                      lang)

    @_explain_first
    def validate_kz_used_this_year(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        lang = lang_of(tracker)
        parsed = kz.parse_yes_no_unknown(_said(value, tracker, "kz_used_this_year"), _intent(tracker), "example_used", lang)
        return _reask(dispatcher, "kz_used_this_year", parsed, lang)

    @_explain_first
    def validate_kz_hours(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        lang = lang_of(tracker)
        return _reask(dispatcher, "kz_hours", kz.parse_hours(value, _intent(tracker), lang=lang), lang)


class ActionAskKzSavings(Action):
    """Ask about savings, naming the asset limit that applies to her household today."""

    def name(self) -> str:
        return "action_ask_kz_savings"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        answers = kz.answers_from_slots(tracker.slots)
        limit = tables().asset_limit_for(answers.household, today()) if answers.household else None
        lang = lang_of(tracker)
        who = _ui(lang, "with_partner") if answers.household and answers.household.value == "couple" else ""
        if limit is not None:
            text = _ui(lang, "savings_limit", who=who, asset_limit=format_eur(limit.amount))
        else:
            text = _ui(lang, "savings_no_limit", who=who)
        dispatcher.utter_message(text=text, buttons=yes_no_buttons(lang))
        return []


PREVIOUS_SLOT = "kz_previous"  # her answers of the last check (personal, kept encrypted: bot/privacy)


def result_followup_buttons(lang: str, parts: RenderedOutcome, shown: str | None = None) -> list[dict[str, str]]:
    """'Hoe vraag ik het aan' / 'Waarom?' (not the part just shown), then the usual ways on."""
    buttons = []
    if parts.how and shown != "how":
        buttons.append({"title": _ui(lang, "how_button"), "payload": "/offering_how"})
    if shown != "why":
        buttons.append({"title": _ui(lang, "why_button"), "payload": "/offering_why"})
    return buttons + result_buttons(lang)


def _previous_answers(slots: dict[str, Any]) -> dict[str, Any]:
    """The answer slots to keep after the result (after a baby loss: the pregnancy counts as born)."""
    kept = {name: slots.get(name) for name in kz.SLOTS.values() if slots.get(name) is not None}
    if in_loss_conversation(slots):
        kept[kz.SLOTS["pregnancy"]] = kz.BORN
    return kept


def utter_result(dispatcher: CollectingDispatcher, slots: dict[str, Any], lang: str,
                 lead: str | None = None) -> list[dict[str, Any]]:
    """The short outcome (recap, outcome and main reason, amounts) with 'Waarom?' / 'Hoe vraag ik het aan'.

    Her answers move to ``kz_previous`` (for 'Waarom?', 'Hoe vraag ik het aan' and a correction
    afterwards); the form's own slots are emptied, so a new check starts blank.
    """
    previous = _previous_answers(slots)
    answers = kz.answers_from_slots(previous)
    t = tables_in(lang)
    parts = render_parts(evaluate(answers, today(), t), t)
    # after a baby loss the pregnancy is not repeated back to her (the recap is Dutch only)
    recap = answers_recap(replace(answers, pregnancy=None) if in_loss_conversation(slots) else answers)
    messages = ([lead] if lead else []) + ([recap] if recap and lang == "nl" else []) + parts.summary
    for text in messages[:-1]:
        dispatcher.utter_message(text=text, answer_id="kraamzorg_check")
    dispatcher.utter_message(text=messages[-1] + "\n\n" + _ui(lang, "what_now"),
                             buttons=result_followup_buttons(lang, parts), answer_id="kraamzorg_check")
    return [SlotSet(PREVIOUS_SLOT, previous), *[SlotSet(slot, None) for slot in kz.SLOTS.values()]]


class ActionKraamzorgResult(Action):
    """Show the short outcome; the reasons and the steps follow on request (action_kraamzorg_more)."""

    def name(self) -> str:
        return "action_kraamzorg_result"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        events = utter_result(dispatcher, dict(tracker.slots), lang_of(tracker))
        return events + remind_open_needs(dispatcher, tracker, "kraamzorg_check")


# The term that 'hoe vraag ik het aan' finds: after the outcome the full steps answer it better.
HOW_TERMS = frozenset({"formulier_bijzondere_bijstand"})


class ActionKraamzorgMore(Action):
    """'Waarom?' / 'Hoe vraag ik het aan' after the outcome: the reasons or the steps of her last check.

    A question about a word in the outcome ('wat is een pro formafactuur') goes to action_explain_term.
    """

    def name(self) -> str:
        return "action_kraamzorg_more"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        intent = _intent(tracker)
        previous = tracker.get_slot(PREVIOUS_SLOT)
        text = tracker.latest_message.get("text") or ""
        if intent != "offering_why":
            term = next(iter(find_terms(text, "kraamzorg_outcome")), None)
            if term is not None and term.id not in HOW_TERMS:
                return [FollowupAction("action_explain_term")]
        if not isinstance(previous, dict):
            return [FollowupAction("action_explain_term")]
        lang = lang_of(tracker)
        t = tables_in(lang)
        parts = render_parts(evaluate(kz.answers_from_slots(previous), today(), t), t)
        shown = "why" if intent == "offering_why" or not parts.how else "how"
        messages = parts.why if shown == "why" else parts.how
        for message in messages[:-1]:
            dispatcher.utter_message(text=message, answer_id="kraamzorg_check")
        dispatcher.utter_message(text=messages[-1], buttons=result_followup_buttons(lang, parts, shown),
                                 answer_id="kraamzorg_check")
        return []


class ActionKraamzorgCorrect(Action):
    """A correction right after the outcome ('oh wacht, ik heb geen vgz maar alleen basis').

    Her previous answers with the corrected one: a new outcome at once, or, when the correction
    makes other questions matter, the check again with only those questions.
    Predicted by bot.dialogue.kraamzorg_correction.KraamzorgCorrectionPolicy.
    """

    def name(self) -> str:
        return "action_kraamzorg_correct"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        previous = tracker.get_slot(PREVIOUS_SLOT)
        correction = kz.find_correction(tracker.latest_message.get("text"), "", today(), need_marker=False)
        lang = lang_of(tracker)
        if not isinstance(previous, dict) or correction is None:
            return [FollowupAction("action_default_fallback")]
        question, parsed = correction
        slots = {**previous, kz.SLOTS[question]: parsed.value, **parsed.also}
        what = _CORRECTED.get(question, question) if lang == "nl" else question.replace("_", " ")
        answers = kz.answers_from_slots(slots)
        open_questions = [q for q in relevant_questions(answers, today()) if slots.get(kz.SLOTS[q]) is None]
        if open_questions:
            dispatcher.utter_message(text=_ui(lang, "corrected_more_questions", what=what))
            return [*[SlotSet(name, value) for name, value in slots.items()], FollowupAction("kraamzorg_form")]
        return utter_result(dispatcher, slots, lang, lead=_ui(lang, "corrected", what=what))
