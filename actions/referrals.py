"""Referral cards, the hand-off to a person, and follow-up questions about the last answer.

Thin adapters: content and rules live in bot/referrals.py, bot/contacts.py, bot/terms.py.
Every answer carries an ``answer_id`` ('referral:<id>', 'cjg', 'human', 'term:<id>').
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.messages import remind_open_needs, utter_split
from bot.content import cards, other_question_button, render_detail
from bot.content import human_button as localized_human_button
from bot.languages.conversation import lang_of
from bot.loop.render import loop_button
from bot.loop.texts import text as loop_text
from bot.referrals import (
    Referral,
    referral_for_intent,
    referrals,
    render_referral,
    render_referral_detail,
)
from bot.terms import (
    GLOBAL,
    Term,
    ask_which_text,
    context_from_events,
    find_terms,
    render_term,
    terms,
    terms_for_context,
)
from bot.wellbeing.loss import card_suppressed, in_loss_conversation
from bot.wellbeing.texts import text_set

CJG_BUTTON = {"title": "Wat is het CJG?", "payload": "/info_cjg"}
REGISTER_BUTTON = {"title": "Aanmelden voor hulp", "payload": "/request_registration"}


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def utter_loss_instead_of_card(dispatcher: CollectingDispatcher, lang: str = "nl") -> None:
    """After a loss, a pregnancy or newborn card is not shown: a gentle note instead."""
    dispatcher.utter_message(
        text=text_set("wellbeing/baby_loss", lang).render("card_instead"), buttons=[localized_human_button(lang)],
        answer_id="baby_loss",
    )


def utter_referral(dispatcher: CollectingDispatcher, tracker: Tracker, ref: Referral) -> list[dict[str, Any]]:
    if card_suppressed(ref.id, tracker.slots):
        utter_loss_instead_of_card(dispatcher, lang_of(tracker))
        return []
    ref = referrals(lang_of(tracker)).get(ref.id, ref)
    text, buttons = render_referral(ref)
    utter_split(dispatcher, text, buttons, ref.answer_id)
    return [SlotSet("offering", ref.id), *remind_open_needs(dispatcher, tracker, ref.intent)]


class ActionShowReferral(Action):
    """Show the referral card of the latest ``info_*`` intent (who answers it, how to reach them)."""

    def name(self) -> str:
        return "action_show_referral"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        ref = referral_for_intent(_intent(tracker))
        if ref is None:
            dispatcher.utter_message(response="utter_capabilities")
            return []
        return utter_referral(dispatcher, tracker, ref)


def referral_detail(dispatcher: CollectingDispatcher, tracker: Tracker, ref: Referral, aspect: str) -> list:
    """'Hoe regel ik dit?' / 'Voor wie is dit?' on a referral card (used by action_offering_detail)."""
    if card_suppressed(ref.id, tracker.slots):
        utter_loss_instead_of_card(dispatcher, lang_of(tracker))
        return []
    ref = referrals(lang_of(tracker)).get(ref.id, ref)
    text, buttons = render_referral_detail(ref, aspect)
    utter_split(dispatcher, text, buttons, ref.answer_id)
    return []


class ActionHuman(Action):
    """The hand-off to a person: who to call, for a pregnant woman and after the birth."""

    def name(self) -> str:
        return "action_human"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        lang = lang_of(tracker)
        texts = text_set("handoff", lang)
        cjg = texts.button("cjg", CJG_BUTTON["payload"])
        if in_loss_conversation(tracker.slots):
            text = texts.render("after_loss") + "\n\n" + texts.render("danger")
            buttons = [cjg, other_question_button(lang)]
        else:
            lines = [texts.render(key) for key in ("pregnant", "after_birth", "money_housing")]
            text = (texts.render("intro") + "\n\n" + "\n".join(lines) + "\n\n" + loop_text("human_offer", lang)
                    + "\n\n" + texts.render("danger"))
            # The aanmeldpunt's callback offer (issue 13, actions/loop.py) as follow-up buttons.
            buttons = [loop_button("callback", lang), loop_button("message", lang),
                       texts.button("register", REGISTER_BUTTON["payload"]), cjg, other_question_button(lang)]
        utter_split(dispatcher, f"{text}\n\n{texts.source_tag}", buttons, answer_id="human")
        return []


def _term_buttons(term: Term, context: str | None, lang: str = "nl") -> list[dict[str, str]]:
    """Other terms of the same answer (at most two), then a person; titles in ``lang``."""
    others = [t for t in terms_for_context(context, terms(lang)) if t.id != term.id and not t.card][:2]
    buttons = [{"title": t.button_title, "payload": f'/ask_term{{"term": "{t.id}"}}'} for t in others]
    if not buttons:
        buttons = [other_question_button(lang)]
    return [*buttons, localized_human_button(lang)]


class ActionExplainTerm(Action):
    """A question about a word or step in the answer just given: explain it from content.

    The answer's context (the kraamzorg outcome, a card, ...) decides which terms count;
    no term found: the card's 'how to' when the last answer was a card, else ask which word.
    """

    def name(self) -> str:
        return "action_explain_term"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        context = context_from_events(tracker.events, tracker.slots)
        term = self._picked_term(tracker) or next(iter(find_terms(tracker.latest_message.get("text") or "", context)), None)
        if term is not None and term.card and term.card in referrals():
            return utter_referral(dispatcher, tracker, referrals()[term.card])
        if term is not None:
            # Found with the Dutch patterns; explained in her language.
            lang = lang_of(tracker)
            term = terms(lang).get(term.id, term)
            utter_split(dispatcher, render_term(term), _term_buttons(term, context, lang), term.answer_id)
            return []
        card_id = context[5:] if context and context.startswith("card:") else None
        if card_id in referrals():
            return referral_detail(dispatcher, tracker, referrals()[card_id], "how")
        if card_id in cards() and not card_suppressed(card_id, tracker.slots):
            messages, buttons = render_detail(cards()[card_id], "how")  # a list of messages since the content rework
            for text in messages[:-1]:
                dispatcher.utter_message(text=text, answer_id=f"offering:{card_id}")
            dispatcher.utter_message(text=messages[-1], buttons=buttons, answer_id=f"offering:{card_id}")
            return []
        return self._ask_which(dispatcher, context, lang_of(tracker))

    @staticmethod
    def _picked_term(tracker: Tracker) -> Term | None:
        """A term chosen with a button (entity 'term'); unknown ids are ignored."""
        for entity in tracker.latest_message.get("entities") or []:
            if entity.get("entity") == "term" and entity.get("value") in terms():
                return terms()[entity["value"]]
        return None

    @staticmethod
    def _ask_which(dispatcher: CollectingDispatcher, context: str | None, lang: str = "nl") -> list:
        options = [t for t in terms_for_context(context, terms(lang)) if GLOBAL not in t.contexts][:2]
        buttons = [{"title": t.button_title, "payload": f'/ask_term{{"term": "{t.id}"}}'} for t in options]
        text = ask_which_text(bool(options), lang)
        dispatcher.utter_message(text=text, buttons=[*buttons, localized_human_button(lang)], answer_id="clarify")
        return []
