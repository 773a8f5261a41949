"""Self-registration with the aanmeldpunt Moeders van Rotterdam (withdrawal: actions/loop.py).

Thin adapters: the rules (conditions, consent, validation, summary, submission) live in
bot/registration/. Consent is only ever set here, from the text of a clear answer to the
consent question; slot or entity payloads (``/intent{...}``) are never trusted.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_help import PersonOnRequest
from actions.messages import utter_split
from bot.content import human_button as localized_human_button
from bot.languages.conversation import lang_of
from bot.privacy.pseudonym import sender_key
from bot.privacy.texts import nothing_kept_text
from bot.registration import fields as f
from bot.registration import help_areas
from bot.registration.conditions import (
    BORN,
    NOT_PREGNANT,
    PREGNANT,
    born_text,
    not_pregnant_text,
    outside_rotterdam_text,
    parse_pregnant,
    parse_rotterdam,
)
from bot.registration.consent import (
    consent_buttons,
    consent_question_answer,
    consent_text,
    consent_version,
    is_clear_no,
    is_clear_yes,
    is_question,
)
from bot.registration.preferred_language import parse_preferred_language
from bot.registration.submit import done_text, missing_fields, submit, unavailable_text
from bot.registration.summary import CANCEL, CANCEL_TEXT, CONFIRM, parse_confirmation, render_summary, summary_buttons
from bot.registration.texts import button, is_button_title, text
from bot.registration.validators import check_due, check_name, check_phone, check_postcode, check_reachable
from bot.wellbeing.loss import in_loss_conversation
from bot.wellbeing.texts import text_set

TZ = ZoneInfo("Europe/Amsterdam")
RESTART_BUTTON = {"title": "Toch aanmelden", "payload": "/request_registration"}
HUMAN_BUTTON = {"title": "Praten met iemand", "payload": "/request_human"}


def _restart_button(lang: str) -> dict[str, str]:
    return button("restart", lang, payload="/request_registration")


def _human_button(lang: str) -> dict[str, str]:
    return button("human", lang, payload="/request_human")
# What has to be asked again when a field is corrected.
_CORRECTION_RESETS = {
    f.POSTCODE: (f.POSTCODE, f.GEBIED),
    f.DUE: (f.DUE, f.WEEKS),
    f.HELP: (f.HELP, f.HELP_PICKED, f.HELP_TEXT),
    f.LANGUAGE: (f.LANGUAGE, f.INTERPRETER),
}


def today() -> dt.date:
    return dt.datetime.now(TZ).date()


def _text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _channel(tracker: Tracker) -> str:
    try:
        return tracker.get_latest_input_channel() or "onbekend"
    except Exception:  # noqa: BLE001 - only used as a label
        return "onbekend"


def _answered(tracker: Tracker, slot: str, value: Any) -> bool:
    """True when ``value`` is her answer to the question for ``slot``.

    rasa_sdk validates every slot set at the end of the tracker, also slots reset to None
    (e.g. by action_registration_start just before the form starts): those are not answers.
    """
    return value is not None and tracker.get_slot("requested_slot") == slot


class ActionRegistrationStart(Action):
    """Explain the aanmeldpunt and start with a clean form (nothing left from an earlier try)."""

    def name(self) -> str:
        return "action_registration_start"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        reset = [SlotSet("requested_slot", None)] + [SlotSet(slot, None) for slot in f.ALL_SLOTS]
        if in_loss_conversation(tracker.slots):
            # After a baby loss: no pregnancy questions; the form ends at once (outcome set).
            lang = lang_of(tracker)
            dispatcher.utter_message(text=text_set("wellbeing/baby_loss", lang).render("registration_instead"),
                                     buttons=[localized_human_button(lang)], answer_id="baby_loss")
            return reset + [SlotSet(f.OUTCOME, "baby_loss")]
        dispatcher.utter_message(response="utter_registration_intro")
        return reset


class ValidateRegistrationForm(PersonOnRequest, FormValidationAction):
    def name(self) -> str:
        return "validate_registration_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        # An outcome (sent, not pregnant, outside Rotterdam, no consent) ends the form.
        if tracker.get_slot(f.OUTCOME):
            return []
        return domain_slots

    # ------------------------------------------------------------------ conditions
    def validate_reg_pregnant(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        if not _answered(tracker, "reg_pregnant", value):
            return {}
        lang = lang_of(tracker)
        answer = parse_pregnant(_text(tracker))
        if answer == PREGNANT:
            return {f.PREGNANT: True}
        if answer == BORN:
            dispatcher.utter_message(text=born_text(lang), buttons=[_human_button(lang)])
            return {f.PREGNANT: False, f.OUTCOME: "born"}
        if answer == NOT_PREGNANT:
            dispatcher.utter_message(text=not_pregnant_text(lang), buttons=[_human_button(lang)])
            return {f.PREGNANT: False, f.OUTCOME: "not_pregnant"}
        dispatcher.utter_message(text=text("conditions.pregnant_unclear", lang))
        return {f.PREGNANT: None}

    def validate_reg_rotterdam(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        if not _answered(tracker, "reg_rotterdam", value):
            return {}
        lang = lang_of(tracker)
        answer = parse_rotterdam(_text(tracker))
        if answer is True:
            return {f.ROTTERDAM: True}
        if answer is False:
            dispatcher.utter_message(text=outside_rotterdam_text(lang))
            return {f.ROTTERDAM: False, f.OUTCOME: "outside_rotterdam"}
        dispatcher.utter_message(text=text("conditions.rotterdam_unclear", lang))
        return {f.ROTTERDAM: None}

    # ------------------------------------------------------------------ consent
    def validate_reg_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> dict[str, Any]:
        if not _answered(tracker, "reg_consent", value):
            return {}
        said, intent = _text(tracker), _intent(tracker)
        lang = lang_of(tracker)
        if is_clear_yes(said, intent):
            # The version names the text (and its language) she saw: the question was asked in ``lang``.
            return {
                f.CONSENT: True,
                f.CONSENT_AT: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                f.CONSENT_VERSION: consent_version(lang=lang),
                f.INSTANCE: secrets.token_hex(8),
            }
        if is_question(said) and not is_clear_no(said, intent):
            # "wat is een intake?", "wie ziet mijn gegevens?": answer, then the consent question again.
            dispatcher.utter_message(text=consent_question_answer(said))
            return {f.CONSENT: None}
        opening = text("conditions.consent_no" if is_clear_no(said, intent) else "conditions.consent_unclear", lang)
        dispatcher.utter_message(
            text=f"{opening} {nothing_kept_text(lang)} {text('conditions.consent_way_back', lang)}",
            buttons=[_restart_button(lang), _human_button(lang)],
        )
        return {f.CONSENT: False, f.OUTCOME: "no_consent"}

    # ------------------------------------------------------------------ personal data
    def validate_reg_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> dict[str, Any]:
        if not _answered(tracker, "reg_name", value):
            return {}
        checked = check_name(_text(tracker), lang_of(tracker))
        if not checked.ok:
            dispatcher.utter_message(text=checked.problem)
        return {f.NAME: checked.value}

    def validate_reg_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> dict[str, Any]:
        if not _answered(tracker, "reg_phone", value):
            return {}
        checked = check_phone(_text(tracker), lang_of(tracker))
        if not checked.ok:
            dispatcher.utter_message(text=checked.problem)
        return {f.PHONE: checked.value}

    def validate_reg_postcode(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        if not _answered(tracker, "reg_postcode", value):
            return {}
        checked = check_postcode(_text(tracker), lang_of(tracker))
        if not checked.ok:
            dispatcher.utter_message(text=checked.problem)
            return {f.POSTCODE: None, f.GEBIED: None}
        return {f.POSTCODE: checked.value, f.GEBIED: (checked.extra or {}).get("gebied")}

    def validate_reg_due(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict) -> dict[str, Any]:
        if not _answered(tracker, "reg_due", value):
            return {}
        checked = check_due(_text(tracker), today(), lang_of(tracker))
        if not checked.ok:
            dispatcher.utter_message(text=checked.problem)
            return {f.DUE: None, f.WEEKS: None}
        return {f.DUE: checked.value, f.WEEKS: (checked.extra or {}).get("weeks")}

    def validate_reg_help(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> dict[str, Any]:
        if not _answered(tracker, "reg_help", value):
            return {}
        picked = [c for c in tracker.get_slot(f.HELP_PICKED) or [] if c in help_areas.BY_CODE]
        answer = help_areas.parse_help(_text(tracker))
        # Her own words go to the aanmeldpunt as she typed them, also when no area was recognised;
        # not a question she asks us ("is mijn aanmelding aangekomen?"): that is no need of hers.
        stray = answer is None and is_question(_text(tracker))
        words = tracker.get_slot(f.HELP_TEXT) if stray else help_areas.add_own_words(tracker.get_slot(f.HELP_TEXT),
                                                                                    _text(tracker))
        kept = {f.HELP_TEXT: words} if words != tracker.get_slot(f.HELP_TEXT) else {}
        if answer is None:
            dispatcher.utter_message(text=text("problems.help_not_understood", lang_of(tracker)))
            return {f.HELP: None, **kept}
        if answer.asked_about:
            # a question about an area: explain it and ask again, select nothing (and keep no words)
            dispatcher.utter_message(text=" ".join(help_areas.EXPLANATIONS[c] for c in answer.asked_about))
            return {f.HELP: None, f.HELP_PICKED: picked}
        if answer.removed:
            picked = [c for c in picked if c not in answer.removed]
            dispatcher.utter_message(text="Weggehaald: " + ", ".join(help_areas.label(c) for c in answer.removed) + ".")
            if answer.done and picked:
                return {f.HELP: picked, f.HELP_PICKED: picked, **kept}
            return {f.HELP: None, f.HELP_PICKED: picked, **kept}
        if answer.unknown and not answer.areas:
            chosen = picked or [help_areas.UNKNOWN]
            return {f.HELP: chosen, f.HELP_PICKED: chosen, **kept}
        picked += [c for c in answer.areas if c not in picked]
        if answer.done or len(picked) == len(help_areas.HELP_AREAS):
            if not picked:
                dispatcher.utter_message(text=text("problems.help_pick_one", lang_of(tracker)))
                return {f.HELP: None, **kept}
            return {f.HELP: picked, f.HELP_PICKED: picked, **kept}
        return {f.HELP: None, f.HELP_PICKED: picked, **kept}

    def validate_reg_reachable(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        if not _answered(tracker, "reg_reachable", value):
            return {}
        checked = check_reachable(_text(tracker), lang_of(tracker))
        if not checked.ok:
            dispatcher.utter_message(text=checked.problem)
        return {f.REACHABLE: checked.value}

    def validate_reg_language(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> dict[str, Any]:
        """The language she wants to be called in and whether she needs an interpreter (issue 14).

        Not a condition: an answer that names no language is kept as she typed it, and "weet ik
        niet" is recorded as not known, so the question never blocks her registration.
        """
        if not _answered(tracker, f.LANGUAGE, value):
            return {}
        said = _text(tracker)
        answer = parse_preferred_language(said)
        if (answer.language is None and not said.strip()) or is_button_title(said):
            # nothing, or another question's button ("Klopt, versturen"): ask again
            dispatcher.utter_message(text=text("problems.language_ask", lang_of(tracker)))
            return {f.LANGUAGE: None}
        return {f.LANGUAGE: answer.language or "unknown", f.INTERPRETER: answer.interpreter}

    # ------------------------------------------------------------------ summary and sending
    def validate_reg_confirm(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> dict[str, Any]:
        if not _answered(tracker, "reg_confirm", value):
            return {}
        choice = parse_confirmation(_text(tracker))
        lang = lang_of(tracker)
        if choice == CONFIRM:
            slots = dict(tracker.slots)
            missing = missing_fields(slots)
            if f.CONSENT in missing:  # cannot happen through the form; never store without consent
                dispatcher.utter_message(text=text("summary.failed", lang))
                return {f.CONFIRM: "failed", f.OUTCOME: "no_consent"}
            if missing:
                return {f.CONFIRM: None, **{slot: None for slot in missing}}
            result = submit(slots, sender_key(tracker.sender_id), _channel(tracker))
            if not result.ok:
                dispatcher.utter_message(text=unavailable_text(lang))
                return {f.CONFIRM: None}
            dispatcher.utter_message(text=done_text(slots.get(f.NAME), result.reference, lang))
            return {f.CONFIRM: "sent", f.REFERENCE: result.reference, f.OUTCOME: "registered"}
        if choice in _CORRECTION_RESETS or choice in (f.NAME, f.PHONE, f.REACHABLE):
            dispatcher.utter_message(text=text("summary.fixing", lang))
            return {f.CONFIRM: None, **{slot: None for slot in _CORRECTION_RESETS.get(choice, (choice,))}}
        if choice == CANCEL:
            dispatcher.utter_message(text=CANCEL_TEXT)
            return {f.CONFIRM: None}
        dispatcher.utter_message(text=text("summary.what_now", lang))
        return {f.CONFIRM: None}


class ActionAskRegConsent(Action):
    def name(self) -> str:
        return "action_ask_reg_consent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        # All its points, in messages of at most 60 words (issue 16); the buttons go with the last.
        utter_split(dispatcher, consent_text(lang=lang), consent_buttons(lang))
        return []


class ActionAskRegHelp(Action):
    def name(self) -> str:
        return "action_ask_reg_help"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        picked = [c for c in tracker.get_slot(f.HELP_PICKED) or [] if c in help_areas.BY_CODE]
        lang = lang_of(tracker)
        if picked:
            chosen = ", ".join(help_areas.label(c, lang) for c in picked)
            question = text("help.picked", lang, chosen=chosen)
        else:
            question = text("help.ask", lang)
        dispatcher.utter_message(text=question, buttons=help_areas.buttons(picked, lang))
        return []


class ActionAskRegConfirm(Action):
    def name(self) -> str:
        return "action_ask_reg_confirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        dispatcher.utter_message(text=render_summary(tracker.slots, lang), buttons=summary_buttons(lang))
        return []


class ActionRegistrationFinish(Action):
    """After the form: forget every personal value (and the form's bookkeeping)."""

    def name(self) -> str:
        return "action_registration_finish"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        return [SlotSet(slot, None) for slot in f.ALL_SLOTS]


# The withdrawal dialogue (action_ask_reg_withdraw_ok, validate_registration_withdraw_form,
# action_registration_withdraw) lives in actions/loop.py: it is reachable only from an explicit
# withdrawal request, and also for a registration proved with its reference code (issue 13).
