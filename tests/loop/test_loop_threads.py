"""Message threads in the store (issue 13, items 2 and 3): encrypted, wiped with the case, the
rules for where her replies land, delivery reports that never go backwards, handoff, and the
programme's anonymous overview numbers. SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot.store import cases, overview, threads
from bot.store.db import get_engine
from bot.store.registrations import create_registration, purge_expired
from bot.store.testing import sample_registration_input

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)  # a Monday


def _raw(url: str, table: str) -> str:
    with get_engine(url).connect() as conn:
        return repr(conn.execute(sa.text(f"SELECT * FROM {table}")).all())


def _case(url: str, channel: str = "telegram", key: str | None = None, **overrides) -> tuple[str, str]:
    key = key or "sender-" + uuid.uuid4().hex
    ref = create_registration(sample_registration_input(channel=channel, sender_key=key,
                                                        idempotency_key=uuid.uuid4().hex, **overrides), url=url)
    return ref, key


def test_thread_texts_and_address_are_encrypted_and_wiped_with_the_case(db_url):
    ref, key = _case(db_url)
    threads.record_inbound("telegram", "5550001", [key], "hallo", now=NOW, url=db_url)
    threads.add_staff_message(ref, "sanne", "Hoi, wanneer kan ik bellen?", now=NOW, url=db_url)
    threads.record_inbound("telegram", "5550001", [key], "Morgen na tienen", now=NOW + timedelta(hours=1), url=db_url)
    assert threads.start_handoff(ref, "sanne", now=NOW, url=db_url)
    view = threads.get_thread(ref, url=db_url)
    assert [m.text for m in view.messages] == ["Hoi, wanneer kan ik bellen?", "Morgen na tienen"]
    assert view.reachable and view.handoff_by == "sanne"
    for table in ("thread_messages", "thread_contacts"):
        raw = _raw(db_url, table)
        assert "bellen" not in raw and "tienen" not in raw and "5550001" not in raw

    cases.erase(ref, "coord", "coordinator", url=db_url)
    view = threads.get_thread(ref, url=db_url)
    assert view.messages == [] and not view.reachable and view.handoff_by is None
    assert not threads.active_handoff([key], url=db_url)  # the bot talks to her again
    for table in ("thread_messages", "thread_contacts", "handoffs"):
        assert _raw(db_url, table) == "[]"
    with pytest.raises(ValueError):
        threads.add_staff_message(ref, "sanne", "nog iets", url=db_url)


def test_retention_purge_takes_the_thread_too(db_url):
    ref, key = _case(db_url)
    threads.record_inbound("telegram", "5550002", [key], "hallo", now=NOW, url=db_url)
    threads.add_staff_message(ref, "sanne", "Tot ziens", now=NOW, url=db_url)
    cases.claim(ref, "sanne", url=db_url)
    cases.close(ref, "referred", "sanne", url=db_url)
    assert purge_expired(0, now=datetime.now(timezone.utc) + timedelta(days=1), url=db_url) == 1
    assert threads.get_thread(ref, url=db_url).messages == []
    assert _raw(db_url, "thread_contacts") == "[]"


def test_her_message_lands_in_the_thread_only_in_a_conversation_with_staff(db_url):
    ref, key = _case(db_url)
    result = threads.record_inbound("telegram", "5550003", [key], "wat is kraamzorg?", now=NOW, url=db_url)
    assert result == threads.Inbound(False, None, [])  # just talking to the bot: not in the thread
    threads.add_staff_message(ref, "sanne", "Hoi!", now=NOW, url=db_url)
    result = threads.record_inbound("telegram", "5550003", [key], "hoi Sanne", now=NOW + timedelta(days=2), url=db_url)
    assert result.stored_in == ref and not result.handoff
    later = NOW + timedelta(days=threads.reply_days() + 1)
    assert threads.record_inbound("telegram", "5550003", [key], "en nu?", now=later, url=db_url).stored_in is None
    # Another channel or another sender never reaches this thread.
    assert threads.record_inbound("whatsapp", "31612345678", [key], "x", now=NOW, url=db_url).stored_in is None
    assert threads.record_inbound("telegram", "5550003", ["someone-else"], "x", now=NOW, url=db_url).stored_in is None
    assert [m.text for m in threads.get_thread(ref, url=db_url).messages if m.direction == "in"] == ["hoi Sanne"]


def test_handoff_stores_everything_she_writes_and_ends(db_url):
    ref, key = _case(db_url)
    threads.record_inbound("telegram", "5550004", [key], "hallo", now=NOW, url=db_url)
    assert threads.start_handoff(ref, "sanne", now=NOW, url=db_url)
    assert not threads.start_handoff(ref, "bram", now=NOW, url=db_url)  # one at a time
    result = threads.record_inbound("telegram", "5550004", [key], "ben je er?", now=NOW, url=db_url)
    assert result.handoff and result.stored_in == ref
    assert threads.end_handoff(ref, "sanne", now=NOW, url=db_url)
    assert not threads.end_handoff(ref, "sanne", now=NOW, url=db_url)
    assert not threads.record_inbound("telegram", "5550004", [key], "hoi", now=NOW, url=db_url).handoff


def test_delivery_reports_never_go_backwards(db_url):
    ref, key = _case(db_url, channel="whatsapp")
    message_id = threads.add_staff_message(ref, "sanne", "Hoi", now=NOW, url=db_url)
    threads.mark(message_id, "sent", via="text", channel_message_key="k1abc", now=NOW, url=db_url)
    assert threads.status_callback("k1abc", "read", url=db_url)
    assert threads.status_callback("k1abc", "delivered", url=db_url)
    assert threads.status_callback("k1abc", "sent", url=db_url)
    assert threads.get_thread(ref, url=db_url).messages[0].status == "read"
    assert not threads.status_callback("k1unknown", "read", url=db_url)
    assert not threads.status_callback("k1abc", "deleted", url=db_url)


def test_held_messages_wait_for_her_reply(db_url):
    ref, key = _case(db_url, channel="whatsapp")
    message_id = threads.add_staff_message(ref, "sanne", "Nieuws", now=NOW, url=db_url)
    threads.mark(message_id, "held", via="template", now=NOW, url=db_url)
    result = threads.record_inbound("whatsapp", "31611111111", [key], "ja?", now=NOW, url=db_url)
    assert result.held == [message_id] and result.stored_in == ref


def test_outbound_without_address_or_on_rest_fails_visibly_and_keeps_the_text(db_url):
    from bot.outbound import OutboundConfig, deliver

    ref, _ = _case(db_url, channel="rest")
    message_id = threads.add_staff_message(ref, "sanne", "Hoi", url=db_url)
    assert deliver(message_id, OutboundConfig(), url=db_url) == "failed"
    [message] = threads.get_thread(ref, url=db_url).messages
    assert (message.text, message.status, message.error) == ("Hoi", "failed", "channel_unsupported")
    ref, _ = _case(db_url, channel="telegram")  # she has not written on Telegram since: no chat id
    message_id = threads.add_staff_message(ref, "sanne", "Hoi", url=db_url)
    assert deliver(message_id, OutboundConfig(), url=db_url) == "failed"
    assert threads.get_thread(ref, url=db_url).messages[0].error == "no_address"


# ---------------------------------------------------------------- overview
def _at(url: str, ref: str, created: datetime) -> None:
    with get_engine(url).begin() as conn:
        conn.execute(sa.text("UPDATE registrations SET created_at = :at WHERE reference = :ref"),
                     {"at": created.replace(tzinfo=None), "ref": ref})


def test_overview_counts_per_month_and_week_with_contact_times(db_url):
    refs = []
    for channel, day in (("telegram", 3), ("whatsapp", 4), ("whatsapp", 20), ("webchat", 40)):
        ref, _ = _case(db_url, channel=channel)
        _at(db_url, ref, NOW + timedelta(days=day))
        refs.append(ref)
    # first contacts after 10 and 30 hours (a call marked spoken / the status "contact gehad")
    with get_engine(db_url).begin() as conn:
        ids = {r: i for r, i in conn.execute(sa.text("SELECT reference, id FROM registrations"))}
        conn.execute(sa.text("INSERT INTO call_attempts (registration_id, actor, at, result) VALUES (:r, 'sanne', :at, 'spoken')"),
                     {"r": ids[refs[0]], "at": (NOW + timedelta(days=3, hours=10)).replace(tzinfo=None)})
        conn.execute(sa.text("INSERT INTO audit_log (at, actor, action, reference, detail) "
                             "VALUES (:at, 'sanne', 'status changed', :ref, 'in_progress -> contacted')"),
                     {"at": (NOW + timedelta(days=4, hours=30)).replace(tzinfo=None), "ref": refs[1]})
        conn.execute(sa.text("UPDATE registrations SET status = 'withdrawn', withdrawn_by = 'client' WHERE reference = :r"),
                     {"r": refs[2]})
    data = overview.build("month", url=db_url)
    assert [r.period for r in data.rows] == ["2026-11", "2026-12"]
    nov = data.rows[0]
    assert nov.registrations == 3 and dict(nov.by_channel) == {"telegram": 1, "whatsapp": 2}
    assert nov.hours_to_contact == [10.0, 30.0] and nov.median_hours == 10.0 and nov.p90_hours == 30.0
    assert nov.withdrawn == 1 and nov.withdrawn_by_client == 1
    assert nov.funnel["received"] == 3 and nov.funnel["contacted"] == 2
    assert data.totals().registrations == 4
    weeks = overview.build("week", url=db_url)
    assert [r.period for r in weeks.rows][0] == "2026-W45"
    assert overview.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert overview.hours(None) == "-" and overview.hours(5) == "5 uur" and overview.hours(84) == "3,5 dagen"


def test_her_own_data_lists_staff_and_bot_messages(db_url):
    from bot.loop.render import my_data_answer
    from bot.store import parent_access

    ref, key = _case(db_url)
    threads.add_staff_message(ref, "sanne", "Hoi, met Sanne", now=NOW, url=db_url)
    threads.add_staff_message(ref, threads.BOT, "Je praat weer met mij", now=NOW, url=db_url)
    answer = my_data_answer(parent_access.export_cases([ref], url=db_url))
    assert "Het aanmeldpunt (" in answer and "Hoi, met Sanne" in answer
    assert "De chatbot (" in answer and "Je praat weer met mij" in answer


def test_only_the_handoff_holder_writes_or_ends_it_unless_a_coordinator_overrides(db_url):
    from bot.store import audit

    ref, key = _case(db_url)
    threads.record_inbound("telegram", "5550010", [key], "hallo", now=NOW, url=db_url)
    assert threads.start_handoff(ref, "sanne", now=NOW, url=db_url)
    assert threads.get_handoff_holder(ref, url=db_url) == "sanne"
    with pytest.raises(threads.HandoffHeld) as held:
        threads.add_staff_message(ref, "piet", "Hoi, met Piet", now=NOW, url=db_url)
    assert held.value.holder == "sanne"
    with pytest.raises(threads.HandoffHeld):
        threads.end_handoff(ref, "piet", now=NOW, url=db_url)
    assert threads.get_thread(ref, url=db_url).messages == [] and threads.active_handoff([key], url=db_url)
    threads.add_staff_message(ref, "sanne", "Hoi, met Sanne", now=NOW, url=db_url)  # the holder may
    threads.add_staff_message(ref, threads.BOT, "De chatbot", now=NOW, url=db_url)  # the bot's own notice too
    threads.add_staff_message(ref, "carla", "Hoi, met Carla", now=NOW, url=db_url, override=True)
    assert threads.end_handoff(ref, "carla", now=NOW, url=db_url, override=True)
    assert threads.get_handoff_holder(ref, url=db_url) is None
    overrides = [e.detail for e in audit.entries(reference=ref, url=db_url) if e.action == "handoff override"]
    assert overrides == ["holder=sanne", "holder=sanne"]
    threads.add_staff_message(ref, "piet", "Na de overname mag iedereen weer", now=NOW, url=db_url)


def test_her_message_notifies_the_claimant_and_the_handoff_holder(db_url):
    from bot.store import notifications

    def kinds(user: str) -> list[tuple[str, str | None]]:
        return [(n.kind, n.reference) for n in notifications.for_user(user, url=db_url)]

    ref, key = _case(db_url)
    threads.record_inbound("telegram", "5550011", [key], "hallo", now=NOW, url=db_url)
    threads.add_staff_message(ref, "piet", "Hoi, met Piet", now=NOW, url=db_url)
    threads.record_inbound("telegram", "5550011", [key], "Hoi Piet", now=NOW, url=db_url)
    assert kinds("piet") == [("client_message", ref)]  # unclaimed, no handoff: who last wrote to her
    assert threads.start_handoff(ref, "sanne", now=NOW, url=db_url)
    threads.record_inbound("telegram", "5550011", [key], "Ben je er nog?", now=NOW, url=db_url)
    assert kinds("sanne") == [("client_message", ref)]  # unclaimed: the handoff holder hears of it

    cases.claim(ref, "anna", url=db_url)
    threads.record_inbound("telegram", "5550011", [key], "Hallo?", now=NOW, url=db_url)
    assert kinds("anna") == [("client_message", ref)] and len(kinds("sanne")) == 2

    threads.end_handoff(ref, "sanne", now=NOW, url=db_url)
    threads.add_staff_message(ref, "anna", "Ik bel je morgen", now=NOW, url=db_url)
    threads.record_inbound("telegram", "5550011", [key], "Goed", now=NOW, url=db_url)  # a thread, no handoff
    assert len(kinds("anna")) == 2 and len(kinds("sanne")) == 2 and len(kinds("piet")) == 1


def test_her_message_naming_danger_marks_the_case_urgent(db_url):
    from bot.store.registrations import get_registration, reindex

    ref, key = _case(db_url, help_areas=["geld en administratie"])
    assert "safety" not in get_registration(ref, url=db_url).flag_reasons
    threads.record_inbound("telegram", "5550012", [key], "hallo", now=NOW, url=db_url)
    threads.add_staff_message(ref, "sanne", "Hoi, hoe gaat het?", now=NOW, url=db_url)
    threads.record_inbound("telegram", "5550012", [key], "Goed hoor, dank je", now=NOW, url=db_url)
    assert "safety" not in get_registration(ref, url=db_url).flag_reasons
    threads.record_inbound("telegram", "5550012", [key], "Mijn vriend slaat me en ik durf niet naar huis",
                           now=NOW, url=db_url)
    reg = get_registration(ref, url=db_url)
    assert "safety" in reg.flag_reasons
    from bot.store import audit

    assert [e.detail for e in audit.entries(reference=ref, url=db_url) if e.action == "marked urgent"] == [
        "reason=safety source=message"]
    reindex(url=db_url)  # recomputing the queue columns keeps it
    assert "safety" in get_registration(ref, url=db_url).flag_reasons

    other, other_key = _case(db_url, help_areas=["geld en administratie"])
    threads.record_inbound("telegram", "5550013", [other_key], "hallo", now=NOW, url=db_url)
    assert threads.start_handoff(other, "sanne", now=NOW, url=db_url)
    threads.record_inbound("telegram", "5550013", [other_key], "ik wil niet meer leven", now=NOW, url=db_url)
    assert "safety" in get_registration(other, url=db_url).flag_reasons  # the safety net's detector
