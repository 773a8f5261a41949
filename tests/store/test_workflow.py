"""The state machine: every (state, action, role) combination, allowed and forbidden (pure, no database)."""

from __future__ import annotations

import itertools

import pytest

from bot.store.errors import NotAllowed
from bot.store.workflow import (
    ACTIONS,
    CALL_RESULTS,
    CLOSE_REASONS,
    OPEN_STATUSES,
    CaseState,
    allowed,
    check,
    status_after_call,
    status_after_claim,
    status_after_release,
)

ME, OTHER = "anna", "bram"
ROLES = ("staff", "coordinator", "admin")
TARGET = {"set_status": None, "close": "duplicate", "call": "spoken"}


def states():
    for status in (*OPEN_STATUSES, "closed", "withdrawn"):
        for erased in (False, True):
            for claimed_by in (None, ME, OTHER):
                for requested in (False, True):
                    for withdrawn_by in ((None,) if status != "withdrawn" else ("staff", "client")):
                        yield CaseState(status, erased, claimed_by, requested, withdrawn_by)


def expected(action: str, s: CaseState, role: str) -> bool:
    """The rules of docs/staff-app.md, written out independently of the implementation."""
    coordinator = role in ("coordinator", "admin")
    if s.erased:
        return False
    if action == "erase":
        return coordinator
    if action == "request_erasure":
        return not s.erasure_requested
    if action == "reopen":
        return s.status == "closed" or (s.status == "withdrawn" and s.withdrawn_by != "client" and coordinator)
    if s.status == "withdrawn":
        return False
    if s.status == "closed":
        return action == "note"
    if action == "claim":
        return s.claimed_by in (None, ME)
    if action == "takeover":
        return s.claimed_by == OTHER
    if action == "release":
        return s.claimed_by == ME or (s.claimed_by == OTHER and coordinator)
    return True  # set_status (to another open status), close, withdraw, note, call


ALL_STATES = list(states())


@pytest.mark.parametrize("action", ACTIONS)
def test_every_transition(action):
    """Each action against every state (status x erased x claim x erasure request x withdrawn by) and role."""
    checked = 0
    for state, role in itertools.product(ALL_STATES, ROLES):
        target = TARGET.get(action)
        if action == "set_status":
            target = next(t for t in OPEN_STATUSES if t != state.status)
        want = expected(action, state, role)
        assert allowed(action, state, ME, role, target) is want, (action, state, role)
        if not want:
            with pytest.raises(NotAllowed) as err:
                check(action, state, ME, role, target)
            reason = str(err.value)
            assert reason[:1].isupper() and reason.endswith((".", "?")), reason  # a Dutch sentence for the page
        checked += 1
    # 5 statuses x 2 x 3 claims x 2 requests, plus withdrawn x 2 x 3 x 2 x 2 (by staff or client); 3 roles
    assert checked == (5 * 2 * 3 * 2 + 2 * 3 * 2 * 2) * 3


@pytest.mark.parametrize("status", OPEN_STATUSES)
def test_set_status_only_between_other_open_statuses(status):
    state = CaseState(status)
    for target in OPEN_STATUSES:
        assert allowed("set_status", state, ME, "staff", target) is (target != status)
    for target in ("closed", "withdrawn", "gone", None):
        with pytest.raises(NotAllowed):
            check("set_status", state, ME, "staff", target)


def test_close_needs_a_reason_from_the_list_and_call_a_known_result():
    state = CaseState("in_progress", claimed_by=ME)
    for reason in CLOSE_REASONS:
        assert allowed("close", state, ME, "staff", reason)
    for bad in (None, "", "anders", "<b>"):
        assert not allowed("close", state, ME, "staff", bad)
        assert not allowed("call", state, ME, "staff", bad)
    for result in CALL_RESULTS:
        assert allowed("call", state, ME, "staff", result)


def test_reasons_name_the_colleague_and_the_role_needed():
    with pytest.raises(NotAllowed, match="Al opgepakt door bram"):
        check("claim", CaseState("in_progress", claimed_by=OTHER), ME, "staff")
    with pytest.raises(NotAllowed, match="coördinator"):
        check("erase", CaseState("closed"), ME, "staff")
    with pytest.raises(NotAllowed, match="coördinator"):
        check("reopen", CaseState("withdrawn", withdrawn_by="staff"), ME, "staff")
    with pytest.raises(NotAllowed, match="verwijderd"):
        check("reopen", CaseState("closed", erased=True), ME, "admin")


def test_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        check("explode", CaseState("new"), ME)


def test_status_side_effects():
    assert status_after_claim("new") == "in_progress"
    assert status_after_claim("contacted") == "contacted"
    assert status_after_release("in_progress") == "new"
    assert status_after_release("unreachable") == "unreachable"
    assert status_after_call("new", "spoken", 0, 3) == "contacted"
    assert status_after_call("unreachable", "spoken", 0, 3) == "contacted"
    assert status_after_call("new", "no_answer", 1, 3) == "in_progress"
    assert status_after_call("in_progress", "voicemail", 2, 3) == "in_progress"
    assert status_after_call("in_progress", "no_answer", 3, 3) == "unreachable"
    assert status_after_call("contacted", "no_answer", 3, 3) == "unreachable"
