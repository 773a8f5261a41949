"""Rasa side of the safety net: the NLU component and the generic "bel bij twijfel" line.

:class:`SafetyNet` runs last in the NLU pipeline (after FallbackClassifier). For every message
it asks :func:`bot.safety.decide` (the detector, with DIET's ranking as a second opinion) and

* an emergency tier becomes the intent ``safety_<tier>`` with confidence 1.0, whatever DIET
  said, so the rules answer it at any moment, also in the middle of a form;
* an unsure classifier-only safety prediction is withdrawn (intent ``nlu_fallback``);
* the decision is added to the parse result as ``safety`` (tier, language, topic, source),
  where the action server and the maybe line read it.

The ``maybe`` tier must add one short line before the normal answer, whatever that answer is
(a response, a custom action, a form question) and on every channel. Rasa has no hook for
that, so :func:`install_maybe_line` wraps ``MessageProcessor._run_action`` once per process
(the same technique as bot/resilience/action_guard.py): the first action after a user message
whose parse result says ``maybe`` sends the line first. Nothing else changes: the action,
its events and the policies' view of the conversation stay exactly as they were.
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Any

from rasa.core.actions.action import Action
from rasa.core.processor import MessageProcessor
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety import MAYBE, decide, maybe_text, start_warm_up

log = logging.getLogger(__name__)

SAFETY_KEY = "safety"          # key of the decision in the parse result (tracker.latest_message)
MAYBE_MARK = "safety_maybe"    # metadata mark on the sent maybe line
_INSTALLED_FLAG = "_stevige_start_maybe_line"
_install_lock = threading.Lock()


def _ranking(message: Message) -> list[tuple[str, float]]:
    return [
        (str(r.get(INTENT_NAME_KEY)), float(r.get("confidence") or 0.0))
        for r in (message.get(INTENT_RANKING_KEY) or [])
        if r.get(INTENT_NAME_KEY)
    ]


def apply_decision(message: Message) -> None:
    """Let the safety net decide on one parsed message (changes the message in place)."""
    decision = decide(message.get(TEXT) or "", _ranking(message))
    if decision.tier is None:
        return
    message.set(SAFETY_KEY, decision.as_dict(), add_to_output=True)
    if decision.intent is None:
        return
    confidence = 1.0 if decision.tier != MAYBE else float((message.get(INTENT) or {}).get("confidence") or 0.0)
    intent = {INTENT_NAME_KEY: decision.intent, "confidence": confidence}
    ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get(INTENT_NAME_KEY) != decision.intent]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)


# --------------------------------------------------------------------------- the maybe line

def _maybe_due(tracker: Any) -> dict[str, Any] | None:
    """The maybe decision of the latest user message, if its line has not been sent yet."""
    for event in reversed(list(tracker.events)):
        if isinstance(event, BotUttered) and (event.metadata or {}).get(MAYBE_MARK):
            return None
        if isinstance(event, UserUttered):
            decision = (event.parse_data or {}).get(SAFETY_KEY) or {}
            return decision if decision.get("tier") == MAYBE else None
    return None


def maybe_event(tracker: Any) -> BotUttered | None:
    """The line to send before the next action, or ``None``."""
    decision = _maybe_due(tracker)
    if decision is None:
        return None
    try:
        text = maybe_text(decision.get("topic"), decision.get("lang") or "nl")
    except Exception:  # noqa: BLE001 - the line is an extra; it must never break the answer
        log.exception("maybe line not available")
        return None
    return BotUttered(text=text, metadata={MAYBE_MARK: True})


class _WithMaybeLine:
    """Delegates to ``action``; puts the maybe line before the action's own events."""

    def __init__(self, action: Action, line: BotUttered) -> None:
        self._action = action
        self._line = line

    def __getattr__(self, name: str) -> Any:
        return getattr(self._action, name)

    def name(self) -> str:
        return self._action.name()

    async def run(self, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list[Event]:
        events = await self._action.run(output_channel, nlg, tracker, domain)
        return [self._line, *(events or [])]


def install_maybe_line() -> bool:
    """Wrap ``MessageProcessor._run_action`` (idempotent). Returns True when installed now."""
    with _install_lock:
        if getattr(MessageProcessor._run_action, _INSTALLED_FLAG, False):
            return False
        original = MessageProcessor._run_action

        @functools.wraps(original)
        async def _run_action(self: MessageProcessor, action: Action, tracker: Any, *args: Any, **kwargs: Any) -> bool:
            line = maybe_event(tracker)
            if line is not None:
                action = _WithMaybeLine(action, line)  # type: ignore[assignment]
            return await original(self, action, tracker, *args, **kwargs)

        setattr(_run_action, _INSTALLED_FLAG, True)
        MessageProcessor._run_action = _run_action  # type: ignore[method-assign]
        log.info("safety maybe line installed")
        return True


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(GraphComponent):
    """Apply :func:`bot.safety.decide` to every message (see the module docstring)."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyNet:
        install_maybe_line()
        start_warm_up()
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            apply_decision(message)
        return messages
