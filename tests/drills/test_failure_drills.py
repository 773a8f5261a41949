"""Failure drills on the production shape (see conftest.py): the parent is never left in
silence, nothing is half-written, nothing is lost, nothing is handled twice.

The tests run in file order on one stack; the Rasa restart comes last.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from channel_kit import WhatsAppClient, keyed, new_wa_id, sender_key
from sqlalchemy import func, select

from bot.loadtest.cluster import Cluster
from bot.loadtest.scenarios import REFERENCE
from bot.loadtest.tcpproxy import TcpProxy
from bot.testing.stack import wait_http

PHONE = "010 267 26 53"
pytestmark = pytest.mark.timeout(600)


def rest(cluster: Cluster, sender: str, text: str) -> list[dict[str, Any]]:
    resp = httpx.post(f"{cluster.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120)
    assert resp.status_code == 200, resp.text
    return resp.json()


def text_of(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(r.get("text") or "") for r in replies)


def tracker(cluster: Cluster, sender: str) -> dict[str, Any]:
    resp = httpx.get(f"{cluster.url}/conversations/{sender}/tracker",
                     params={"token": cluster.token, "include_events": "ALL"}, timeout=60)
    assert resp.status_code == 200, resp.text
    return resp.json()


def registrations(cluster: Cluster) -> int:
    from bot.store.db import session_scope
    from bot.store.models import RegistrationRecord

    with session_scope(cluster.database_url) as session:
        return session.execute(select(func.count()).select_from(RegistrationRecord)).scalar_one()


def _sender(kind: str) -> str:
    return f"drill-{kind}-{uuid.uuid4().hex[:8]}"


def registration_until_summary(cluster: Cluster, sender: str) -> str:
    """Walk the registration form to the summary; returns the summary text."""
    answers = [
        ("/request_registration", "zwanger"),
        ("Ja, ik ben zwanger", "Rotterdam"),
        ("Ja, ik woon in Rotterdam", "toestemming"),
        ("Ja, ik geef toestemming", "noemen"),
        ("Noor", "telefoonnummer"),
        ("06 12345678", "postcode"),
        ("3072 AB", "uitgerekend"),
    ]
    for message, expect in answers:
        reply = rest(cluster, sender, message)
        shown = text_of(reply) + json.dumps([b for r in reply for b in r.get("buttons") or []], ensure_ascii=False)
        assert expect.lower() in shown.lower(), (message, reply)
    reply = rest(cluster, sender, "28 weken")
    areas = [b["payload"] for r in reply for b in r.get("buttons") or [] if b["title"] != "Weet ik nog niet"]
    assert len(areas) >= 2, reply
    reply = rest(cluster, sender, areas[0])
    assert "Klaar" in [b["title"] for r in reply for b in r.get("buttons") or []], reply
    reply = rest(cluster, sender, "Klaar")
    assert "bellen" in text_of(reply).lower(), reply
    assert "welke taal" in text_of(rest(cluster, sender, "Ochtend")).lower()
    summary = text_of(rest(cluster, sender, "Nederlands"))
    assert "Klopt dit?" in summary, summary
    return summary


# ------------------------------------------------------------------------------------------ 4
def test_whatsapp_storm_and_redeliveries_are_handled_once(cluster: Cluster, graph_api) -> None:
    """10 parents x 3 messages, every webhook delivered 3 times, all at once, to 2 instances."""
    client = WhatsAppClient(cluster)
    parents = [new_wa_id() for _ in range(10)]
    messages = {wa_id: [client.text(wa_id, "hoi") for _ in range(3)] for wa_id in parents}
    deliveries = [client.body(m) for msgs in messages.values() for m in msgs] * 3
    # plus re-deliveries bundled with a neighbour, as Meta does after a timeout
    deliveries += [client.body(msgs[0], msgs[1]) for msgs in messages.values()]
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda body: client.post(body)[0], deliveries))
    assert set(statuses) == {200}, statuses
    expected = {wa_id: len(msgs) for wa_id, msgs in messages.items()}
    graph_api.wait_for(lambda: all(len(graph_api.to(w)) >= n for w, n in expected.items()), timeout=240)
    time.sleep(3)  # late duplicates would arrive now
    for wa_id, msgs in messages.items():
        assert len(graph_api.to(wa_id)) == len(msgs), f"{wa_id}: {len(graph_api.to(wa_id))} answers for {len(msgs)}"
        users = [e for e in tracker(cluster, sender_key(wa_id))["events"] if e.get("event") == "user"]
        ids = [e.get("message_id") for e in users]
        # stored as keyed hashes only (a wamid encodes the phone number)
        assert sorted(ids) == sorted(keyed("message-id", "whatsapp\x00" + m["id"]) for m in msgs), ids


# ------------------------------------------------------------------------------------------ 1
def test_action_server_down_gives_an_apology_and_the_form_continues(cluster: Cluster) -> None:
    sender = _sender("actions")
    assert "zorgverzekering" not in text_of(rest(cluster, sender, "/kraamzorg_check")).lower()
    actions = next(p for p in cluster.procs if p.name.startswith("actions"))
    cluster.stop_proc(actions)
    try:
        down = text_of(rest(cluster, sender, "ja"))
        assert PHONE in down and "Sorry" in down, down
        faq = text_of(rest(cluster, _sender("actions-faq"), "wat is home-start"))
        assert PHONE in faq, faq
    finally:
        restarted = cluster.start_action_server(9, actions.port)
        wait_http(f"http://127.0.0.1:{actions.port}/health", 120, restarted.popen, restarted.log)
    # the form is still active and takes the answer again
    back = text_of(rest(cluster, sender, "ja"))
    assert "zorgverzekering" in back.lower(), back
    state = tracker(cluster, sender)
    assert (state.get("active_loop") or {}).get("name") == "kraamzorg_form"
    assert state["slots"].get("kz_in_rotterdam"), state["slots"]


# ------------------------------------------------------------------------------------------ 2
def test_database_down_at_confirmation_writes_nothing_and_a_retry_registers_once(
        cluster: Cluster, db_proxy: TcpProxy) -> None:
    sender = _sender("db")
    registration_until_summary(cluster, sender)
    before = registrations(cluster)
    db_proxy.cut()
    try:
        down = rest(cluster, sender, "Klopt, versturen")
        assert PHONE in text_of(down) and not REFERENCE.search(text_of(down)), down
        assert registrations(cluster) == before, "nothing may be written while the database is down"
    finally:
        db_proxy.start()
    retry = text_of(rest(cluster, sender, "Klopt, versturen"))
    reference = REFERENCE.search(retry)
    assert reference, retry
    assert registrations(cluster) == before + 1
    again = text_of(rest(cluster, sender, "Klopt, versturen"))  # an impatient third tap
    assert registrations(cluster) == before + 1, again
    from bot.store.db import session_scope
    from bot.store.models import RegistrationRecord

    with session_scope(cluster.database_url) as session:
        refs = session.execute(select(RegistrationRecord.reference)).scalars().all()
    assert refs.count(reference.group(0)) == 1


# ------------------------------------------------------------------------------------------ 3
def test_rasa_restarted_mid_form_resumes_where_it_was(cluster: Cluster) -> None:
    sender = _sender("restart")
    rest(cluster, sender, "/kraamzorg_check")
    assert "zorgverzekering" in text_of(rest(cluster, sender, "ja")).lower()
    assert "hoe woon je" in text_of(rest(cluster, sender, "alleen basisverzekering")).lower()
    rasa = [p for p in cluster.procs if p.name.startswith("rasa") and p.alive()]
    for proc in rasa:
        cluster.stop_proc(proc)
    # every instance is gone: only PostgreSQL remembers the conversation
    first = rasa[0]
    cluster.wait_rasa(cluster.start_rasa(9, first.port))
    answer = text_of(rest(cluster, sender, "alleenstaand"))
    assert re.search(r"hoeveel geld|inkomen", answer.lower()), answer
    state = tracker(cluster, sender)
    assert (state.get("active_loop") or {}).get("name") == "kraamzorg_form"
    assert state["slots"].get("kz_insurance") and state["slots"].get("kz_household"), state["slots"]
