"""The parent's side of the loop with the aanmeldpunt (issue 13): status in the chat, privacy,
her own data (see, withdraw, erase), callback requests and messages for the staff.

Thin adapters to bot/loop. Who she is comes from the store (bot.store.parent_access): her own
cases (same pseudonymous sender) or a case she proved with its reference code and the last
two digits of her phone number. Nothing personal is shown to anyone else.

Withdrawal and erasure are reachable only from an explicit request in her own words (or the
bot's own button): the action that starts them arms the confirmation form; the form's
validation and the final action refuse to act when it was not armed.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.messages import utter_split
from bot.languages.conversation import lang_of
from bot.loop import render, requests, service
from bot.loop import slots as s
from bot.loop.adapters import aanmeldpunt_phone, erase_after_turn_event
from bot.loop.callback import CALL, CHAT, consent_buttons, consent_text, consent_version, moment_buttons
from bot.loop.texts import text
from bot.registration.consent import is_clear_no, is_clear_yes
from bot.registration.validators import check_phone, check_reachable
from bot.store.callbacks import MAX_MESSAGE_LENGTH
from bot.terms import context_from_events, is_follow_up_question

log = logging.getLogger(__name__)

STATUS, PRIVACY, CALLBACK, MY_DATA, VERIFY, WITHDRAW, ERASE = (
    "status", "privacy", "callback", "my_data", "verify", "withdraw", "erase",
)
PURPOSES = (STATUS, MY_DATA, WITHDRAW, ERASE)


# ---------------------------------------------------------------------------- helpers
def _text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _metadata(tracker: Tracker) -> dict[str, Any] | None:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            meta = event.get("metadata")
            return meta if isinstance(meta, dict) else None
    return None


def _channel(tracker: Tracker) -> str:
    try:
        return tracker.get_latest_input_channel() or "onbekend"
    except Exception:  # noqa: BLE001 - only used as a label
        return "onbekend"


def _lookup(tracker: Tracker) -> service.Lookup:
    return service.lookup(tracker.sender_id, _metadata(tracker))


def _answered(tracker: Tracker, slot: str, value: Any) -> bool:
    """``value`` is her answer to the question for ``slot`` (not a reset or a carried value)."""
    return value is not None and tracker.get_slot("requested_slot") == slot


ARM_TURNS = 4  # the question, her answer and up to two re-asks


def _user_turns(tracker: Tracker) -> int:
    return sum(1 for e in tracker.events if e.get("event") == "user")


def _arm(tracker: Tracker, kind: str) -> str:
    """The value of ``loop_armed``: what was asked for, and at which of her messages."""
    return f"{kind}:{_user_turns(tracker)}"


def _is_armed(tracker: Tracker, kind: str) -> bool:
    """True only when an explicit request for ``kind`` armed the confirmation a moment ago."""
    kind_at = str(tracker.get_slot(s.ARMED) or "")
    armed_kind, _, turn = kind_at.partition(":")
    if armed_kind != kind or not turn.isdigit():
        return False
    return 0 <= _user_turns(tracker) - int(turn) <= ARM_TURNS


def _unavailable(dispatcher: CollectingDispatcher, answer_id: str, lang: str = "nl") -> None:
    dispatcher.utter_message(text=text("unavailable", lang) + "\n" + render.phone_line(lang), answer_id=answer_id)


def _say_status(dispatcher: CollectingDispatcher, found: service.Lookup, lang: str = "nl") -> list[dict[str, Any]]:
    """The status answer for what this conversation may know (or: nothing found)."""
    if found.unavailable:
        _unavailable(dispatcher, STATUS, lang)
        return []
    if found.cases:
        body, buttons = render.status_answer(found.cases, lang)
        dispatcher.utter_message(text=body, buttons=buttons, answer_id=STATUS)
        return []
    body, buttons = render.none_found_answer(lang)
    dispatcher.utter_message(text=body, buttons=buttons, answer_id=STATUS)
    return [SlotSet(s.PURPOSE, STATUS)]


def _say_my_data(dispatcher: CollectingDispatcher, found: service.Lookup, lang: str = "nl") -> list[dict[str, Any]]:
    if found.unavailable:
        _unavailable(dispatcher, MY_DATA, lang)
        return []
    if not found.cases:
        body, buttons = render.none_found_data_answer(lang)
        dispatcher.utter_message(text=body, buttons=buttons, answer_id=MY_DATA)
        return [SlotSet(s.PURPOSE, MY_DATA)]
    data = service.export(found)
    if data is None:
        _unavailable(dispatcher, MY_DATA, lang)
        return []
    dispatcher.utter_message(text=render.my_data_answer(data, lang), buttons=[render.loop_button("erase", lang)], answer_id=MY_DATA)
    # The values shown are set and cleared again in the same turn: the redacting tracker store
    # learns them, removes them from its copy of this answer, and keeps no value.
    shown = render.shown_values(data)
    events: list[dict[str, Any]] = []
    for kind, slot in s.SHOWN.items():
        if shown[kind]:
            events += [SlotSet(slot, shown[kind]), SlotSet(slot, None)]
    return events


def _arm_withdrawal(dispatcher: CollectingDispatcher, tracker: Tracker,
                    found: service.Lookup) -> list[dict[str, Any]]:
    lang = lang_of(tracker)
    if found.unavailable:
        _unavailable(dispatcher, WITHDRAW, lang)
        return []
    if not found.with_data:
        dispatcher.utter_message(text=text("not_withdrawable", lang) + "\n" + render.phone_line(lang),
                                 buttons=[render.loop_button("register", lang)], answer_id=WITHDRAW)
        return [SlotSet(s.PURPOSE, WITHDRAW)]
    return [SlotSet(s.ARMED, _arm(tracker, WITHDRAW)), SlotSet(s.WITHDRAW_OK, None), ActiveLoop(s.WITHDRAW_FORM)]


def _arm_erasure(tracker: Tracker) -> list[dict[str, Any]]:
    return [SlotSet(s.ARMED, _arm(tracker, ERASE)), SlotSet(s.ERASE_OK, None), ActiveLoop(s.ERASE_FORM)]


# ---------------------------------------------------------------------------- status, privacy, data
class ActionLoopStatus(Action):
    """'Is mijn aanmelding aangekomen?', 'wanneer bellen ze?': the status from the store."""

    def name(self) -> str:
        return "action_loop_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        said = _text(tracker)
        code = requests.find_reference(said)
        if code:
            return _handle_reference(dispatcher, tracker, code, STATUS)
        if is_follow_up_question(said) and not _ABOUT_REGISTRATION.search(said.lower()) and context_from_events(
                tracker.events, tracker.slots):
            # "wanneer moet ik dat doen" right after a card is about that card, not her registration
            return [FollowupAction("action_explain_term")]
        return _say_status(dispatcher, _lookup(tracker), lang)


_ABOUT_REGISTRATION = re.compile(r"aanmeld|inschrijv|status|aanvraag|bellen ze|belt|gebeld|reactie|contact|terug")


def _handle_reference(dispatcher: CollectingDispatcher, tracker: Tracker, code: str,
                      purpose: str) -> list[dict[str, Any]]:
    """She gave a reference code: hers already (this chat made it or proved it), or check first."""
    lang = lang_of(tracker)
    found = _lookup(tracker)
    if found.unavailable:
        _unavailable(dispatcher, VERIFY, lang)
        return []
    if any(c.reference == code for c in found.cases):
        return _do_purpose(dispatcher, tracker, found, purpose)
    return [SlotSet(s.REF, code), SlotSet(s.PURPOSE, purpose), SlotSet(s.VERIFY, None), ActiveLoop(s.VERIFY_FORM)]


def _do_purpose(dispatcher: CollectingDispatcher, tracker: Tracker, found: service.Lookup,
                purpose: str) -> list[dict[str, Any]]:
    lang = lang_of(tracker)
    reset = [SlotSet(s.PURPOSE, None), SlotSet(s.REF, None)]
    if purpose == MY_DATA:
        return reset + _say_my_data(dispatcher, found, lang)
    if purpose == WITHDRAW:
        return reset + _arm_withdrawal(dispatcher, tracker, found)
    if purpose == ERASE:
        return reset + _arm_erasure(tracker)
    return reset + _say_status(dispatcher, found, lang)


class ActionLoopReference(Action):
    """Her reference code typed (alone or in a sentence)."""

    def name(self) -> str:
        return "action_loop_reference"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        code = requests.find_reference(_text(tracker))
        if code is None:
            dispatcher.utter_message(text=text("bad_reference", lang) + "\n" + render.phone_line(lang), answer_id=VERIFY)
            return []
        purpose = tracker.get_slot(s.PURPOSE)
        return _handle_reference(dispatcher, tracker, code, purpose if purpose in PURPOSES else STATUS)


class ActionLoopPrivacy(Action):
    """'Wie kan mijn gegevens zien?', 'privacy': what is stored, for whom, how long, how to see or delete it."""

    def name(self) -> str:
        return "action_loop_privacy"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        body, buttons = render.privacy_answer(lang)
        utter_split(dispatcher, body, buttons, answer_id=PRIVACY)
        return []


class ActionLoopMyData(Action):
    """'Wat weten jullie van mij?': everything stored about her, to her only (AVG art. 15)."""

    def name(self) -> str:
        return "action_loop_my_data"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        code = requests.find_reference(_text(tracker))
        if code:
            return _handle_reference(dispatcher, tracker, code, MY_DATA)
        return _say_my_data(dispatcher, _lookup(tracker), lang)


# ---------------------------------------------------------------------------- verification
class ValidateLoopVerifyForm(FormValidationAction):
    def name(self) -> str:
        return "validate_loop_verify_form"

    def validate_loop_verify_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> dict[str, Any]:
        lang = lang_of(tracker)
        if not _answered(tracker, s.VERIFY, value):
            return {}
        code = tracker.get_slot(s.REF)
        if not code:
            return {s.VERIFY: "failed"}
        digits = requests.parse_two_digits(_text(tracker))
        if digits is None:
            dispatcher.utter_message(text=text("digits_unclear", lang), answer_id=VERIFY)
            return {s.VERIFY: None}
        result = service.verify(tracker.sender_id, code, digits, _metadata(tracker))
        if result.result == "ok":
            return {s.VERIFY: "ok"}
        if result.result == "wrong" and result.attempts_left > 0:
            dispatcher.utter_message(text=text("digits_wrong", lang), answer_id=VERIFY)
            return {s.VERIFY: None}
        return {s.VERIFY: "unavailable" if result.result == "unavailable" else "failed"}


class ActionAskLoopVerifyPhone(Action):
    def name(self) -> str:
        return "action_ask_loop_verify_phone"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        dispatcher.utter_message(text=text("ask_digits", lang), answer_id=VERIFY)
        return []


class ActionLoopVerified(Action):
    """After the check: do what she asked for, or say that it did not work (and show nothing)."""

    def name(self) -> str:
        return "action_loop_verified"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        outcome = tracker.get_slot(s.VERIFY)
        purpose = tracker.get_slot(s.PURPOSE)
        reset = [SlotSet(s.VERIFY, None), SlotSet(s.REF, None), SlotSet(s.PURPOSE, None)]
        if outcome == "unavailable":
            _unavailable(dispatcher, VERIFY, lang)
            return reset
        if outcome != "ok":
            dispatcher.utter_message(text=text("verify_failed", lang) + "\n" + render.phone_line(lang), answer_id=VERIFY)
            return reset
        dispatcher.utter_message(text=text("verified", lang), answer_id=VERIFY)
        return reset + _do_purpose(dispatcher, tracker, _lookup(tracker), purpose if purpose in PURPOSES else STATUS)


# ---------------------------------------------------------------------------- withdrawal
class ActionLoopWithdrawStart(Action):
    """A withdrawal request. Only an explicit one arms the confirmation; anything else is a status question."""

    def name(self) -> str:
        return "action_loop_withdraw_start"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        said = _text(tracker)
        code = requests.find_reference(said)
        if not requests.is_explicit_withdrawal(said):
            log.info("withdrawal intent without a withdrawal request: answered as a status question")
            return _say_status(dispatcher, _lookup(tracker), lang) if code is None else _handle_reference(
                dispatcher, tracker, code, STATUS)
        if code:
            return _handle_reference(dispatcher, tracker, code, WITHDRAW)
        return _arm_withdrawal(dispatcher, tracker, _lookup(tracker))


class ActionAskRegWithdrawOk(Action):
    def name(self) -> str:
        return "action_ask_reg_withdraw_ok"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        found = _lookup(tracker)
        body, buttons = render.withdraw_question([c.reference for c in found.with_data] or [text("at_aanmeldpunt", lang)], lang)
        dispatcher.utter_message(text=body, buttons=buttons, answer_id=WITHDRAW)
        return []


class ValidateRegistrationWithdrawForm(FormValidationAction):
    def name(self) -> str:
        return "validate_registration_withdraw_form"

    def validate_reg_withdraw_ok(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        lang = lang_of(tracker)
        if not _is_armed(tracker, WITHDRAW):
            log.warning("withdrawal form ran without an explicit request: nothing done")
            return {s.WITHDRAW_OK: "no"}
        if not _answered(tracker, s.WITHDRAW_OK, value):
            return {}
        answer = requests.parse_confirmation(_text(tracker))
        if answer is None:
            dispatcher.utter_message(text=text("withdraw_unclear", lang),
                                     buttons=[render.loop_button("yes_withdraw", lang), render.loop_button("no_withdraw", lang)], answer_id=WITHDRAW)
            return {s.WITHDRAW_OK: None}
        return {s.WITHDRAW_OK: "yes" if answer else "no"}


class ActionRegistrationWithdraw(Action):
    """After the confirmation: withdraw on a clear yes to an explicit request; otherwise keep everything."""

    def name(self) -> str:
        return "action_registration_withdraw"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        from bot.registration.withdraw import WithdrawResult, result_text

        armed = _is_armed(tracker, WITHDRAW)
        reset = [SlotSet(s.WITHDRAW_OK, None), SlotSet(s.ARMED, None)]
        found = _lookup(tracker)
        if armed and tracker.get_slot(s.WITHDRAW_OK) == "yes":
            result = service.withdraw(found) if not found.unavailable else service.ChangeResult(unavailable=True)
            dispatcher.utter_message(
                text=result_text(WithdrawResult(references=result.references, unavailable=result.unavailable), lang),
                answer_id=WITHDRAW,
            )
            # As the privacy issue asks: a withdrawal also erases this conversation after the turn.
            return reset if result.unavailable else reset + [erase_after_turn_event()]
        still_open = any(c.status in service.OPEN_STATUSES for c in found.with_data)
        dispatcher.utter_message(text=text("withdraw_kept_open" if still_open else "withdraw_kept_other", lang),
                                 answer_id=WITHDRAW)
        return reset


# ---------------------------------------------------------------------------- erasure (AVG art. 17)
class ActionLoopEraseStart(Action):
    """'Verwijder mijn gegevens': only an explicit request arms the confirmation; otherwise show her data."""

    def name(self) -> str:
        return "action_loop_erase_start"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        said = _text(tracker)
        code = requests.find_reference(said)
        if not requests.is_explicit_erasure(said):
            log.info("erasure intent without a deletion request: answered with her data")
            if code:
                return _handle_reference(dispatcher, tracker, code, MY_DATA)
            return _say_my_data(dispatcher, _lookup(tracker), lang)
        if code:
            return _handle_reference(dispatcher, tracker, code, ERASE)
        found = _lookup(tracker)
        if found.unavailable:
            dispatcher.utter_message(text=text("erase_unavailable", lang) + "\n" + render.phone_line(lang), answer_id=ERASE)
            return []
        return _arm_erasure(tracker)


class ActionAskLoopEraseOk(Action):
    def name(self) -> str:
        return "action_ask_loop_erase_ok"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        found = _lookup(tracker)
        body, buttons = render.erase_question(found.cases, lang=lang)
        dispatcher.utter_message(text=body, buttons=buttons, answer_id=ERASE)
        return []


class ValidateLoopEraseForm(FormValidationAction):
    def name(self) -> str:
        return "validate_loop_erase_form"

    def validate_loop_erase_ok(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        lang = lang_of(tracker)
        if not _is_armed(tracker, ERASE):
            log.warning("erasure form ran without an explicit request: nothing done")
            return {s.ERASE_OK: "no"}
        if not _answered(tracker, s.ERASE_OK, value):
            return {}
        answer = requests.parse_confirmation(_text(tracker))
        if answer is None:
            dispatcher.utter_message(text=text("erase_unclear", lang),
                                     buttons=[render.loop_button("yes_erase", lang), render.loop_button("no_erase", lang)], answer_id=ERASE)
            return {s.ERASE_OK: None}
        return {s.ERASE_OK: "yes" if answer else "no"}


class ActionLoopErase(Action):
    """After the confirmation: delete her cases' data, her messages and this conversation."""

    def name(self) -> str:
        return "action_loop_erase"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        armed = _is_armed(tracker, ERASE)
        reset = [SlotSet(s.ERASE_OK, None), SlotSet(s.ARMED, None)]
        if not (armed and tracker.get_slot(s.ERASE_OK) == "yes"):
            dispatcher.utter_message(text=text("erase_kept", lang), answer_id=ERASE)
            return reset
        found = _lookup(tracker)
        if found.unavailable:
            dispatcher.utter_message(text=text("erase_unavailable", lang) + "\n" + render.phone_line(lang), answer_id=ERASE)
            return reset
        result = service.erase(tracker.sender_id, found, _metadata(tracker))
        if result.unavailable:
            dispatcher.utter_message(text=text("erase_unavailable", lang) + "\n" + render.phone_line(lang), answer_id=ERASE)
            return reset
        key = "erase_done" if result.references else "erase_done_chat_only"
        dispatcher.utter_message(text=text(key, lang), buttons=[render.loop_button("register", lang)], answer_id=ERASE)
        return reset + [erase_after_turn_event()]


# ---------------------------------------------------------------------------- callback request / message
def _mode(tracker: Tracker) -> str:
    return CHAT if (tracker.active_loop or {}).get("name") == s.MESSAGE_FORM else CALL


class ActionLoopCallbackStart(Action):
    """Start a callback request or a message with a clean slate."""

    def name(self) -> str:
        return "action_loop_callback_start"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        return [SlotSet("requested_slot", None)] + [SlotSet(slot, None) for slot in s.CALLBACK_SLOTS]


class ActionAskCbConsent(Action):
    def name(self) -> str:
        return "action_ask_cb_consent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        utter_split(dispatcher, consent_text(_mode(tracker), lang=lang), consent_buttons(lang), answer_id=CALLBACK)
        return []


class ActionAskCbPhone(Action):
    def name(self) -> str:
        return "action_ask_cb_phone"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        dispatcher.utter_message(text=text("ask_callback_phone", lang), answer_id=CALLBACK)
        return []


class ActionAskCbMoment(Action):
    def name(self) -> str:
        return "action_ask_cb_moment"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        dispatcher.utter_message(text=text("ask_callback_moment", lang), buttons=moment_buttons(lang), answer_id=CALLBACK)
        return []


class ActionAskCbMessage(Action):
    def name(self) -> str:
        return "action_ask_cb_message"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        dispatcher.utter_message(text=text("ask_message", lang), answer_id=CALLBACK)
        return []


class _ContactConsent:
    """Shared by the callback form and the message form: consent first, then the details.

    A mixin, not an Action subclass: rasa_sdk registers every Action subclass it finds.
    """

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        if tracker.get_slot(s.CB_OUTCOME):
            return []
        return domain_slots

    def validate_cb_consent(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> dict[str, Any]:
        lang = lang_of(tracker)
        if not _answered(tracker, s.CB_CONSENT, value):
            return {}
        said, intent = _text(tracker), _intent(tracker)
        if is_clear_yes(said, intent):
            return {
                s.CB_CONSENT: True,
                s.CB_CONSENT_AT: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                s.CB_CONSENT_VERSION: consent_version(_mode(tracker), lang=lang),
                s.CB_INSTANCE: secrets.token_hex(8),
            }
        unclear = not is_clear_no(said, intent)
        if unclear and not _asked_again(tracker, text("consent_unclear", lang)):
            # Not a yes and not a no (a phone number, a question): ask once more, nothing is stored.
            dispatcher.utter_message(text=text("consent_unclear", lang), answer_id=CALLBACK)
            return {s.CB_CONSENT: None}
        opening = text("consent_unclear", lang) + " " if unclear else ""
        dispatcher.utter_message(text=opening + text("callback_no_consent", lang, phone=aanmeldpunt_phone()),
                                 answer_id=CALLBACK)
        return {s.CB_CONSENT: False, s.CB_OUTCOME: "no_consent"}


def _asked_again(tracker: Tracker, unclear_text: str) -> bool:
    """Whether this form already asked for consent a second time (the bot said ``unclear_text``
    since the form started)."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == tracker.active_loop_name:
            return False
        if event.get("event") == "bot" and (event.get("text") or "").startswith(unclear_text):
            return True
    return False


class ValidateLoopCallbackForm(_ContactConsent, FormValidationAction):
    def name(self) -> str:
        return "validate_loop_callback_form"

    def validate_cb_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> dict[str, Any]:
        lang = lang_of(tracker)
        if not _answered(tracker, s.CB_PHONE, value):
            return {}
        checked = check_phone(_text(tracker), lang)
        if not checked.ok:
            dispatcher.utter_message(text=checked.problem, answer_id=CALLBACK)
        return {s.CB_PHONE: checked.value}

    def validate_cb_moment(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> dict[str, Any]:
        lang = lang_of(tracker)
        if not _answered(tracker, s.CB_MOMENT, value):
            return {}
        checked = check_reachable(_text(tracker), lang)
        if not checked.ok:
            dispatcher.utter_message(text=checked.problem, buttons=moment_buttons(lang), answer_id=CALLBACK)
        return {s.CB_MOMENT: checked.value}


class ValidateLoopMessageForm(_ContactConsent, FormValidationAction):
    def name(self) -> str:
        return "validate_loop_message_form"

    def validate_cb_message(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> dict[str, Any]:
        lang = lang_of(tracker)
        if not _answered(tracker, s.CB_MESSAGE, value):
            return {}
        said = _text(tracker).strip()
        if not said or said.startswith("/") or len(said) < 2:
            dispatcher.utter_message(text=text("ask_message", lang), answer_id=CALLBACK)
            return {s.CB_MESSAGE: None}
        if len(said) > MAX_MESSAGE_LENGTH:
            dispatcher.utter_message(text=text("message_too_long", lang) + "\n" + render.phone_line(lang), answer_id=CALLBACK)
            return {s.CB_MESSAGE: None}
        return {s.CB_MESSAGE: said}


class ActionLoopCallbackSubmit(Action):
    """After the callback or message form: store it (only with consent), confirm, forget the values."""

    def name(self) -> str:
        return "action_loop_callback_submit"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        reset = [SlotSet(slot, None) for slot in s.CALLBACK_SLOTS]
        if tracker.get_slot(s.CB_CONSENT) is not True or tracker.get_slot(s.CB_OUTCOME):
            return reset  # no consent: already answered, nothing stored
        phone, moment, message = (tracker.get_slot(x) for x in (s.CB_PHONE, s.CB_MOMENT, s.CB_MESSAGE))
        consent_at, version, instance = (tracker.get_slot(x) for x in (s.CB_CONSENT_AT, s.CB_CONSENT_VERSION,
                                                                        s.CB_INSTANCE))
        if not (version and instance and consent_at) or not (phone and moment) and not message:
            dispatcher.utter_message(text=text("callback_unavailable", lang, phone=aanmeldpunt_phone()), answer_id=CALLBACK)
            return reset
        result = service.submit_callback(
            tracker.sender_id, _channel(tracker), consent_version=str(version),
            consent_at=dt.datetime.fromisoformat(str(consent_at)), instance=str(instance),
            phone=phone, moment=moment, message=message, metadata=_metadata(tracker),
        )
        if result.unavailable:
            dispatcher.utter_message(text=text("callback_unavailable", lang, phone=aanmeldpunt_phone()), answer_id=CALLBACK)
            return reset
        if phone:
            body = text("callback_done", lang, reference=result.reference, moment=moment)
        else:
            body = text("message_done", lang, reference=result.reference)
        dispatcher.utter_message(text=body + "\n" + render.phone_line(lang), answer_id=CALLBACK)
        return reset
