"""The redacting tracker store: no name, phone number or postcode in the tracker database."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.tracker_store import RedactingSQLTrackerStore, redact_new_events

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ("Fatima", "Amrani", "0612345678", "612345678", "3072 AB", "3072AB", "2026-03-15", "15 maart")


@pytest.fixture()
def store(tmp_path, monkeypatch) -> RedactingSQLTrackerStore:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("TRACKER_ENCRYPTION_KEY", raising=False)
    domain = Domain.load(str(ROOT / "domain.yml"))
    return RedactingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))


def _user(text: str, intent: str = "nlu_fallback") -> UserUttered:
    return UserUttered(text, intent={"name": intent, "confidence": 0.9}, parse_data={
        "text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": [],
    })


def _ask(slot: str, question: str) -> list:
    return [SlotSet("requested_slot", slot), BotUttered(question), ActionExecuted("action_listen")]


def _conversation_events() -> list:
    return [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        _user("ik wil me aanmelden, ik heet Fatima el Amrani", "request_registration"),
        ActionExecuted("registration_form"), ActiveLoop("registration_form"),
        *_ask("reg_name", "Hoe mag het aanmeldpunt je noemen?"),
        _user("fatima el amrani"),
        ActionExecuted("registration_form"), SlotSet("reg_name", "Fatima el Amrani"),
        *_ask("reg_phone", "Op welk telefoonnummer?"),
        _user("06 12345678"),
        ActionExecuted("registration_form"), SlotSet("reg_phone", "+31612345678"),
        *_ask("reg_postcode", "Postcode?"),
        _user("3072ab"),
        ActionExecuted("registration_form"), SlotSet("reg_postcode", "3072 AB"),
        *_ask("reg_due", "Uitgerekend?"),
        _user("15 maart"),
        ActionExecuted("registration_form"), SlotSet("reg_due", "2026-03-15"),
        *_ask("reg_confirm", "Naam: Fatima el Amrani, telefoon 06 12345678, postcode 3072 AB, 15 maart 2026"),
        _user("mijn nummer is toch 0612345678, Fatima"),
    ]


def _raw(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return "\n".join(str(row) for row in conn.execute("select * from events"))


def _save(store, tracker) -> None:
    asyncio.run(store.save(tracker))


def test_nothing_personal_in_clear_text_and_form_values_survive(store, tmp_path) -> None:
    tracker = DialogueStateTracker.from_events("s1", _conversation_events(), store.domain.slots)
    _save(store, tracker)
    raw = _raw(tmp_path / "tracker.db")
    assert "registration_form" in raw  # the events were stored
    for secret in SECRETS:
        assert secret.lower() not in raw.lower(), secret
    restored = asyncio.run(store.retrieve("s1"))
    assert restored.get_slot("reg_name") == "Fatima el Amrani"
    assert restored.get_slot("reg_phone") == "+31612345678"
    assert restored.get_slot("reg_postcode") == "3072 AB"
    assert restored.latest_message.text == "mijn nummer is toch [telefoon], [naam]"
    assert restored.latest_message.intent["name"] == "nlu_fallback"


def test_values_are_purged_once_cleared(store, tmp_path) -> None:
    tracker = DialogueStateTracker.from_events("s2", _conversation_events(), store.domain.slots)
    _save(store, tracker)
    assert "enc:v1:" in _raw(tmp_path / "tracker.db")
    for slot in ("reg_name", "reg_phone", "reg_postcode", "reg_due"):
        tracker.update(SlotSet(slot, None))
    tracker.update(ActiveLoop(None))
    _save(store, tracker)
    raw = _raw(tmp_path / "tracker.db")
    assert "enc:v1:" not in raw  # not even the encrypted values are left
    restored = asyncio.run(store.retrieve("s2"))
    assert restored.get_slot("reg_name") is None


def test_superseded_value_is_purged_current_kept(store, tmp_path) -> None:
    tracker = DialogueStateTracker.from_events("s3", _conversation_events(), store.domain.slots)
    _save(store, tracker)
    tracker.update(SlotSet("reg_phone", "+31101234567"))
    _save(store, tracker)
    with sqlite3.connect(tmp_path / "tracker.db") as conn:
        values = [row[0] for row in conn.execute(
            "select data from events where type_name='slot' and action_name='reg_phone'")]
    assert sum("enc:v1:" in v for v in values) == 1
    assert asyncio.run(store.retrieve("s3")).get_slot("reg_phone") == "+31101234567"


def test_answer_to_a_personal_question_is_dropped_entirely() -> None:
    events = [e.as_dict() for e in _conversation_events()]
    out = redact_new_events(events, 0)
    user_texts = [e["text"] for e in out if e["event"] == "user"]
    assert user_texts[1] == "[antwoord reg_name]"
    assert user_texts[2] == "[antwoord reg_phone]"
    assert "[naam]" in user_texts[0] and "Fatima" not in user_texts[0]
    assert "ik wil me aanmelden" in user_texts[0]
    bot_texts = " ".join(e["text"] for e in out if e["event"] == "bot")
    assert "Fatima" not in bot_texts and "12345678" not in bot_texts and "3072" not in bot_texts


def test_payload_entities_are_redacted() -> None:
    event = UserUttered('/request_registration{"reg_name": "Fatima"}', intent={"name": "request_registration"},
                        entities=[{"entity": "reg_name", "value": "Fatima"}]).as_dict()
    out = redact_new_events([event], 0)[0]
    assert "Fatima" not in str(out)


def test_postgresql_tracker_store(postgres_url, tmp_path, monkeypatch) -> None:
    """The same guarantees on PostgreSQL (the production tracker database), in a throw-away schema."""
    import uuid

    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    schema = "test_tracker_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(postgres_url, future=True)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    monkeypatch.setenv("POSTGRESQL_SCHEMA", schema)
    url = make_url(postgres_url)
    try:
        store = RedactingSQLTrackerStore(
            domain=Domain.load(str(ROOT / "domain.yml")), dialect="postgresql", host=url.host, port=url.port or 5432,
            db=url.database, username=url.username, password=url.password,
        )
        tracker = DialogueStateTracker.from_events("pg1", _conversation_events(), store.domain.slots)
        _save(store, tracker)
        with admin.connect() as conn:
            raw = "\n".join(r[0] for r in conn.execute(sa.text(f'SELECT data FROM "{schema}".events')))
        assert "registration_form" in raw
        for secret in SECRETS:
            assert secret.lower() not in raw.lower(), secret
        assert asyncio.run(store.retrieve("pg1")).get_slot("reg_phone") == "+31612345678"
        tracker.update(SlotSet("reg_phone", None))
        _save(store, tracker)
        assert asyncio.run(store.retrieve("pg1")).get_slot("reg_phone") is None
        store.engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def test_stopped_form_leaves_no_registration_values(store, tmp_path) -> None:
    """'stop' clears only the form's required slots; the store drops the rest once no form runs."""
    tracker = DialogueStateTracker.from_events("s4", _conversation_events(), store.domain.slots)
    tracker.update(SlotSet("reg_help_picked", ["wonen"]))
    tracker.update(SlotSet("reg_weeks", 20))
    _save(store, tracker)
    tracker.update(ActiveLoop(None))
    tracker.update(SlotSet("reg_name", None))
    _save(store, tracker)
    assert "enc:v1:" not in _raw(tmp_path / "tracker.db")
