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
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.kraamzorg import answers as kz
from bot.kraamzorg.render import answers_recap, render_outcome
from bot.kraamzorg.rules import evaluate, relevant_questions
from bot.kraamzorg.tables import tables
from bot.parsing.money import format_eur
from bot.wellbeing.loss import in_loss_conversation

YES_NO_BUTTONS = [
    {"title": "Ja", "payload": "/affirm"},
    {"title": "Nee", "payload": "/deny"},
    {"title": "Weet ik niet", "payload": "weet ik niet"},
]
RESULT_BUTTONS = [
    {"title": "Opnieuw doen", "payload": "/kraamzorg_check"},
    {"title": "Aanmelden voor hulp", "payload": "/request_registration"},
    {"title": "Iets anders vragen", "payload": "/ask_capabilities"},
]


def today() -> dt.date:
    """The date of the check (a function so tests can fix it)."""
    return dt.date.today()


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _said(value: Any, tracker: Tracker) -> Any:
    """What she actually typed or clicked, rather than a from_intent value.

    A 'Weet ik niet' button or text can be classified as ``deny`` by NLU, which the
    from_intent mapping turns into 'no'; the text is the better witness.
    """
    text = tracker.latest_message.get("text")
    return text if isinstance(text, str) and text.strip() else value


def _answers(tracker: Tracker) -> kz.Answers:
    """Her answers; after a baby loss the pregnancy question is not asked (treated as born)."""
    slots = dict(tracker.slots)
    if in_loss_conversation(slots):
        slots[kz.SLOTS["pregnancy"]] = kz.BORN
    return kz.answers_from_slots(slots)


def _reask(dispatcher: CollectingDispatcher, slot: str, parsed: kz.Parsed) -> dict[str, Any]:
    if parsed.value is None:
        dispatcher.utter_message(text=parsed.problem or "Dat begrijp ik niet goed.")
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
              "hours": "het aantal uren", "household": "hoe je woont"}


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


class ValidateKraamzorgForm(FormValidationAction):
    """Validate every kz_ slot and decide which questions still matter."""

    def name(self) -> str:
        return "validate_kraamzorg_form"

    def _early(self, slot: str, tracker: Tracker) -> dict[str, Any]:
        """Take an answer from the message that started the check, so it is not asked again."""
        if tracker.get_slot("requested_slot") is not None or tracker.get_slot(slot) is not None:
            return {}
        value = kz.early_answers(tracker.latest_message.get("text"), today()).get(slot)
        return {slot: value} if value is not None else {}

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
        return _reask(dispatcher, "kz_in_rotterdam", kz.parse_in_rotterdam(_said(value, tracker), _intent(tracker)))

    @_explain_first
    def validate_kz_insurance(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        return _reask(dispatcher, "kz_insurance", kz.parse_insurance(value, _intent(tracker)))

    @_explain_first
    def validate_kz_household(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        return _reask(dispatcher, "kz_household", kz.parse_household(value, _intent(tracker)))

    @_explain_first
    def validate_kz_income(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        return _reask(dispatcher, "kz_income", kz.parse_income(value, _intent(tracker)))

    @_explain_first
    def validate_kz_debt_arrangement(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        parsed = kz.parse_yes_no_unknown(_said(value, tracker), _intent(tracker), "nee, ik zit niet in een schuldregeling")
        return _reask(dispatcher, "kz_debt_arrangement", parsed)

    @_explain_first
    def validate_kz_other_adults(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        return _reask(dispatcher, "kz_other_adults", kz.parse_other_adults(_said(value, tracker), _intent(tracker)))

    @_explain_first
    def validate_kz_under_21(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        return _reask(dispatcher, "kz_under_21", kz.parse_under_21(_said(value, tracker), _intent(tracker)))

    @_explain_first
    def validate_kz_savings(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        household = kz.answers_from_slots(tracker.slots).household
        limit = tables().asset_limit_for(household, today()) if household else None
        parsed = kz.parse_savings(_said(value, tracker), _intent(tracker), limit.amount if limit else None)
        return _reask(dispatcher, "kz_savings", parsed)

    @_explain_first
    def validate_kz_savings_amount(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        return _reask(dispatcher, "kz_savings_amount", kz.parse_savings_amount(value, _intent(tracker)))

    @_explain_first
    def validate_kz_pregnancy(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        return _reask(dispatcher, "kz_pregnancy", kz.parse_pregnancy_answer(value, _intent(tracker), today()))

    @_explain_first
    def validate_kz_used_this_year(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        parsed = kz.parse_yes_no_unknown(_said(value, tracker), _intent(tracker), "nee, dit jaar nog niet")
        return _reask(dispatcher, "kz_used_this_year", parsed)

    @_explain_first
    def validate_kz_hours(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        return _reask(dispatcher, "kz_hours", kz.parse_hours(value, _intent(tracker)))


class ActionAskKzSavings(Action):
    """Ask about savings, naming the asset limit that applies to her household today."""

    def name(self) -> str:
        return "action_ask_kz_savings"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        answers = kz.answers_from_slots(tracker.slots)
        limit = tables().asset_limit_for(answers.household, today()) if answers.household else None
        who = "samen met je partner " if answers.household and answers.household.value == "couple" else ""
        if limit is not None:
            text = (f"Heb je {who}meer dan {format_eur(limit.amount)} aan spaargeld of ander vermogen? "
                    "Je mag ook het bedrag typen.")
        else:
            text = f"Heb je {who}meer spaargeld of ander vermogen dan de grens van de bijstand?"
        dispatcher.utter_message(text=text, buttons=YES_NO_BUTTONS)
        return []


class ActionKraamzorgResult(Action):
    """Show the outcome with reasons, amounts and next steps; then forget the answers."""

    def name(self) -> str:
        return "action_kraamzorg_result"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        answers = _answers(tracker)
        outcome = evaluate(answers, today())
        # after a baby loss the pregnancy is not asked, and not repeated back to her
        recap = answers_recap(replace(answers, pregnancy=None) if in_loss_conversation(tracker.slots) else answers)
        messages = ([recap] if recap else []) + render_outcome(outcome)
        for text in messages[:-1]:
            dispatcher.utter_message(text=text, answer_id="kraamzorg_check")
        dispatcher.utter_message(text=messages[-1] + "\n\nWat wil je nu doen?", buttons=RESULT_BUTTONS,
                                 answer_id="kraamzorg_check")
        return [SlotSet(slot, None) for slot in kz.SLOTS.values()]
