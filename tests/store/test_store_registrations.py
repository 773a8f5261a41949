"""Registrations: create, idempotency, encryption at rest, withdraw, staff operations, retention."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot.store import audit
from bot.store.cases import add_note, claim, close, erase, set_status, withdraw
from bot.store.db import get_engine
from bot.store.errors import AlreadyClaimed, NotFound
from bot.store.registrations import (
    count_by_status,
    create_registration,
    get_registration,
    list_registrations,
    normalize_reference,
    purge_expired,
    withdraw_by_sender,
)
from bot.store.testing import sample_registration_input as make_input

NAME = "Fatima Zwanenburg"
PHONE = "+31612345678"
POSTCODE = "3072AB"


def raw_rows(url: str, table: str) -> list[tuple]:
    with get_engine(url).connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {table}"))]


def test_create_and_read_back(db_url):
    ref = create_registration(make_input(), url=db_url)
    assert normalize_reference(ref) == ref
    reg = get_registration(ref, url=db_url)
    assert reg is not None
    assert (reg.name, reg.phone, reg.postcode) == (NAME, PHONE, POSTCODE)
    assert reg.due_date == date(2026, 5, 1) and reg.weeks_pregnant == 22
    assert reg.help_areas == ["geld en administratie", "wonen"]
    assert reg.status == "new" and reg.channel == "telegram"
    assert reg.consent_text_version == "consent-v1"
    assert reg.consent_at == datetime(2025, 11, 3, 10, 0, tzinfo=timezone.utc)
    assert reg.created_at.tzinfo is not None
    assert get_registration("MVR-XXXX-XX", url=db_url) is None
    assert [e.action for e in audit.entries(url=db_url)] == ["created"]


def test_personal_fields_are_ciphertext_at_rest(db_url):
    ref = create_registration(make_input(), url=db_url)
    add_note(ref, "anna", "Belde met Fatima Zwanenburg", url=db_url)
    dump = repr(raw_rows(db_url, "registrations")) + repr(raw_rows(db_url, "registration_notes"))
    assert ref in dump  # the reference itself is not personal and is readable
    for secret in (NAME, "Fatima", PHONE, "612345678", POSTCODE, "2026-05-01", "wonen", "ochtend", "Belde"):
        assert secret not in dump, secret
    audit_dump = repr(raw_rows(db_url, "audit_log"))
    for secret in ("Fatima", PHONE, POSTCODE, "Belde"):
        assert secret not in audit_dump


def test_same_idempotency_key_returns_same_reference(db_url):
    first = create_registration(make_input(), url=db_url)
    again = create_registration(make_input(name="Iemand Anders"), url=db_url)
    other = create_registration(make_input(idempotency_key="idem-2"), url=db_url)
    assert again == first and other != first
    assert len(list_registrations(url=db_url)) == 2


def test_concurrent_creates_with_one_key_store_one_registration(db_url):
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def worker() -> None:
        try:
            barrier.wait()
            results.append(create_registration(make_input(idempotency_key="same"), url=db_url))
        except BaseException as err:  # noqa: BLE001 - collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len(results) == 6 and len(set(results)) == 1
    assert len(list_registrations(url=db_url)) == 1


def test_invalid_input_is_rejected_and_nothing_written(db_url):
    with pytest.raises(ValueError):
        create_registration(make_input(phone="0612345678"), url=db_url)
    with pytest.raises(ValueError):
        create_registration(make_input(name="  "), url=db_url)
    assert list_registrations(url=db_url) == []


def test_withdraw_deletes_personal_data_and_keeps_anonymous_record(db_url):
    ref1 = create_registration(make_input(), url=db_url)
    ref2 = create_registration(make_input(idempotency_key="idem-2"), url=db_url)
    other = create_registration(make_input(idempotency_key="idem-3", sender_key="someone-else"), url=db_url)
    add_note(ref1, "anna", "voicemail ingesproken", url=db_url)

    assert sorted(withdraw_by_sender("sender-abc", url=db_url)) == sorted([ref1, ref2])
    for ref in (ref1, ref2):
        reg = get_registration(ref, url=db_url)
        assert reg.status == "withdrawn" and reg.personal_data_deleted
        assert (reg.name, reg.phone, reg.postcode, reg.due_date, reg.weeks_pregnant, reg.reachable) == (None,) * 6
        assert reg.help_areas == [] and reg.notes == []
        assert reg.channel == "telegram" and reg.created_at and reg.consent_text_version == "consent-v1"
    assert get_registration(other, url=db_url).name == NAME
    assert raw_rows(db_url, "registration_notes") == []
    actions = [(e.action, e.reference) for e in audit.entries(url=db_url)]
    assert ("withdrawn by client", ref1) in actions and ("withdrawn by client", ref2) in actions
    # nothing left to withdraw the second time
    assert withdraw_by_sender("sender-abc", url=db_url) == []
    assert withdraw_by_sender("unknown", url=db_url) == []


def test_staff_operations_and_audit(db_url):
    ref = create_registration(make_input(), url=db_url)
    assert count_by_status(url=db_url)["new"] == 1
    get_registration(ref, actor="anna", url=db_url)
    claim(ref, "anna", url=db_url)
    reg = get_registration(ref, url=db_url)
    assert reg.claimed_by == "anna" and reg.status == "in_progress"
    add_note(ref, "anna", "Huisbezoek gepland", url=db_url)
    set_status(ref, "contacted", "anna", url=db_url)
    with pytest.raises(AlreadyClaimed) as held:
        claim(ref, "bram", url=db_url)  # a colleague's case: only after the question
    assert held.value.by == "anna"
    claim(ref, "bram", takeover=True, url=db_url)
    reg = get_registration(ref, url=db_url)
    assert reg.status == "contacted" and reg.claimed_by == "bram"
    assert [n.text for n in reg.notes] == ["Huisbezoek gepland"]
    assert [r.reference for r in list_registrations("contacted", url=db_url)] == [ref]
    assert list_registrations("new", url=db_url) == []
    with pytest.raises(ValueError):
        set_status(ref, "gone", "anna", url=db_url)
    with pytest.raises(NotFound):
        claim("MVR-AAAA-AA", "anna", url=db_url)
    with pytest.raises(ValueError):
        add_note(ref, "anna", "   ", url=db_url)
    entries = list(reversed(audit.entries(reference=ref, url=db_url)))
    assert [(e.actor, e.action) for e in entries] == [
        ("client", "created"),
        ("anna", "viewed"),
        ("anna", "claimed"),
        ("anna", "note added"),
        ("anna", "status changed"),
        ("bram", "claimed"),
    ]
    assert entries[4].detail == "in_progress -> contacted"
    assert entries[5].detail == "takeover from anna"


def test_delete_personal_data_by_coordinator(db_url):
    ref = create_registration(make_input(), url=db_url)
    add_note(ref, "anna", "Belt terug", url=db_url)
    erase(ref, "carla", "coordinator", url=db_url)
    reg = get_registration(ref, url=db_url)
    assert reg.personal_data_deleted and reg.name is None and reg.notes == []
    assert reg.status == "withdrawn"  # erasure closes the case: it is not counted as new
    # her chat can no longer be linked to it
    assert withdraw_by_sender("sender-abc", url=db_url) == []
    with pytest.raises(ValueError):
        add_note(ref, "anna", "nog iets", url=db_url)
    assert audit.entries(url=db_url)[0].action == "personal data deleted"


def test_purge_expired_only_old_closed_or_withdrawn(db_url):
    now = datetime.now(timezone.utc)
    refs = {s: create_registration(make_input(idempotency_key=s, sender_key=s), url=db_url)
            for s in ("closed", "withdrawn", "contacted", "closed-recent")}
    close(refs["closed"], "no_help_needed", "anna", url=db_url)
    withdraw(refs["withdrawn"], "anna", erase=False, url=db_url)  # she asked to keep her data for now
    set_status(refs["contacted"], "contacted", "anna", url=db_url)
    close(refs["closed-recent"], "referred", "anna", url=db_url)
    add_note(refs["closed"], "anna", "afgerond", url=db_url)

    assert purge_expired(30, now, url=db_url) == 0  # nothing is 30 days old yet
    later = now + timedelta(days=31)
    # closed-recent was closed "now" as well; move its status change into the window
    with get_engine(db_url).begin() as conn:
        conn.execute(
            sa.text("UPDATE registrations SET status_changed_at = :t WHERE reference = :r"),
            {"t": (later - timedelta(days=5)).replace(tzinfo=None), "r": refs["closed-recent"]},
        )
    assert purge_expired(30, later, url=db_url) == 2
    assert get_registration(refs["closed"], url=db_url).name is None
    assert get_registration(refs["closed"], url=db_url).notes == []
    assert get_registration(refs["withdrawn"], url=db_url).name is None
    assert get_registration(refs["contacted"], url=db_url).name == NAME
    assert get_registration(refs["closed-recent"], url=db_url).name == NAME
    assert purge_expired(30, later, url=db_url) == 0  # idempotent
    assert sum(e.action == "personal data purged" for e in audit.entries(url=db_url)) == 2


def test_reference_codes_are_unambiguous_and_checked():
    from bot.store.registrations import REFERENCE_ALPHABET, new_reference

    codes = {new_reference() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert normalize_reference(code) == code
        assert normalize_reference(code.lower().replace("-", " ")) == code
        body = code.replace("-", "")[3:]
        assert not set(body) & set("01OIL")
        # any single-character typo is detected
        for i in range(6):
            for wrong in REFERENCE_ALPHABET:
                if wrong != body[i]:
                    typo = body[:i] + wrong + body[i + 1:]
                    assert normalize_reference(typo) is None
        # and any swap of two different neighbours
        for i in range(5):
            if body[i] != body[i + 1]:
                assert normalize_reference(body[:i] + body[i + 1] + body[i] + body[i + 2:]) is None
    assert normalize_reference("hallo") is None
