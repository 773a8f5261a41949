"""End to end over the real REST channel (Rasa + action server + store): the parent's side of the loop.

- status before and after staff change it (through the store API, as the staff app does);
- the issue's bug: after a registration, "is mijn aanmelding gelukt?" and an ambiguous "ja graag"
  never ask for or perform a withdrawal;
- a data request from an unverified sender shows nothing; a verified one shows her data;
- erasure removes her data from the store and her conversation from the tracker store;
- a callback request lands in the store as its own kind, with nothing personal in the tracker.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid

import pytest

from bot.testing.stack import payloads, texts

PHONE = "010 267 26 53"


@pytest.fixture()
def store(rasa_stack, monkeypatch):
    """The stack's store, seen from this test process (same VAR_DIR: same keys and pseudonym secret)."""
    monkeypatch.setenv("VAR_DIR", str(rasa_stack.workdir))
    for name in ("APP_ENCRYPTION_KEYS", "PSEUDONYM_SECRET", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    url = rasa_stack.stack_env().get("DATABASE_URL") or f"sqlite:///{rasa_stack.workdir / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _sender(prefix: str) -> str:
    return f"e2e-loop-{prefix}-{uuid.uuid4().hex[:8]}"


def _say(stack, sender: str, message: str, expect: str | None = None, absent: tuple[str, ...] = ()) -> str:
    reply = texts(stack.rest(sender, message))
    if expect:
        assert re.search(expect, reply, re.IGNORECASE | re.DOTALL), f"after {message!r} expected {expect!r}, got:\n{reply}"
    for word in absent:
        assert word.lower() not in reply.lower(), f"after {message!r} did not expect {word!r}, got:\n{reply}"
    return reply


def _register_in_store(sender: str, **overrides) -> str:
    from bot.privacy.pseudonym import sender_key
    from bot.store.registrations import create_registration
    from bot.store.testing import sample_registration_input

    return create_registration(sample_registration_input(
        sender_key=sender_key(sender), idempotency_key=uuid.uuid4().hex, channel="rest", **overrides))


def _tracker_rows(stack, sender: str) -> int:
    with sqlite3.connect(stack.workdir / "tracker.db") as conn:
        return conn.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]


def _tracker_dump(stack, sender: str) -> str:
    """Her stored events without their timestamps (digits in a timestamp are not her data)."""
    with sqlite3.connect(stack.workdir / "tracker.db") as conn:
        rows = [json.loads(r[0]) for r in conn.execute("select data from events where sender_id = ?", (sender,))]
    for row in rows:
        row.pop("timestamp", None)
    return "\n".join(json.dumps(row, ensure_ascii=False) for row in rows)


# ---------------------------------------------------------------- status
def test_status_before_registration_says_so_and_promises_nothing(rasa_stack, store):
    sender = _sender("none")
    reply = _say(rasa_stack, sender, "is mijn aanmelding aangekomen?", r"geen aanmelding van je vinden",
                 absent=("blijft staan", "intrekken"))
    assert PHONE in reply
    _say(rasa_stack, sender, "wie kan mijn gegevens zien", r"Alleen de medewerkers van het aanmeldpunt.*dagen",
         absent=("blijft staan", "intrekken"))


def test_status_before_and_after_staff_change_it(rasa_stack, store):
    from bot.store.cases import set_status

    sender = _sender("status")
    ref = _register_in_store(sender)
    reply = _say(rasa_stack, sender, "is mijn aanmelding goed aangekomen?", rf"{ref}.*Status: nieuw.*binnen twee weken")
    assert PHONE in reply and "Fatima" not in reply
    set_status(ref, "in_progress", "anna")
    _say(rasa_stack, sender, "wanneer bellen ze?", r"Status: in behandeling.*bezig")
    set_status(ref, "unreachable", "anna")
    reply = _say(rasa_stack, sender, "heeft iemand mijn aanmelding al gezien?", r"Status: niet bereikbaar")
    assert "/request_callback" in payloads(rasa_stack.rest(sender, "status"))
    assert "intrekken" not in reply


# ---------------------------------------------------------------- the bug
REGISTRATION = [
    ("ik wil me aanmelden", r"zwanger"),
    ("Ja, ik ben zwanger", r"Rotterdam"),
    ("Ja, ik woon in Rotterdam", r"toestemming"),
    ("Ja, ik geef toestemming", r"noemen"),
    ("Zoraya", r"telefoonnummer"),
    ("06 87654321", r"postcode"),
    ("3072 ab", r"uitgerekend"),
    ("20 weken", r"hulp"),
    ("Wonen", r"Gekozen"),
    ("Klaar", r"bellen"),
    ("Ochtend", r"welke taal"),
    ("Nederlands", r"Klopt dit"),
    ("Klopt, versturen", r"referentiecode"),
]


def test_after_registering_status_and_an_ambiguous_yes_never_withdraw(rasa_stack, store):
    from bot.store.registrations import get_registration

    sender = _sender("bug")
    for message, expected in REGISTRATION:
        reply = _say(rasa_stack, sender, message, expected)
    ref = re.search(r"MVR-[A-Z0-9]{4}-[A-Z0-9]{2}", reply).group(0)
    for question in ("is mijn aanmelding gelukt?", "is mijn aanmelding goed aangekomen?"):
        _say(rasa_stack, sender, question, rf"{ref}.*Status: nieuw", absent=("intrekken", "ongedaan"))
        _say(rasa_stack, sender, "ja graag", None, absent=("ingetrokken", "intrekken", "verwijderd"))
    _say(rasa_stack, sender, "wat is mijn referentiecode", ref, absent=("intrekken",))
    _say(rasa_stack, sender, "ja", None, absent=("ingetrokken",))
    reg = get_registration(ref)
    assert reg.status == "new" and reg.name == "Zoraya"
    # an explicit request still works, with today's confirmation
    _say(rasa_stack, sender, "ik wil mijn aanmelding intrekken", r"intrekken.*niet ongedaan")
    _say(rasa_stack, sender, "Ja, trek mijn aanmelding in", rf"ingetrokken.*{ref}")
    assert get_registration(ref).name is None and get_registration(ref).status == "withdrawn"


# ---------------------------------------------------------------- her data, verified or not
def test_data_request_from_an_unverified_sender_shows_nothing(rasa_stack, store):
    owner = _sender("owner")
    ref = _register_in_store(owner, phone="+31612345678", name="Noor Achterberg")
    stranger = _sender("stranger")
    personal = ("Noor", "Achterberg", "612345678", "3072", "1 mei 2026")
    _say(rasa_stack, stranger, "wat weten jullie van mij?", r"geen aanmelding", absent=personal + (ref,))
    _say(rasa_stack, stranger, ref, r"laatste twee cijfers", absent=personal + ("Status",))
    _say(rasa_stack, stranger, "12", r"klopt niet", absent=personal)
    _say(rasa_stack, stranger, "34", r"klopt niet", absent=personal)
    reply = _say(rasa_stack, stranger, "56", r"lukt niet", absent=personal + ("Status",))
    assert PHONE in reply
    _say(rasa_stack, stranger, "wat weten jullie van mij?", r"geen aanmelding", absent=personal)
    # she herself, writing from another phone, with the right digits
    her_new_phone = _sender("newphone")
    _say(rasa_stack, her_new_phone, "welke gegevens hebben jullie van mij", r"geen aanmelding")
    _say(rasa_stack, her_new_phone, f"mijn code is {ref}", r"laatste twee cijfers")
    reply = _say(rasa_stack, her_new_phone, "78", r"herkend.*Noor Achterberg.*06 12345678.*verwijder mijn gegevens")
    assert ref in reply
    # the tracker store keeps neither her answer nor the shown values
    dump = _tracker_dump(rasa_stack, her_new_phone)
    assert "Dit weten we van je" in dump
    for secret in ("Noor", "Achterberg", "12345678", '"78"'):
        assert secret not in dump, secret


# ---------------------------------------------------------------- erasure
def test_erasure_removes_store_data_and_tracker_events(rasa_stack, store):
    from bot.privacy.pseudonym import sender_key
    from bot.store import parent_access
    from bot.store.registrations import get_registration

    sender = _sender("erase")
    ref = _register_in_store(sender)
    _say(rasa_stack, sender, "wat weten jullie van mij", r"Fatima Zwanenburg")
    assert _tracker_rows(rasa_stack, sender) > 0
    _say(rasa_stack, sender, "verwijder mijn gegevens", rf"{ref}.*deze chat.*niet ongedaan")
    _say(rasa_stack, sender, "Ja, verwijder alles", r"verwijderd")
    assert _tracker_rows(rasa_stack, sender) == 0
    reg = get_registration(ref)
    assert reg.personal_data_deleted and reg.name is None and reg.status == "withdrawn"
    assert parent_access.cases_for_sender([sender_key(sender)]) == []  # no link to her chat is left
    # she can start again; nothing is known any more
    _say(rasa_stack, sender, "wat weten jullie van mij", r"geen aanmelding", absent=("Fatima",))


def test_erasure_declined_keeps_everything(rasa_stack, store):
    from bot.store.registrations import get_registration

    sender = _sender("keep")
    ref = _register_in_store(sender)
    _say(rasa_stack, sender, "wis mijn gegevens", r"niet ongedaan")
    _say(rasa_stack, sender, "Nee, niet verwijderen", r"verwijder niets")
    assert get_registration(ref).name == "Fatima Zwanenburg" and _tracker_rows(rasa_stack, sender) > 0


# ---------------------------------------------------------------- callback request
def test_callback_request_is_its_own_case_and_the_tracker_keeps_no_number(rasa_stack, store):
    from bot.privacy.pseudonym import sender_key
    from bot.store import parent_access
    from bot.store.registrations import get_registration

    sender = _sender("callback")
    replies = rasa_stack.rest(sender, "ik wil een medewerker spreken")
    assert {"/request_callback", "/leave_message"} <= set(payloads(replies))
    _say(rasa_stack, sender, "/request_callback", r"terugbellen.*Is dat goed")
    _say(rasa_stack, sender, "Ja, dat is goed", r"telefoonnummer")
    _say(rasa_stack, sender, "06 1234", r"klopt niet")
    _say(rasa_stack, sender, "06 87654321", r"Wanneer")
    reply = _say(rasa_stack, sender, "Middag", r"doorgegeven.*'s middags")
    ref = re.search(r"MVR-[A-Z0-9]{4}-[A-Z0-9]{2}", reply).group(0)
    [case] = parent_access.cases_for_sender([sender_key(sender)])
    assert case.reference == ref and case.kind == "callback" and case.status == "new"
    assert get_registration(ref).phone == "+31687654321"
    dump = _tracker_dump(rasa_stack, sender)
    assert "87654321" not in dump and "cb_phone" in dump
    _say(rasa_stack, sender, "wanneer bellen ze?", rf"terugbelverzoek {ref}.*Status: nieuw")
