"""Check the action server's answers against Rasa's schema once compiled, not per call.

Rasa 3.6 checks every answer of the action server with ``jsonschema.validate(result, schema)``
(``RemoteAction._validate_action_result``). ``jsonschema.validate`` first checks the *schema*
against its meta-schema, every time; for Rasa's event schema that is by far the most expensive
part of a custom action call: about 20 ms per call (measured with
``python -m bot.devtools.profile_turns``), and every message makes at least one call (the
slot-mapping hook) and usually two or three.

:func:`install` replaces that method, once per process, by one that does the same check with a
validator built once (the schema is a constant: ``RemoteAction.action_response_format_spec()``)
and raises the same ``ValidationError`` with the same message. It is installed by the pipeline
component ``ActionFailureGuard`` (bot/resilience/action_guard.py), which every Rasa process
loads with the model.
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Any

log = logging.getLogger(__name__)

_INSTALLED_FLAG = "_stevige_start_cached_validator"
_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # what jsonschema.validate does on every call: now once
    return cls(schema)


def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with the validator built once (same errors)."""
    from jsonschema import ValidationError, exceptions
    from rasa.shared.constants import DOCS_BASE_URL

    try:
        error = exceptions.best_match(_validator().iter_errors(result))
        if error is not None:
            raise error
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


def install() -> bool:
    """Replace ``RemoteAction._validate_action_result`` (idempotent). True when installed now."""
    from rasa.core.actions.action import RemoteAction

    with _lock:
        if getattr(RemoteAction._validate_action_result, _INSTALLED_FLAG, False):
            return False
        _validator()  # build it now, not while the first parent waits
        setattr(validate_action_result, _INSTALLED_FLAG, True)
        RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
        log.info("action server answers checked with a cached schema validator")
        return True
