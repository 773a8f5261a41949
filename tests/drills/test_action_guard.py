"""Unit tests of the 'never silence' guard around Rasa's action execution (no server needed)."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.actions.action import Action, ActionExecutionRejection
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.exceptions import RasaException

from bot.resilience import action_guard
from bot.resilience.action_guard import APOLOGY_MARK, _GuardedAction, apology_text

PHONE = "010 267 26 53"


class _Tracker:
    def __init__(self, events: list) -> None:
        self.events = events


class _Failing(Action):
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def name(self) -> str:
        return "action_show_offering"

    async def run(self, output_channel, nlg, tracker, domain):
        raise self.exc


class _Working(Action):
    def name(self) -> str:
        return "action_ok"

    async def run(self, output_channel, nlg, tracker, domain):
        return [BotUttered("ok")]


def _run(action: Action, events: list | None = None) -> list:
    tracker = _Tracker(events if events is not None else [UserUttered("hoi")])
    return asyncio.run(_GuardedAction(action).run(None, None, tracker, None))


def test_apology_is_dutch_with_the_aanmeldpunt_number() -> None:
    text = apology_text()
    assert PHONE in text and "Sorry" in text and "112" in text


def test_unreachable_action_server_becomes_one_apology() -> None:
    events = _run(_Failing(RasaException("Failed to execute custom action 'x'. Couldn't connect")))
    assert len(events) == 1 and isinstance(events[0], BotUttered)
    assert PHONE in events[0].text and events[0].metadata[APOLOGY_MARK] is True


def test_only_one_apology_per_user_message() -> None:
    first = _run(_Failing(RuntimeError("boom")))
    assert _run(_Failing(RuntimeError("again")), [UserUttered("hoi"), *first]) == []
    # a new user message: apologise again
    assert len(_run(_Failing(RuntimeError("boom")), [UserUttered("hoi"), *first, UserUttered("nog eens")])) == 1


def test_rejection_is_left_to_rasa() -> None:
    with pytest.raises(ActionExecutionRejection):
        _run(_Failing(ActionExecutionRejection("registration_form")))


def test_working_actions_are_untouched() -> None:
    events = _run(_Working())
    assert [e.text for e in events] == ["ok"]


def test_guard_is_installed_once_on_the_processor() -> None:
    assert getattr(MessageProcessor._run_action, "_stevige_start_action_guard", False)
    assert action_guard.install() is False


def test_guard_component_is_in_the_shipped_pipeline() -> None:
    import yaml

    from bot.testing.stack import ROOT

    names = [c["name"] for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]]
    assert "bot.resilience.action_guard.ActionFailureGuard" in names


# ------------------------------------------------------------------------------ message length limit
def test_long_messages_keep_head_and_tail_within_the_limit() -> None:
    from bot.resilience.message_limit import DEFAULT_MAX_CHARS, shorten_text

    assert shorten_text("hoi") == "hoi"
    text = "ik ben zwanger " + "bla " * 20000 + "help ik bloed heel erg"
    short = shorten_text(text)
    assert len(short) <= DEFAULT_MAX_CHARS
    assert short.startswith("ik ben zwanger") and short.endswith("help ik bloed heel erg")


def test_message_limit_component_is_first_in_the_shipped_pipeline() -> None:
    import yaml

    from bot.testing.stack import ROOT

    names = [c["name"] for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]]
    assert names[0] == "bot.resilience.message_limit.MessageLengthLimit"
