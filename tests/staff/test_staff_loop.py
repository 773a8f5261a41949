"""The staff side of the loop (issue 13, items 2, 3 and 6): the thread page and the overview.

Delivery itself is tested over the fake channel APIs in tests/channels/test_channels_loop_e2e.py."""

from __future__ import annotations

import csv
import io
import uuid

from staff_helpers import csrf_from

from bot.outbound import OutboundConfig
from bot.store import audit, threads
from bot.store.registrations import create_registration
from bot.store.testing import sample_registration_input


def _case(db_url: str, channel: str = "telegram", **overrides) -> tuple[str, str]:
    key = "sender-" + uuid.uuid4().hex
    ref = create_registration(sample_registration_input(channel=channel, sender_key=key,
                                                        idempotency_key=uuid.uuid4().hex, **overrides), url=db_url)
    return ref, key


def test_thread_page_is_linked_audited_and_shows_her_messages(staff_client, db_url):
    ref, key = _case(db_url)
    assert f"/registrations/{ref}/berichten" in staff_client.get(f"/registrations/{ref}").get_data(as_text=True)
    threads.record_inbound("telegram", "12345", [key], "hallo", url=db_url)
    threads.add_staff_message(ref, "anna", "Hoi, met Anna", url=db_url)
    threads.record_inbound("telegram", "12345", [key], "Bel me maar om drie uur", url=db_url)
    html = staff_client.get(f"/registrations/{ref}/berichten").get_data(as_text=True)
    assert "Hoi, met Anna" in html and "Bel me maar om drie uur" in html and "Overnemen" in html
    assert [e.actor for e in audit.entries(reference=ref, url=db_url) if e.action == "viewed thread"] == ["anna"]
    assert staff_client.get("/registrations/MVR-ZZZZ-ZZ/berichten").status_code == 404


def test_thread_forms_need_csrf_and_a_login(client, staff_client, db_url):
    ref, _ = _case(db_url)
    assert staff_client.post(f"/registrations/{ref}/berichten", data={"text": "hoi"}).status_code == 400
    assert staff_client.post(f"/registrations/{ref}/overnemen").status_code == 400
    assert client.post(f"/registrations/{ref}/berichten", data={"text": "hoi"}).status_code == 302  # to login
    assert threads.get_thread(ref, url=db_url).messages == []


def test_empty_message_is_refused_and_nothing_is_sent(staff_client, db_url):
    ref, _ = _case(db_url)
    page = staff_client.get(f"/registrations/{ref}/berichten").get_data(as_text=True)
    html = staff_client.post(f"/registrations/{ref}/berichten", data={"text": "  ", "csrf_token": csrf_from(page)},
                             follow_redirects=True).get_data(as_text=True)
    assert "Er is niets verstuurd" in html
    assert threads.get_thread(ref, url=db_url).messages == []


def test_overview_only_for_admin_and_coordinator(staff_client, coordinator_client, admin_client, db_url):
    assert staff_client.get("/overzicht").status_code == 403
    assert staff_client.get("/overzicht.csv").status_code == 403
    assert "Overzicht" not in staff_client.get("/registrations").get_data(as_text=True).split("<main")[0]
    assert coordinator_client.get("/overzicht").status_code == 200
    assert admin_client.get("/overzicht").status_code == 200
    actions = [(e.actor, e.action) for e in audit.entries(url=db_url)]
    assert ("anna", "overview refused") in actions and ("carla", "viewed overview") in actions


def test_overview_page_and_csv_hold_counts_only(admin_client, db_url):
    _case(db_url, channel="telegram")
    _case(db_url, channel="whatsapp")
    _case(db_url, channel="whatsapp", name="Zoë Uniekenaam")
    html = admin_client.get("/overzicht?per=week").get_data(as_text=True).split("<main", 1)[1]
    assert "Zoë" not in html and "MVR-" not in html
    assert "<td>3</td>" in html  # three registrations through the chat
    resp = admin_client.get("/overzicht.csv?per=month")
    assert resp.mimetype == "text/csv"
    body = resp.get_data(as_text=True)
    assert body.startswith("\ufeff")  # so a Dutch Excel reads the accents and the columns
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "periode" and rows[-1][0] == "totaal"
    assert rows[-1][1] == "3" and rows[-1][2] == "telegram=1, whatsapp=2"
    assert "Zoë" not in resp.get_data(as_text=True) and "MVR-" not in resp.get_data(as_text=True)
    assert ("beheer", "exported overview") in [(e.actor, e.action) for e in audit.entries(url=db_url)]


def test_overview_counts_conversations_per_topic_from_the_tracker_store(app, admin_client, tmp_path):
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
                             "timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)"))
        rows = [("a", "user", "ask_kraamzorg"), ("a", "user", "ask_kraamzorg"), ("b", "user", "ask_kraamzorg"),
                ("b", "user", "greet"), ("c", "user", "request_human"), ("c", "bot", None)]
        for sender, kind, intent in rows:
            conn.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, intent_name, data) "
                                 "VALUES (:s, :k, 1e9, :i, '{\"text\": \"geheim\"}')"), {"s": sender, "k": kind, "i": intent})
    engine.dispose()
    app.config["TRACKER_DB_URL"] = url
    html = admin_client.get("/overzicht").get_data(as_text=True)
    table = html.split('id="topics"')[1].split("</table>")[0]
    assert "<th scope=\"row\">ask_kraamzorg</th><td>2</td>" in table  # two conversations, not three messages
    assert "request_human</th><td>1</td>" in table and "greet" not in table and "geheim" not in html
    app.config["TRACKER_DB_URL"] = ""
    assert "Niet beschikbaar" in admin_client.get("/overzicht").get_data(as_text=True)


def test_a_colleague_sees_who_holds_the_handoff_and_cannot_post_or_end_it(app, staff_client, bram_client,
                                                                         coordinator_client, db_url):
    ref, key = _case(db_url)
    threads.record_inbound("telegram", "12346", [key], "hallo", url=db_url)
    assert threads.start_handoff(ref, "anna", url=db_url)
    page = bram_client.get(f"/registrations/{ref}/berichten").get_data(as_text=True)
    assert "Alleen anna kan nu berichten sturen" in page
    assert 'id="send-form"' not in page and 'id="end-handoff"' not in page
    token = csrf_from(page)
    html = bram_client.post(f"/registrations/{ref}/berichten", data={"text": "hoi", "csrf_token": token},
                            follow_redirects=True).get_data(as_text=True)
    assert "anna heeft dit gesprek overgenomen" in html
    bram_client.post(f"/registrations/{ref}/beeindigen", data={"csrf_token": token, "confirm": "1"})
    assert threads.get_handoff_holder(ref, url=db_url) == "anna"
    assert threads.get_thread(ref, url=db_url).messages == []

    # The holder herself sees the ordinary forms.
    own = staff_client.get(f"/registrations/{ref}/berichten").get_data(as_text=True)
    assert 'id="send-form"' in own and 'id="end-handoff"' in own and "Alleen anna" not in own

    # A coordinator may step in, but only after ticking the confirmation.
    page = coordinator_client.get(f"/registrations/{ref}/berichten").get_data(as_text=True)
    assert 'id="confirm-end"' in page and 'id="confirm-send"' in page
    coordinator_client.post(f"/registrations/{ref}/beeindigen", data={"csrf_token": csrf_from(page)})
    assert threads.get_handoff_holder(ref, url=db_url) == "anna"
    app.config["OUTBOUND"] = OutboundConfig(telegram_token="1:x", telegram_api_base="http://127.0.0.1:9/bot", timeout=1)
    coordinator_client.post(f"/registrations/{ref}/beeindigen", data={"csrf_token": csrf_from(page), "confirm": "1"})
    assert threads.get_handoff_holder(ref, url=db_url) is None


def test_polling_returns_new_messages_without_an_audit_row_or_session_activity(staff_client, db_url):
    ref, key = _case(db_url)
    threads.record_inbound("telegram", "12347", [key], "hallo", url=db_url)
    first = threads.add_staff_message(ref, "anna", "Hoi, met Anna", url=db_url)
    staff_client.get(f"/registrations/{ref}/berichten")
    threads.record_inbound("telegram", "12347", [key], "Hoi <b>Anna</b>", url=db_url)
    data = staff_client.get(f"/registrations/{ref}/berichten/nieuw?na={first}").get_json()
    assert [m["id"] for m in data["messages"]] == [first + 1] and data["handoff_by"] is None
    assert "Cliënt" in data["messages"][0]["html"] and "Hoi &lt;b&gt;Anna&lt;/b&gt;" in data["messages"][0]["html"]
    assert staff_client.get(f"/registrations/{ref}/berichten/nieuw?na={first + 1}").get_json()["messages"] == []
    assert len(staff_client.get(f"/registrations/{ref}/berichten/nieuw").get_json()["messages"]) == 2
    actions = [e.action for e in audit.entries(reference=ref, url=db_url) if e.actor == "anna"]
    assert actions.count("viewed thread") == 1 and len([a for a in actions if "view" in a]) == 1
    assert staff_client.get("/registrations/MVR-ZZZZ-ZZ/berichten/nieuw").status_code == 404


def test_polling_does_not_keep_an_idle_session_alive(app, staff_client, clock, db_url):
    from datetime import timedelta

    ref, _ = _case(db_url)
    idle, start = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"]), clock.now
    clock.now = start + idle - timedelta(seconds=5)
    assert staff_client.get(f"/registrations/{ref}/berichten/nieuw").status_code == 200
    clock.now = start + idle + timedelta(seconds=5)
    resp = staff_client.get(f"/registrations/{ref}/berichten/nieuw")
    assert resp.status_code == 401 and resp.get_json() == {"expired": True}


def test_her_message_naming_danger_puts_veiligheid_on_the_case_in_the_queue(staff_client, db_url):
    ref, key = _case(db_url, help_areas=["geld en administratie"])
    threads.record_inbound("telegram", "12348", [key], "hallo", url=db_url)
    threads.add_staff_message(ref, "anna", "Hoi, hoe gaat het?", url=db_url)

    def row() -> str:
        html = staff_client.get("/registrations").get_data(as_text=True)
        return next(tr.split("</tr>")[0] for tr in html.split("<tr")[1:] if ref in tr.split("</tr>")[0])

    assert "Veiligheid" not in row()
    threads.record_inbound("telegram", "12348", [key], "Hij is weer dronken en ik ben bang voor hem", url=db_url)
    assert "Veiligheid" in row()
