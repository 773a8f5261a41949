"""What the redacting tracker store keeps of the loop's turns.

- her erasure request: the conversation is gone once the turn is saved (``privacy_erase``),
  other conversations stay;
- a 'my data' answer: the values it shows are redacted from the stored copy, and the carrier
  slots leave no value behind;
- her answer to the 'last two digits' question is not kept.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.loop import slots as s
from bot.loop.adapters import erase_after_turn_event
from bot.privacy.tracker_store import RedactingSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def store(tmp_path, monkeypatch) -> RedactingSQLTrackerStore:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("TRACKER_ENCRYPTION_KEY", raising=False)
    domain = Domain.load(str(ROOT / "domain.yml"))
    return RedactingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))


def _user(text: str, intent: str = "nlu_fallback") -> UserUttered:
    return UserUttered(text, intent={"name": intent, "confidence": 0.9},
                       parse_data={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []})


def _start() -> list:
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


def _rows(db: Path, sender: str | None = None) -> list[str]:
    with sqlite3.connect(db) as conn:
        if sender is None:
            return [r[0] for r in conn.execute("select data from events")]
        return [r[0] for r in conn.execute("select data from events where sender_id = ?", (sender,))]


def _save(store, tracker) -> None:
    asyncio.run(store.save(tracker))


def test_erasure_deletes_her_conversation_after_the_turn(store, tmp_path):
    other = DialogueStateTracker.from_events("someone-else", [*_start(), _user("hoi", "greet")], store.domain.slots)
    _save(store, other)
    tracker = DialogueStateTracker.from_events("her", [*_start(), _user("verwijder mijn gegevens", "delete_my_data"),
                                                      ActionExecuted("action_loop_erase_start")], store.domain.slots)
    _save(store, tracker)
    assert len(_rows(tmp_path / "tracker.db", "her")) == 5
    tracker.update(_user("Ja, verwijder alles"))
    tracker.update(ActionExecuted("action_loop_erase"))
    tracker.update(BotUttered("Klaar. We hebben je gegevens en deze chat verwijderd."))
    tracker.update(SlotSet(erase_after_turn_event()["name"], True))
    tracker.update(ActionExecuted("action_listen"))
    _save(store, tracker)
    assert _rows(tmp_path / "tracker.db", "her") == []
    assert len(_rows(tmp_path / "tracker.db", "someone-else")) == 4
    assert asyncio.run(store.retrieve("her")) is None  # she starts afresh


def test_my_data_answer_is_stored_without_her_values(store, tmp_path):
    answer = ("Dit weten we van je:\nAanmelding MVR-NWZT-TN\n• Naam: Zoraya Vandermeulen\n"
              "• Telefoonnummer: 06 87654321\n• Postcode: 3072 AB\n• Hulp bij: wonen")
    events = [*_start(), _user("wat weten jullie van mij", "ask_my_data"), ActionExecuted("action_loop_my_data"),
              BotUttered(answer),
              SlotSet(s.SHOWN["name"], ["Zoraya Vandermeulen"]), SlotSet(s.SHOWN["name"], None),
              SlotSet(s.SHOWN["phone"], ["+31687654321"]), SlotSet(s.SHOWN["phone"], None),
              SlotSet(s.SHOWN["postcode"], ["3072 AB"]), SlotSet(s.SHOWN["postcode"], None),
              ActionExecuted("action_listen")]
    _save(store, DialogueStateTracker.from_events("her", events, store.domain.slots))
    raw = "\n".join(_rows(tmp_path / "tracker.db")).lower()
    assert "dit weten we van je" in raw
    for secret in ("zoraya", "vandermeulen", "87654321", "3072 ab", "3072ab"):
        assert secret not in raw, secret
    assert "enc:v1:" not in raw  # the carrier values are not kept, not even encrypted


def test_answer_to_the_digits_question_is_not_kept(store, tmp_path):
    events = [*_start(), _user("MVR-NWZT-TN", "give_reference"), ActionExecuted("action_loop_reference"),
              SlotSet(s.REF, "MVR-NWZT-TN"), ActiveLoop(s.VERIFY_FORM), ActionExecuted(s.VERIFY_FORM),
              SlotSet("requested_slot", s.VERIFY), BotUttered("Wat zijn de laatste twee cijfers?"),
              ActionExecuted("action_listen"), _user("het is 78")]
    _save(store, DialogueStateTracker.from_events("her", events, store.domain.slots))
    rows = [json.loads(r) for r in _rows(tmp_path / "tracker.db")]
    answer = [r for r in rows if r["event"] == "user"][-1]
    assert answer["text"] == "[antwoord loop_verify_phone]" and "78" not in json.dumps(answer["parse_data"])
    assert "het is 78" not in "\n".join(_rows(tmp_path / "tracker.db"))
