"""Never silence: when a custom action fails, the parent gets a Dutch apology.

Rasa 3.6 has no extension point for a failing custom action. When the action server is
down (or answers 5xx, or times out) ``MessageProcessor._run_action`` logs the exception,
drops the action's events and sends nothing: the parent hears nothing at all.

This module wraps ``MessageProcessor._run_action`` once per process. The wrapped action
behaves exactly as before, except that an exception (other than Rasa's own
``ActionExecutionRejection``, which is part of normal form handling) is replaced by one
``BotUttered`` event with the ``unavailable`` text from ``content/channels/texts.yml``
(sorry + aanmeldpunt phone number + 112). The failed action's events are still dropped,
so nothing half-done reaches the tracker (a slot a form could not validate stays empty);
when the action server is back, the next message continues the conversation where it was
(an active form stays active and re-asks its question).

At most one apology per user message is sent, however many actions fail in that turn.

The guard is installed by the pipeline component :class:`ActionFailureGuard` (listed in
config.yml), because a pipeline component is the one piece of project code that every
Rasa process (``rasa run``, ``rasa shell``, tests with ``Agent``) loads with the model.
The same component also installs :mod:`bot.resilience.response_validation` (the action server's
answers checked against Rasa's schema with a validator built once, not per call).
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Any

from rasa.core.actions.action import Action, ActionExecutionRejection
from rasa.core.processor import MessageProcessor
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.events import BotUttered, Event, UserUttered
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

log = logging.getLogger(__name__)

APOLOGY_MARK = "action_failure_apology"
FALLBACK_TEXT = (
    "Sorry, er gaat nu iets mis bij mij. Probeer het over een paar minuten opnieuw. "
    "Heb je nu hulp nodig? Bel het aanmeldpunt Moeders van Rotterdam: 010 267 26 53. "
    "Is er acuut gevaar? Bel 112."
)
_install_lock = threading.Lock()
_INSTALLED_FLAG = "_stevige_start_action_guard"


def apology_text() -> str:
    """The channels' 'unavailable' text (one source for every channel), or a built-in copy."""
    try:
        from bot.channels.common import text

        return text("unavailable")
    except Exception:  # noqa: BLE001 - the apology must never fail itself
        log.warning("channels text 'unavailable' not readable; using the built-in apology")
        return FALLBACK_TEXT


def _apologised_this_turn(tracker: Any) -> bool:
    """True when an apology was already sent since the latest user message."""
    for event in reversed(list(tracker.events)):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.metadata or {}).get(APOLOGY_MARK):
            return True
    return False


class _GuardedAction:
    """Delegates to ``action``; a failing ``run`` becomes an apology instead of silence."""

    def __init__(self, action: Action) -> None:
        self._action = action

    def __getattr__(self, name: str) -> Any:
        return getattr(self._action, name)

    def name(self) -> str:
        return self._action.name()

    async def run(self, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list[Event]:
        try:
            return await self._action.run(output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure of the action means: apologise
            # Rasa's own exception texts name the action, URL and status; others may hold user input.
            detail = str(exc)[:300] if type(exc) is RasaException else exc.__class__.__name__
            log.error(
                "action '%s' failed (%s); the parent gets the apology and the action's events are dropped",
                self._action.name(), detail,
            )
            if _apologised_this_turn(tracker):
                return []
            return [BotUttered(text=apology_text(), metadata={APOLOGY_MARK: True})]


def install() -> bool:
    """Wrap ``MessageProcessor._run_action`` (idempotent). Returns True when it was installed now."""
    with _install_lock:
        if getattr(MessageProcessor._run_action, _INSTALLED_FLAG, False):
            return False
        original = MessageProcessor._run_action

        @functools.wraps(original)
        async def _run_action(self: MessageProcessor, action: Action, *args: Any, **kwargs: Any) -> bool:
            return await original(self, _GuardedAction(action), *args, **kwargs)

        setattr(_run_action, _INSTALLED_FLAG, True)
        MessageProcessor._run_action = _run_action  # type: ignore[method-assign]
        log.info("action failure guard installed")
        return True


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ActionFailureGuard(GraphComponent):
    """Pipeline component that installs the guard when the model is loaded; messages pass unchanged."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ActionFailureGuard:
        install()
        # Same hook, for speed: the action server's answers are checked with a cached validator.
        from bot.resilience import response_validation

        response_validation.install()
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


install()
