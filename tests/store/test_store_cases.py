"""Staff changes on cases, the queue and search, against SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot.store import audit, cases, notifications, queue
from bot.store.db import get_engine
from bot.store.errors import AlreadyClaimed, Conflict, NotAllowed
from bot.store.registrations import (
    create_registration,
    duplicates,
    get_registration,
    reindex,
    withdraw_by_sender,
)
from bot.store.testing import sample_registration_input as make_input

TODAY = date(2026, 3, 2)  # a Monday


@pytest.fixture(autouse=True)
def _index_key(monkeypatch):
    monkeypatch.setenv("SEARCH_INDEX_KEY", "store-test-key")


def make(url: str, key: str, **overrides) -> str:
    overrides.setdefault("sender_key", f"sender-{key}")
    return create_registration(make_input(idempotency_key=key, **overrides), url=url)


# ------------------------------------------------------------------ optimistic locking
def test_stale_version_is_refused_and_names_who_changed_it(db_url):
    ref = make(db_url, "a")
    v1 = get_registration(ref, url=db_url).version
    v2 = cases.claim(ref, "anna", expected_version=v1, url=db_url)
    assert v2 == v1 + 1
    with pytest.raises(Conflict) as err:
        cases.set_status(ref, "contacted", "bram", expected_version=v1, url=db_url)  # bram's page is old
    assert err.value.by == "anna"
    reg = get_registration(ref, url=db_url)
    assert reg.status == "in_progress" and reg.version == v2
    assert cases.set_status(ref, "contacted", "bram", expected_version=v2, url=db_url) == v2 + 1
    assert get_registration(ref, url=db_url).updated_by == "bram"


def test_two_colleagues_at_the_same_moment_only_one_wins(db_url):
    ref = make(db_url, "race")
    version = get_registration(ref, url=db_url).version
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def work(user: str, status: str) -> None:
        barrier.wait()
        try:
            cases.set_status(ref, status, user, expected_version=version, url=db_url)
            outcome[user] = "ok"
        except Conflict as err:
            outcome[user] = err

    threads = [threading.Thread(target=work, args=("anna", "contacted")),
               threading.Thread(target=work, args=("bram", "unreachable"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(type(v).__name__ for v in outcome.values()) == ["Conflict", "str"]
    winner = next(u for u, v in outcome.items() if v == "ok")
    reg = get_registration(ref, url=db_url)
    assert reg.updated_by == winner and reg.version == version + 1
    assert reg.status == {"anna": "contacted", "bram": "unreachable"}[winner]


# ------------------------------------------------------------------ claim, takeover, release
def test_claim_takeover_release_and_new_releases(db_url):
    ref = make(db_url, "c")
    cases.claim(ref, "anna", url=db_url)
    with pytest.raises(AlreadyClaimed) as held:
        cases.claim(ref, "bram", url=db_url)
    assert held.value.by == "anna"
    cases.claim(ref, "bram", takeover=True, url=db_url)
    assert [n.kind for n in notifications.for_user("anna", url=db_url)] == ["taken_over"]
    with pytest.raises(NotAllowed):
        cases.release(ref, "anna", url=db_url)  # not hers any more
    cases.release(ref, "bram", url=db_url)
    reg = get_registration(ref, url=db_url)
    assert reg.claimed_by is None and reg.status == "new"
    cases.set_status(ref, "contacted", "anna", url=db_url)  # a working status claims an unclaimed case
    assert get_registration(ref, url=db_url).claimed_by == "anna"
    cases.set_status(ref, "new", "anna", url=db_url)  # back to new: nobody holds it
    reg = get_registration(ref, url=db_url)
    assert reg.status == "new" and reg.claimed_by is None
    details = [e.detail for e in audit.entries(reference=ref, url=db_url) if e.action == "released"]
    assert details == ["from bram; in_progress -> new"]


# ------------------------------------------------------------------ withdrawal, erasure, reopen
def test_withdraw_by_phone_staff_requests_coordinator_erases(db_url):
    ref = make(db_url, "w")
    version, erased = cases.withdraw(ref, "anna", "staff", erase=True, url=db_url)
    assert not erased
    reg = get_registration(ref, url=db_url)
    assert reg.status == "withdrawn" and reg.withdrawn_by == "staff" and reg.erasure_requested_by == "anna"
    assert reg.name == "Fatima Zwanenburg"  # until a coordinator confirms
    assert [i.reference for i in queue.list_queue(queue.QueueQuery(view="erasure"), url=db_url).items] == [ref]
    assert queue.list_queue(queue.QueueQuery(), url=db_url).total == 0  # out of the work queue
    for action in (lambda: cases.claim(ref, "bram", url=db_url),
                   lambda: cases.add_note(ref, "bram", "x", url=db_url),
                   lambda: cases.set_status(ref, "new", "bram", url=db_url),
                   lambda: cases.erase(ref, "bram", "staff", url=db_url),
                   lambda: cases.reopen(ref, "bram", "staff", url=db_url)):
        with pytest.raises(NotAllowed):
            action()
    cases.erase(ref, "carla", "coordinator", url=db_url)
    reg = get_registration(ref, url=db_url)
    assert reg.personal_data_deleted and reg.name is None and reg.erasure_requested_by is None
    assert queue.view_counts(None, url=db_url)["erasure"] == 0
    with pytest.raises(NotAllowed):
        cases.reopen(ref, "carla", "coordinator", url=db_url)  # nothing left to work with
    entry = next(e for e in audit.entries(reference=ref, url=db_url) if e.action == "personal data deleted")
    assert (entry.actor, entry.detail) == ("carla", "requested by anna")


def test_coordinator_withdraws_and_erases_in_one_step_and_can_reopen_a_kept_withdrawal(db_url):
    ref = make(db_url, "x")
    _, erased = cases.withdraw(ref, "carla", "coordinator", erase=True, url=db_url)
    assert erased and get_registration(ref, url=db_url).personal_data_deleted
    kept = make(db_url, "y")
    cases.withdraw(kept, "anna", "staff", erase=False, url=db_url)
    with pytest.raises(NotAllowed):
        cases.reopen(kept, "anna", "staff", url=db_url)
    cases.reopen(kept, "carla", "coordinator", url=db_url)
    reg = get_registration(kept, url=db_url)
    assert reg.status == "in_progress" and reg.claimed_by == "carla" and reg.withdrawn_by is None


def test_close_with_reason_and_reopen(db_url):
    ref = make(db_url, "z")
    with pytest.raises(NotAllowed):
        cases.close(ref, "zomaar", "anna", url=db_url)
    cases.close(ref, "duplicate", "anna", url=db_url)
    reg = get_registration(ref, url=db_url)
    assert reg.status == "closed" and reg.close_reason == "duplicate"
    cases.add_note(ref, "anna", "Zelfde als de andere aanmelding", url=db_url)  # notes on a closed case: yes
    with pytest.raises(NotAllowed):
        cases.record_call(ref, "anna", "spoken", url=db_url)  # calls: no
    cases.reopen(ref, "bram", "staff", url=db_url)
    reg = get_registration(ref, url=db_url)
    assert reg.status == "in_progress" and reg.close_reason is None and reg.claimed_by == "bram"


def test_erasing_an_open_case_withdraws_it(db_url):
    ref = make(db_url, "open")
    cases.claim(ref, "anna", url=db_url)
    cases.erase(ref, "carla", "admin", url=db_url)
    reg = get_registration(ref, url=db_url)
    assert reg.status == "withdrawn" and reg.personal_data_deleted
    assert queue.view_counts(None, url=db_url)["new"] == 0


def test_client_withdrawal_shows_on_the_case_and_notifies_the_owner(db_url):
    ref = make(db_url, "chat", sender_key="her-chat")
    cases.claim(ref, "anna", url=db_url)
    assert withdraw_by_sender("her-chat", url=db_url) == [ref]
    reg = get_registration(ref, url=db_url)
    assert reg.status == "withdrawn" and reg.withdrawn_by == "client" and reg.withdrawn_at is not None
    assert reg.personal_data_deleted and reg.updated_by == "client"
    assert [(n.kind, n.reference) for n in notifications.for_user("anna", url=db_url)] == [("client_withdrew", ref)]
    assert notifications.unread_count("anna", url=db_url) == 1
    notifications.mark_read("anna", url=db_url)
    assert notifications.unread_count("anna", url=db_url) == 0
    unclaimed = make(db_url, "chat2", sender_key="other-chat")
    withdraw_by_sender("other-chat", url=db_url)
    assert get_registration(unclaimed, url=db_url).withdrawn_by == "client"  # nobody to notify: fine


# ------------------------------------------------------------------ notes and calls
def test_note_limits(db_url):
    ref = make(db_url, "n")
    with pytest.raises(NotAllowed, match="6.000 tekens"):
        cases.add_note(ref, "anna", "x" * 6000, url=db_url)
    cases.add_note(ref, "anna", "regel 1\nregel 2", url=db_url)
    assert get_registration(ref, url=db_url).notes[0].text == "regel 1\nregel 2"


def test_failed_calls_make_her_unreachable_and_a_conversation_contacted(db_url, monkeypatch):
    monkeypatch.setenv("STAFF_UNREACHABLE_AFTER", "3")
    ref = make(db_url, "calls")
    cases.record_call(ref, "anna", "no_answer", url=db_url)
    reg = get_registration(ref, url=db_url)
    assert reg.status == "in_progress" and reg.claimed_by == "anna"
    cases.record_call(ref, "anna", "voicemail", url=db_url)
    cases.record_call(ref, "bram", "no_answer", url=db_url)
    reg = get_registration(ref, url=db_url)
    assert reg.status == "unreachable" and [c.result for c in reg.calls] == ["no_answer", "voicemail", "no_answer"]
    cases.record_call(ref, "anna", "spoken", url=db_url)
    assert get_registration(ref, url=db_url).status == "contacted"
    with pytest.raises(NotAllowed):
        cases.record_call(ref, "anna", "gezellig", url=db_url)


# ------------------------------------------------------------------ queue
def _set_created(url: str, ref: str, when: datetime) -> None:
    with get_engine(url).begin() as conn:
        conn.execute(sa.text("UPDATE registrations SET created_at = :t WHERE reference = :r"),
                     {"t": when.astimezone(timezone.utc).replace(tzinfo=None), "r": ref})


def test_queue_urgent_first_then_longest_waiting_and_filters(db_url):
    now = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    old = make(db_url, "old", due_date=TODAY + timedelta(weeks=20), postcode="3072AB")  # Feijenoord, 20 weeks
    late = make(db_url, "late", due_date=TODAY + timedelta(weeks=7), postcode="3011AA")  # 33 weeks
    homeless = make(db_url, "homeless", due_date=TODAY + timedelta(weeks=25), postcode="onbekend")
    unsafe = make(db_url, "unsafe", due_date=TODAY + timedelta(weeks=25), own_words="Mijn vriend slaat mij soms",
                  help_areas=["Wonen"], postcode="3024AB")
    recent = make(db_url, "recent", due_date=TODAY + timedelta(weeks=25), help_areas=["Geld en administratie"],
                  postcode="3081AB")
    for i, ref in enumerate([old, late, homeless, unsafe, recent]):
        _set_created(db_url, ref, now - timedelta(days=10 - i))

    page = queue.list_queue(queue.QueueQuery(), today=TODAY, url=db_url)
    order = [i.reference for i in page.items]
    assert order[:3] == [late, homeless, unsafe] and order[3:] == [old, recent]
    flags = {i.reference: i.flags for i in page.items}
    assert flags[late] == ("late",) and flags[homeless] == ("no_address",) and flags[unsafe] == ("safety",)
    assert flags[old] == () and flags[recent] == ()
    weeks = {i.reference: i.weeks_now for i in page.items}
    assert weeks[late] == 33 and weeks[old] == 20

    def refs(**kw):
        return [i.reference for i in queue.list_queue(queue.QueueQuery(**kw), username="anna", today=TODAY,
                                                      url=db_url).items]

    assert refs(urgent_only=True) == [late, homeless, unsafe]
    assert refs(gebied="Feijenoord") == [old]
    assert refs(gebied="Charlois") == [recent]
    assert refs(help="geld") == [late, homeless, old, recent]  # the sample has "geld en administratie"
    assert refs(help="wonen") == [late, homeless, unsafe, old]  # the sample has "wonen"
    assert refs(sort="received") == [old, late, homeless, unsafe, recent]
    assert refs(sort="received", descending=True) == [recent, unsafe, homeless, late, old]
    assert refs(sort="due")[0] == late and refs(sort="due", descending=True)[-1] == late
    cases.claim(recent, "anna", url=db_url)
    assert refs(view="mine") == [recent] and refs(owner="anna") == [recent]
    assert recent not in refs(owner="-")
    counts = queue.view_counts("anna", url=db_url)
    assert counts["open"] == 5 and counts["new"] == 4 and counts["in_progress"] == 1 and counts["mine"] == 1
    # paging
    paged = queue.list_queue(queue.QueueQuery(per_page=2, page=3), today=TODAY, url=db_url)
    assert (paged.total, paged.pages, paged.page, len(paged.items)) == (5, 3, 3, 1)
    beyond = queue.list_queue(queue.QueueQuery(per_page=2, page=99), today=TODAY, url=db_url)
    assert beyond.page == 3
    with pytest.raises(ValueError):
        queue.list_queue(queue.QueueQuery(view="nope"), url=db_url)


def test_queue_columns_are_hashed_or_coarse(db_url):
    make(db_url, "p", own_words="Ik word bedreigd door mijn ex", help_areas=["Gezondheid"], postcode="onbekend")
    with get_engine(db_url).connect() as conn:
        row = dict(conn.execute(sa.text("SELECT * FROM registrations")).mappings().one())
    dump = json.dumps({k: str(v) for k, v in row.items()})
    for secret in ("Gezondheid", "gezondheid", "bedreigd", "onbekend", "no_address", "safety"):
        assert secret not in dump, secret
    assert row["flagged"] in (True, 1)


# ------------------------------------------------------------------ search
@pytest.mark.parametrize("typed", ["06-12345678", "+31 6 1234 5678", "0031612345678", "06 12 34 56 78"])
def test_search_by_phone_in_any_notation(db_url, typed):
    ref = make(db_url, "s1")
    make(db_url, "s2", phone="+31687654321", name="Sanne de Vries")
    assert [i.reference for i in queue.search_cases(typed, url=db_url)] == [ref]


def test_search_by_name_reference_and_across_statuses(db_url):
    fatima = make(db_url, "f", name="Fátima Zwanenburg")
    sanne = make(db_url, "s", name="Sanne de Vries", phone="+31687654321")
    zoe = make(db_url, "z", name="Zoë Çelik", phone="+31611111111")
    cases.close(sanne, "referred", "anna", url=db_url)

    def found(text):
        return [i.reference for i in queue.search_cases(text, url=db_url)]

    assert found("fatima") == [fatima] and found("ZWAN") == [fatima] and found("fat zwanenburg") == [fatima]
    assert found("de vries") == [sanne]  # closed cases are found too
    assert found("zoe celik") == [zoe] and found("Çel") == [zoe]
    assert found(fatima.lower()) == [fatima]
    assert found("priya") == [] and found("") == [] and found("x") == []
    cases.erase(zoe, "carla", "coordinator", url=db_url)
    assert found("zoe") == [] and found("0611111111") == []  # erased: nothing left to find


def test_duplicates_by_phone_across_statuses(db_url):
    first = make(db_url, "d1")
    second = make(db_url, "d2", name="Fatima Z.")
    other = make(db_url, "d3", phone="+31687654321")
    cases.close(first, "duplicate", "anna", url=db_url)
    assert duplicates(second, url=db_url) == [(first, "closed")]
    assert duplicates(first, url=db_url) == [(second, "new")]
    assert duplicates(other, url=db_url) == []


def test_reindex_after_a_new_index_key(db_url, monkeypatch):
    ref = make(db_url, "r")
    monkeypatch.setenv("SEARCH_INDEX_KEY", "rotated-key")
    assert queue.search_cases("fatima", url=db_url) == []
    assert reindex(url=db_url) == 1
    assert [i.reference for i in queue.search_cases("fatima", url=db_url)] == [ref]
