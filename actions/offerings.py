"""Actions that show offering cards from content/offerings/."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.messages import OPEN_NEEDS_SLOT, remind_open_needs
from bot.content import card_for_intent, cards, render_detail, render_summary
from bot.conversation import need_for
from bot.languages.conversation import lang_of
from bot.terms import context_from_events
from bot.wellbeing.loss import card_suppressed

WHICH_OFFERING = {
    "nl": "Over welke hulp gaat je vraag? Noem de naam, of kies hieronder.",
    "en": "Which help is your question about? Say the name, or choose below.",
}
WHICH_OFFERING_BUTTONS = {
    "nl": [{"title": "Welke hulp is er?", "payload": "/ask_capabilities"},
           {"title": "Praten met iemand", "payload": "/request_human"}],
    "en": [{"title": "What help is there?", "payload": "/ask_capabilities"},
           {"title": "Talk to someone", "payload": "/request_human"}],
}


_ABOUT_THIS_CHAT = re.compile(r"\b(?:dit|deze|jij|jou|jullie|chat|app|bot|this|you)\b")


def _bot_spoke(tracker: Tracker) -> bool:
    """The bot already answered something in this conversation."""
    return any(event.get("event") == "bot" for event in tracker.events)


class ActionShowOffering(Action):
    """Render the card that belongs to the latest ``info_*`` intent."""

    def name(self) -> str:
        return "action_show_offering"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        card = card_for_intent(intent, lang_of(tracker))
        if card is None:
            dispatcher.utter_message(response="utter_capabilities")
            return []
        if card_suppressed(card.id, tracker.slots):  # after a baby loss (bot/wellbeing/loss.py)
            from actions.referrals import utter_loss_instead_of_card

            utter_loss_instead_of_card(dispatcher, lang_of(tracker))
            return []
        text, buttons = render_summary(card)
        aspect = tracker.latest_message.get("offering_aspect")  # "wat is X en hoe meld ik me aan" (bot/nlu/interpret.py)
        if aspect in ("how", "for_whom"):
            dispatcher.utter_message(text=text, answer_id=f"offering:{card.id}")
            messages, buttons = render_detail(card, aspect)
            for extra in messages[:-1]:
                dispatcher.utter_message(text=extra, answer_id=f"offering:{card.id}")
            text = messages[-1]
        dispatcher.utter_message(text=text, buttons=buttons, answer_id=f"offering:{card.id}")
        return [SlotSet("offering", card.id), *remind_open_needs(dispatcher, tracker, card.intent)]


class ActionOfferingDetail(Action):
    """Answer 'how do I get this?' / 'is this for me?' for the card in the ``offering`` slot."""

    def name(self) -> str:
        return "action_offering_detail"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if context_from_events(tracker.events, tracker.slots) == "kraamzorg_outcome":
            # "Hoe vraag ik dat aan?" / "Waarom?" right after the kraamzorg outcome is about that outcome.
            return [FollowupAction("action_kraamzorg_more")]
        offering = tracker.get_slot("offering")
        lang = lang_of(tracker)
        card = cards(lang).get(offering) if isinstance(offering, str) else None
        if card is None and isinstance(offering, str):  # a referral card (content/referrals/)
            from actions.referrals import referral_detail
            from bot.referrals import referrals

            if offering in referrals():
                aspect = "for_whom" if intent == "offering_for_whom" else "how"
                return referral_detail(dispatcher, tracker, referrals()[offering], aspect)
        if card_suppressed(card.id if card else None, tracker.slots):
            from actions.referrals import utter_loss_instead_of_card

            utter_loss_instead_of_card(dispatcher, lang_of(tracker))
            return []
        about_this_chat = _ABOUT_THIS_CHAT.search(str(tracker.latest_message.get("text") or "").lower())
        if card is None and intent in ("offering_for_whom", "offering_how") and about_this_chat and not _bot_spoke(tracker):
            # "waar is dit voor?", "hoe werkt dit?" as her first message is about this chat: what it can do
            dispatcher.utter_message(response="utter_capabilities")
            return [SlotSet("offering", None)]
        if card is None:
            # right after a several-needs menu: its needs are the likely ones
            open_needs = [n for n in tracker.get_slot(OPEN_NEEDS_SLOT) or [] if isinstance(n, str)]
            menu = [{"title": need.title, "payload": f"/{need.intent}"}
                    for need in (need_for(n, lang) for n in open_needs) if need is not None]
            human = WHICH_OFFERING_BUTTONS[lang][1]
            buttons = [*menu[:3], human] if menu else WHICH_OFFERING_BUTTONS[lang]
            dispatcher.utter_message(text=WHICH_OFFERING[lang], buttons=buttons, answer_id="clarify")
            return [SlotSet("offering", None)]
        aspect = "for_whom" if intent == "offering_for_whom" else "how"
        messages, buttons = render_detail(card, aspect)
        for text in messages[:-1]:
            dispatcher.utter_message(text=text, answer_id=f"offering:{card.id}")
        dispatcher.utter_message(text=messages[-1], buttons=buttons, answer_id=f"offering:{card.id}")
        return []
