"""Store side of the parent loop: callback requests, her messages, verification, export, erasure.

Runs on SQLite and PostgreSQL (``db_url``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot.store import audit, parent_access
from bot.store.callbacks import CallbackInput, add_client_message, create_callback_request
from bot.store.cases import close
from bot.store.db import get_engine
from bot.store.registrations import (
    create_registration,
    get_registration,
    list_registrations,
    purge_expired,
)
from bot.store.testing import sample_registration_input

CONSENT_AT = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


def _callback(**overrides) -> CallbackInput:
    base = dict(
        channel="telegram", sender_key="sender-cb", consent_text_version="cb-1-abc", consent_at=CONSENT_AT,
        idempotency_key="cb-idem-1", phone="+31687654321", moment="'s middags",
    )
    base.update(overrides)
    return CallbackInput(**base)


def _raw_rows(url: str, table: str) -> str:
    with get_engine(url).connect() as conn:
        return repr(conn.execute(sa.text(f"SELECT * FROM {table}")).all())


# ---------------------------------------------------------------- callback requests
def test_callback_request_is_a_case_in_the_queue_encrypted(db_url):
    ref = create_callback_request(_callback(), url=db_url)
    assert ref.startswith("MVR-")
    queue = {r.reference: r for r in list_registrations(url=db_url)}
    assert queue[ref].status == "new" and queue[ref].phone == "+31687654321" and queue[ref].name is None
    [case] = parent_access.cases_for_sender(["sender-cb"], url=db_url)
    assert (case.reference, case.kind, case.has_phone) == (ref, "callback", True)
    raw = _raw_rows(db_url, "registrations")
    assert "87654321" not in raw and "middag" not in raw
    assert any(e.action == "created" and "kind=callback" in (e.detail or "") for e in audit.entries(url=db_url))


def test_callback_request_is_idempotent(db_url):
    first = create_callback_request(_callback(), url=db_url)
    again = create_callback_request(_callback(phone="+31600000000"), url=db_url)
    assert first == again
    assert len(list_registrations(url=db_url)) == 1


def test_message_request_keeps_her_message_encrypted_in_the_thread(db_url):
    ref = create_callback_request(
        _callback(phone=None, moment=None, message="Ik heb een vraag over mijn huur", idempotency_key="m1"),
        url=db_url,
    )
    [data] = parent_access.export_cases([ref], url=db_url)
    assert [(m.direction, m.actor, m.text) for m in data.messages] == [("in", "client", "Ik heb een vraag over mijn huur")]
    assert "huur" not in _raw_rows(db_url, "thread_messages")


@pytest.mark.parametrize("overrides, problem", [
    ({"phone": None, "message": None}, "phone or message"),
    ({"phone": "0612345678"}, "E.164"),
    ({"moment": ""}, "moment"),
    ({"message": "x" * 2001}, "message too long"),
    ({"sender_key": ""}, "sender_key"),
])
def test_callback_request_validation(db_url, overrides, problem):
    with pytest.raises(ValueError, match=problem):
        create_callback_request(_callback(**overrides), url=db_url)


def test_message_added_to_her_registration_and_refused_after_deletion(db_url):
    ref = create_registration(sample_registration_input(), url=db_url)
    add_client_message(ref, "  Kunnen jullie na drie uur bellen?  ", "telegram", url=db_url)
    assert parent_access.count_messages(ref, url=db_url) == 1
    parent_access.withdraw_cases([ref], url=db_url)
    assert parent_access.count_messages(ref, url=db_url) == 0
    with pytest.raises(ValueError):
        add_client_message(ref, "nog een vraag", "telegram", url=db_url)
    with pytest.raises(ValueError):
        add_client_message(ref, "   ", "telegram", url=db_url)


def test_retention_purge_wipes_callback_and_its_messages(db_url):
    ref = create_callback_request(_callback(message="bel me aub", idempotency_key="p1"), url=db_url)
    close(ref, "no_help_needed", "anna", url=db_url)
    assert purge_expired(30, now=datetime.now(timezone.utc) + timedelta(days=31), url=db_url) == 1
    reg = get_registration(ref, url=db_url)
    assert reg.phone is None and reg.reachable is None and reg.personal_data_deleted
    assert parent_access.count_messages(ref, url=db_url) == 0


# ---------------------------------------------------------------- her cases and verification
def test_cases_for_sender_newest_first_and_only_hers(db_url):
    old = create_registration(sample_registration_input(sender_key="her"), url=db_url)
    create_registration(sample_registration_input(sender_key="someone else", idempotency_key="x2"), url=db_url)
    new = create_callback_request(_callback(sender_key="her"), url=db_url)
    assert [c.reference for c in parent_access.cases_for_sender(["her"], url=db_url)] == [new, old]
    assert parent_access.cases_for_sender([], url=db_url) == []
    assert parent_access.cases_for_sender(["nobody"], url=db_url) == []


def test_verify_with_last_two_digits_grants_this_conversation_for_a_while(db_url):
    ref = create_registration(sample_registration_input(phone="+31612345678"), url=db_url)
    now = datetime.now(timezone.utc)
    outcome = parent_access.verify(ref.lower().replace("-", " "), "78", "other-chat", url=db_url, now=now)
    assert outcome.ok and outcome.reference == ref
    assert parent_access.verified_references("other-chat", url=db_url, now=now) == [ref]
    assert [c.reference for c in parent_access.accessible_cases(["other-chat"], url=db_url, now=now)] == [ref]
    later = now + timedelta(minutes=parent_access.GRANT_MINUTES + 1)
    assert parent_access.verified_references("other-chat", url=db_url, now=later) == []
    assert parent_access.accessible_cases(["third-chat"], url=db_url, now=now) == []


def test_wrong_digits_and_unknown_code_answer_the_same_and_are_limited_per_conversation(db_url):
    ref = create_registration(sample_registration_input(phone="+31612345678"), url=db_url)
    first = parent_access.verify(ref, "12", "guesser", url=db_url)
    unknown = parent_access.verify("MVR-2222-22", "78", "guesser", url=db_url)
    assert (first.result, unknown.result) == ("wrong", "wrong")
    assert (first.attempts_left, unknown.attempts_left) == (2, 1)
    third = parent_access.verify(ref, "99", "guesser", url=db_url)
    assert third.result == "wrong" and third.attempts_left == 0
    # now even the right answer is not checked in this conversation
    assert parent_access.verify(ref, "78", "guesser", url=db_url).result == "blocked"
    assert parent_access.verified_references("guesser", url=db_url) == []
    # another conversation may still prove it
    assert parent_access.verify(ref, "78", "her-new-phone", url=db_url).ok


def test_guessing_one_code_from_many_conversations_is_blocked(db_url):
    ref = create_registration(sample_registration_input(phone="+31612345678"), url=db_url)
    for i in range(parent_access.MAX_FAILED_PER_REFERENCE):
        assert parent_access.verify(ref, f"{i:02d}", f"bot-{i}", url=db_url).result == "wrong"
    assert parent_access.verify(ref, "78", "bot-last", url=db_url).result == "blocked"
    # the window passes
    tomorrow = datetime.now(timezone.utc) + parent_access.FAILURE_WINDOW + timedelta(minutes=1)
    assert parent_access.verify(ref, "78", "bot-last", url=db_url, now=tomorrow).ok


def test_no_grant_for_deleted_data_or_a_case_without_phone(db_url):
    ref = create_registration(sample_registration_input(phone="+31612345678"), url=db_url)
    assert parent_access.verify(ref, "78", "c1", url=db_url).ok
    parent_access.withdraw_cases([ref], url=db_url)
    assert parent_access.verified_references("c1", url=db_url) == []
    assert parent_access.verify(ref, "78", "c2", url=db_url).result == "wrong"
    chat_only = create_callback_request(_callback(phone=None, moment=None, message="hoi", idempotency_key="c"),
                                        url=db_url)
    assert parent_access.verify(chat_only, "78", "c3", url=db_url).result == "wrong"


# ---------------------------------------------------------------- export and erasure
def test_export_shows_every_field_and_is_audited(db_url):
    ref = create_registration(sample_registration_input(sender_key="her"), url=db_url)
    add_client_message(ref, "Mag ik ook 's avonds gebeld worden?", "telegram", url=db_url)
    [data] = parent_access.export_cases([ref], url=db_url)
    assert (data.name, data.phone, data.postcode) == ("Fatima Zwanenburg", "+31612345678", "3072AB")
    assert data.due_date.isoformat() == "2026-05-01" and data.weeks_pregnant == 22
    assert data.help_areas == ["geld en administratie", "wonen"] and data.reachable == "doordeweeks 's ochtends"
    assert data.consent_text_version == "consent-v1" and data.consent_at == datetime(2025, 11, 3, 10, 0, tzinfo=timezone.utc)
    assert [m.text for m in data.messages] == ["Mag ik ook 's avonds gebeld worden?"]
    assert any(e.action == "own data shown" and e.reference == ref for e in audit.entries(url=db_url))


def test_erase_deletes_personal_data_messages_and_verification_links(db_url):
    ref = create_registration(sample_registration_input(sender_key="her"), url=db_url)
    cb = create_callback_request(_callback(sender_key="her", message="bel me"), url=db_url)
    closed = create_registration(sample_registration_input(sender_key="her", idempotency_key="old"), url=db_url)
    close(closed, "no_help_needed", "anna", url=db_url)
    assert parent_access.verify(ref, "78", "other", url=db_url).ok
    erased = parent_access.erase_cases([ref, cb, closed], url=db_url)
    assert sorted(erased) == sorted([ref, cb, closed])
    for code in (ref, cb, closed):
        reg = get_registration(code, url=db_url)
        assert reg.personal_data_deleted and reg.name is None and reg.phone is None and reg.reachable is None
        assert parent_access.count_messages(code, url=db_url) == 0
    assert get_registration(ref, url=db_url).status == "withdrawn"
    assert get_registration(cb, url=db_url).status == "withdrawn"
    assert get_registration(closed, url=db_url).status == "closed"
    assert _raw_rows(db_url, "verification_attempts") == "[]"
    assert parent_access.cases_for_sender(["her"], url=db_url) == []  # the link to her sender is gone too
    assert parent_access.erase_cases([], url=db_url) == []


# ---------------------------------------------------------------- housekeeping and notification
def test_purge_forgets_old_verification_attempts(db_url):
    ref = create_registration(sample_registration_input(), url=db_url)
    now = datetime.now(timezone.utc)
    parent_access.verify(ref, "11", "old-chat", url=db_url, now=now - timedelta(days=3))
    parent_access.verify(ref, "78", "new-chat", url=db_url, now=now)
    assert parent_access.purge_verification_attempts(now, url=db_url) == 1
    assert parent_access.verified_references("new-chat", url=db_url, now=now) == [ref]


def test_cli_purge_reports_verification_attempts(db_url, monkeypatch, capsys):
    from bot.store import cli

    monkeypatch.setenv("DATABASE_URL", db_url)
    assert cli.main(["purge"]) == 0
    assert "0 chat verification attempt(s)" in capsys.readouterr().out


@pytest.mark.parametrize("kind, subject", [
    ("registration", "Nieuwe aanmelding"), ("callback", "Nieuw terugbelverzoek"), ("message", "Nieuw bericht bij"),
])
def test_notification_says_what_came_in_without_personal_data(kind, subject, monkeypatch):
    from bot.store import notify

    monkeypatch.setenv("NOTIFY_TO", "aanmeldpunt@example.org")
    msg = notify.build_message("MVR-NWZT-TN", kind)
    assert msg["Subject"] == f"{subject} MVR-NWZT-TN" and "/registrations/MVR-NWZT-TN" in msg.get_content()
