"""The action server's answers are checked with a cached validator, exactly as Rasa checks them."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.resilience import response_validation

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "language", "value": "en"}], "responses": [{"text": "Hoi"}]},
    {"events": [{"event": "followup", "name": "action_listen"}]},
]
INVALID = [
    {"events": [{"event": "slot"}]},  # a slot event needs its name
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"responses": ["text"]},
]


def _original(result: dict) -> str | None:
    """The message Rasa's own check (jsonschema.validate, schema checked every call) gives, or None."""
    try:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    except jsonschema.ValidationError as err:
        return err.message
    return None


@pytest.mark.parametrize("result", VALID)
def test_valid_answers_pass(result: dict) -> None:
    assert _original(result) is None
    assert response_validation.validate_action_result(RemoteAction("x", None), result) is True


@pytest.mark.parametrize("result", INVALID)
def test_invalid_answers_raise_the_same_error(result: dict) -> None:
    expected = _original(result)
    assert expected is not None
    with pytest.raises(jsonschema.ValidationError) as caught:
        response_validation.validate_action_result(RemoteAction("x", None), result)
    assert caught.value.message.startswith(expected + ". Failed to validate Action server response")


def test_install_replaces_rasas_check_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    response_validation.install()
    assert RemoteAction._validate_action_result is response_validation.validate_action_result
    assert response_validation.install() is False  # idempotent
    with pytest.raises(jsonschema.ValidationError):
        RemoteAction("x", None)._validate_action_result({"events": [{"event": "slot"}]})
