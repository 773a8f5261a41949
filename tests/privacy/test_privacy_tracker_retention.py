"""Findings 1 and 3 in the tracker store: message ids, retention, erasure, what counts as personal.

Each test stores events with the real RedactingSQLTrackerStore (SQLite) and reads the raw rows back.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import erasure, retention
from bot.privacy.personal import answer_is_personal, is_personal_slot
from bot.privacy.pseudonym import is_keyed_hash, sender_key
from bot.privacy.tracker_store import RedactingSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]
WAMID = "wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQTdCNkY0RkRGQkI4RkY0MTY0OQA="


@pytest.fixture()
def store(tmp_path, monkeypatch) -> RedactingSQLTrackerStore:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PSEUDONYM_SECRET", "retention-test-secret-0123456789")
    for name in ("TRACKER_ENCRYPTION_KEY", "TRACKER_ENCRYPTION_KEYS", "APP_ENV"):
        monkeypatch.delenv(name, raising=False)
    return RedactingSQLTrackerStore(domain=Domain.load(str(ROOT / "domain.yml")), dialect="sqlite",
                                    db=str(tmp_path / "tracker.db"))


def _rows(store: RedactingSQLTrackerStore, sender: str | None = None) -> list[dict]:
    with sqlite3.connect(store.engine.url.database) as conn:
        query = "select data from events" + (" where sender_id = ?" if sender else "")
        return [json.loads(r[0]) for r in conn.execute(query, (sender,) if sender else ())]


def _user(text: str, intent: str = "nlu_fallback", message_id: str | None = None, metadata=None,
          timestamp: float | None = None) -> UserUttered:
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    if message_id:
        parse["message_id"] = message_id
    return UserUttered(text, intent={"name": intent, "confidence": 0.9}, parse_data=parse, message_id=message_id,
                       metadata=metadata, timestamp=timestamp)


def _save(store, sender: str, events: list) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events(sender, events, store.domain.slots)
    asyncio.run(store.save(tracker))
    return tracker


def _start() -> list:
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


# ----------------------------------------------------------------------------- finding 1
def test_channel_message_ids_are_stored_as_keyed_hashes(store) -> None:
    _save(store, "s1", [*_start(), _user("hoi", "greet", message_id=WAMID)])
    (user,) = [e for e in _rows(store) if e["event"] == "user"]
    assert is_keyed_hash(user["message_id"]) and is_keyed_hash(user["parse_data"]["message_id"])
    assert "wamid" not in json.dumps(_rows(store))
    assert asyncio.run(store.retrieve("s1")).latest_message.text == "hoi"


def test_the_purge_hashes_message_ids_stored_by_older_versions(store, tmp_path) -> None:
    _save(store, "old", [*_start(), _user("hoi", "greet")])
    with sqlite3.connect(tmp_path / "tracker.db") as conn:  # what main wrote: the raw wamid
        row_id, data = conn.execute("select id, data from events where type_name = 'user'").fetchone()
        data = json.loads(data)
        data["message_id"] = WAMID
        data["parse_data"]["message_id"] = WAMID
        data["metadata"] = {"anything": "0612345678"}
        conn.execute("update events set data = ? where id = ?", (json.dumps(data), row_id))
    result = retention.purge_tracker(90, store=store)
    assert result.hashed_message_ids == 1
    raw = json.dumps(_rows(store))
    assert "wamid" not in raw and "0612345678" not in raw
    assert retention.purge_tracker(90, store=store).hashed_message_ids == 0, "idempotent"


def test_dedup_rows_are_keyed_and_legacy_rows_are_purged(tmp_path, monkeypatch) -> None:
    import hashlib

    from bot.store import dedup
    from bot.store.db import store_session
    from bot.store.models import ProcessedMessage, utcnow

    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PSEUDONYM_SECRET", "dedup-test-secret-0123456789")
    url = f"sqlite:///{tmp_path / 'app.db'}"
    assert dedup.mark_processed("whatsapp", WAMID, url) is True
    assert dedup.mark_processed("whatsapp", WAMID, url) is False
    legacy = hashlib.sha256(f"whatsapp\x00{WAMID}".encode()).hexdigest()
    with store_session(url) as session:
        session.add(ProcessedMessage(key=legacy, channel="whatsapp", processed_at=utcnow()))
    with store_session(url) as session:
        keys = [row.key for row in session.query(ProcessedMessage)]
    assert legacy in keys and any(k.startswith("k1") for k in keys)
    assert dedup.purge_legacy(url) == 1
    with store_session(url) as session:
        assert [row.key for row in session.query(ProcessedMessage)] == [dedup._key("whatsapp", WAMID)]


def test_client_metadata_is_not_stored(store) -> None:
    _save(store, "m1", [*_start(), _user("hoi", "greet", metadata={"naam": "Fatima", "lt_seq": 3})])
    (user,) = [e for e in _rows(store) if e["event"] == "user"]
    assert user["metadata"] == {"lt_seq": 3}
    assert "Fatima" not in json.dumps(_rows(store))


# ----------------------------------------------------------------------------- finding 3
def test_events_older_than_the_retention_are_purged(store) -> None:
    now = time.time()
    _save(store, "old", [ActionExecuted("action_listen", timestamp=now - 100 * 86400),
                         _user("hoi", "greet", timestamp=now - 100 * 86400)])
    _save(store, "new", [ActionExecuted("action_listen", timestamp=now - 3600), _user("hoi", "greet", timestamp=now)])
    result = retention.purge_tracker(90, now=now, store=store)
    assert result.deleted_events == 2
    assert _rows(store, "old") == [] and len(_rows(store, "new")) == 2


def test_the_store_cli_purges_the_conversation_history(tmp_path, monkeypatch) -> None:
    from bot.store import cli

    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("PSEUDONYM_SECRET", "cli-test-secret-0123456789")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("TRACKER_DB_DIALECT", "sqlite")
    monkeypatch.setenv("TRACKER_DB_NAME", str(tmp_path / "tracker.db"))
    monkeypatch.setenv("TRACKER_RETENTION_DAYS", "30")
    store = RedactingSQLTrackerStore(domain=Domain.load(str(ROOT / "domain.yml")), dialect="sqlite",
                                     db=str(tmp_path / "tracker.db"))
    old = time.time() - 31 * 86400
    _save(store, "old", [ActionExecuted("action_listen", timestamp=old), _user("hoi", "greet", timestamp=old)])
    from bot.store.db import migrate

    migrate()
    assert cli.main(["purge"]) == 0
    assert _rows(store, "old") == []


def _registration_mid_form() -> list:
    return [
        *_start(), _user("ik wil me aanmelden", "request_registration"),
        ActionExecuted("registration_form"), ActiveLoop("registration_form"),
        SlotSet("requested_slot", "reg_name"), BotUttered("Hoe heet je?"), ActionExecuted("action_listen"),
        _user("fatima el amrani"), ActionExecuted("registration_form"), SlotSet("reg_name", "Fatima el Amrani"),
        SlotSet("requested_slot", "reg_help"), BotUttered("Waarbij wil je hulp?"), ActionExecuted("action_listen"),
        _user("ik heb schulden en mijn man drinkt"), ActionExecuted("registration_form"),
        SlotSet("reg_help", ["geld"]), SlotSet("requested_slot", "reg_phone"), BotUttered("Je nummer?"),
        ActionExecuted("action_listen"),
    ]


def test_the_help_answer_is_never_stored(store) -> None:
    _save(store, "h1", _registration_mid_form())
    raw = json.dumps(_rows(store))
    assert "schulden" not in raw and "drinkt" not in raw
    assert "[antwoord reg_help]" in raw


def test_kraamzorg_answers_are_personal_and_only_kept_encrypted(store) -> None:
    events = [
        *_start(), _user("kan ik de kraamzorg betalen", "kraamzorg_check"),
        ActionExecuted("kraamzorg_form"), ActiveLoop("kraamzorg_form"),
        SlotSet("requested_slot", "kz_income"), BotUttered("Wat is je inkomen?"), ActionExecuted("action_listen"),
        _user("1437 euro netto en 3000 schuld"), ActionExecuted("kraamzorg_form"), SlotSet("kz_income", "1437.00"),
        SlotSet("requested_slot", "kz_debt_arrangement"), BotUttered("Schuldregeling?"), ActionExecuted("action_listen"),
    ]
    tracker = _save(store, "k1", events)
    raw = json.dumps(_rows(store))
    assert "1437" not in raw and "schuld" not in raw.replace("Schuldregeling", "")
    assert asyncio.run(store.retrieve("k1")).get_slot("kz_income") == "1437.00", "the running form still works"
    tracker.update(ActiveLoop(None))
    asyncio.run(store.save(tracker))
    assert "enc:v1:" not in json.dumps(_rows(store)), "no value left once the form stopped"


def test_the_answers_of_the_last_check_stay_encrypted_until_the_session_ends(store) -> None:
    previous = {"kz_income": "1437.00", "kz_household": "single"}
    events = [
        *_start(), _user("kan ik de kraamzorg betalen", "kraamzorg_check"),
        ActionExecuted("kraamzorg_form"), ActiveLoop("kraamzorg_form"), SlotSet("kz_income", "1437.00"),
        ActiveLoop(None), ActionExecuted("action_kraamzorg_result"), SlotSet("kz_previous", previous),
        SlotSet("kz_income", None), BotUttered("Je krijgt ..."), ActionExecuted("action_listen"),
    ]
    tracker = _save(store, "k2", events)
    assert "1437" not in json.dumps(_rows(store))
    assert asyncio.run(store.retrieve("k2")).get_slot("kz_previous") == previous, "'Waarom?' still works"
    tracker.update(SlotSet("kz_income", "900.00"))  # any later personal change compacts again
    asyncio.run(store.save(tracker))
    assert asyncio.run(store.retrieve("k2")).get_slot("kz_previous") == previous
    for event in _start():  # a new session: gone
        tracker.update(event)
    asyncio.run(store.save(tracker))
    assert "enc:v1:" not in json.dumps(_rows(store))


def test_every_kraamzorg_form_slot_is_treated_as_personal() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    slots = domain["forms"]["kraamzorg_form"]["required_slots"]
    assert slots
    assert all(is_personal_slot(s) and answer_is_personal(s) for s in slots), slots
    assert answer_is_personal("reg_help") and is_personal_slot("reg_help")
    # the loop's callback request: her phone, when to call, her message for the staff
    for slot in ("cb_phone", "cb_moment", "cb_message", "loop_verify_phone"):
        assert slot in domain["slots"] and is_personal_slot(slot) and answer_is_personal(slot), slot


def test_abandoned_forms_are_compacted_by_the_purge(store) -> None:
    _save(store, "a1", _registration_mid_form())
    assert "enc:v1:" in json.dumps(_rows(store))
    assert retention.purge_tracker(90, now=time.time() + 60, store=store).compacted_values == 0, "still running"
    result = retention.purge_tracker(90, now=time.time() + 3 * 3600, store=store)
    assert result.compacted_values >= 2
    assert "enc:v1:" not in json.dumps(_rows(store))


def test_a_name_given_later_is_removed_from_earlier_messages(store) -> None:
    early = [*_start(), _user("hoi, zeynep voor de tweede keer", "greet"), BotUttered("Hoi!"),
             ActionExecuted("action_listen")]
    tracker = _save(store, "b1", early)
    assert "zeynep" in json.dumps(_rows(store)).lower(), "not recognisable as a name on its own"
    for event in [_user("ik wil me aanmelden", "request_registration"), ActiveLoop("registration_form"),
                  SlotSet("requested_slot", "reg_name"), ActionExecuted("action_listen"),
                  _user("Zeynep Kaya"), SlotSet("reg_name", "Zeynep Kaya")]:
        tracker.update(event)
    asyncio.run(store.save(tracker))
    assert "zeynep" not in json.dumps(_rows(store)).lower()


def test_withdrawal_erases_the_conversation(store) -> None:
    tracker = _save(store, "w1", [*_start(), _user("trek mijn aanmelding in", "withdraw_registration")])
    _save(store, "other", [*_start(), _user("hoi", "greet")])
    tracker.update(SlotSet("privacy_erase", True))
    tracker.update(BotUttered("Je aanmelding is ingetrokken."))
    asyncio.run(store.save(tracker))
    assert _rows(store, "w1") == []
    assert _rows(store, "other"), "only her conversation"
    assert asyncio.run(store.retrieve("w1")) is None


def test_the_withdraw_action_asks_for_the_erasure() -> None:
    """The loop's withdrawal (actions/loop.py) returns the erasure event of bot.privacy.erasure."""
    from bot.loop.adapters import erase_after_turn_event

    assert erase_after_turn_event() == erasure.erase_after_turn_event()
    assert erasure.erase_after_turn_event() == {"event": "slot", "timestamp": None, "name": "privacy_erase",
                                                "value": True}


def test_public_erasure_functions(store, monkeypatch) -> None:
    for sender in ("e1", "e2", "e3"):
        _save(store, sender, [*_start(), _user("hoi", "greet")])
    assert erasure.erase_conversation("e1", store=store) > 0
    assert _rows(store, "e1") == []
    assert erasure.erase_for_sender_keys([sender_key("e2")], store=store) > 0
    assert _rows(store, "e2") == [] and _rows(store, "e3")
    assert erasure.erase_after_turn_event()["name"] == "privacy_erase"


def test_refused_consent_says_what_really_happens() -> None:
    """'Ik heb niets van je bewaard' was false: her messages stay in the tracker store until the purge."""
    from rasa_sdk.executor import CollectingDispatcher

    from actions.registration import ValidateRegistrationForm
    from bot.registration import conditions
    from tests.helpers import make_tracker

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(intent="deny", text="nee", slots={"requested_slot": "reg_consent"})
    ValidateRegistrationForm().validate_reg_consent("nee", dispatcher, tracker, {})
    texts = [dispatcher.messages[0]["text"], conditions.born_text(), conditions.not_pregnant_text(),
             conditions.outside_rotterdam_text()]
    for text in texts:
        assert "niets van je bewaard" not in text
        assert "niets aan het aanmeldpunt doorgegeven" in text and "90 dagen" in text
