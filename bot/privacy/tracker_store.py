"""A SQL tracker store that keeps no personal data in clear text.

Rasa's SQL tracker store saves every user text, bot text and slot value, and nothing in
Rasa deletes them. Before an event is written this store

- redacts user texts (``text``, ``parse_data.text``, entity values): an answer to a question
  for a personal slot (name, phone, postcode, due date, reachability) is dropped entirely;
  any other text loses names, phone numbers, postcodes, dates and every personal value the
  parent gave in this conversation (:mod:`bot.privacy.redact`);
- redacts bot texts the same way (the summary repeats her data);
- encrypts the values of personal slots (Fernet; key from ``TRACKER_ENCRYPTION_KEY`` or
  generated once in ``<VAR_DIR>/tracker.key``), because a running form needs them on the next
  turn; values are decrypted when the tracker is loaded;
- compacts: every stored personal slot value that is no longer the current one (superseded,
  cleared with ``SlotSet(None)``, or from an earlier session) is overwritten with ``null``, so
  after a registration is confirmed or stopped no personal value is left, not even encrypted.

The sender id is kept as Rasa gives it: the channels pseudonymise ids that are personal
(a WhatsApp id is a phone number) before they reach Rasa.

Configure in endpoints.yml with ``type: bot.privacy.tracker_store.RedactingSQLTrackerStore``
and the usual SQL tracker store parameters.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.keys import load_or_create_secret, var_dir
from bot.privacy.redact import REDACTED, redact
from bot.registration.fields import ANSWER_IS_PERSONAL, PERSONAL_SLOTS

log = logging.getLogger(__name__)

ENC_PREFIX = "enc:v1:"
KEY_ENV = "TRACKER_ENCRYPTION_KEY"
KEY_FILE = "tracker.key"
REQUESTED_SLOT = "requested_slot"
# Slots of other features that hold personal data, recognised by name.
_PERSONAL_SUFFIXES = {"_name": "name", "_phone": "phone", "_postcode": "postcode"}


def personal_kind(slot: str) -> str | None:
    """The redaction kind of a personal slot, or None when the slot holds no personal data."""
    if slot in PERSONAL_SLOTS:
        return PERSONAL_SLOTS[slot]
    for suffix, kind in _PERSONAL_SUFFIXES.items():
        if slot.endswith(suffix):
            return kind
    return None


def answer_is_personal(slot: str | None) -> bool:
    return bool(slot) and (slot in ANSWER_IS_PERSONAL or any(slot.endswith(s) for s in _PERSONAL_SUFFIXES))


# ------------------------------------------------------------------------------ encryption
@lru_cache(maxsize=4)
def _fernet(_location: str) -> Fernet:
    key = load_or_create_secret(KEY_ENV, KEY_FILE, factory=lambda: Fernet.generate_key().decode())
    return Fernet(key.encode())


def fernet() -> Fernet:
    import os

    return _fernet(os.environ.get(KEY_ENV) or str(var_dir()))


def encrypt_value(value: Any) -> Any:
    if value is None or (isinstance(value, str) and value.startswith(ENC_PREFIX)):
        return value
    token = fernet().encrypt(json.dumps(value, ensure_ascii=False).encode("utf-8")).decode("ascii")
    return ENC_PREFIX + token


def decrypt_value(value: Any) -> Any:
    if not (isinstance(value, str) and value.startswith(ENC_PREFIX)):
        return value
    try:
        return json.loads(fernet().decrypt(value[len(ENC_PREFIX):].encode("ascii")))
    except (InvalidToken, ValueError):
        # Wrong or rotated key: the form simply asks again.
        log.warning("a stored slot value could not be decrypted; it is treated as empty")
        return None


# ------------------------------------------------------------------------------ redaction (pure)
def known_values(events: Iterable[dict[str, Any]]) -> dict[str, set[str]]:
    """Every personal value set in these events, by kind (decrypted values expected)."""
    known: dict[str, set[str]] = {}
    for event in events:
        if event.get("event") != "slot":
            continue
        kind = personal_kind(event.get("name") or "")
        value = event.get("value")
        if kind is None or value is None or isinstance(value, bool):
            continue
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            text = str(item).strip()
            if text and not text.startswith(ENC_PREFIX):
                known.setdefault(kind, set()).add(text)
    return known


def _redact_entities(entities: list[dict[str, Any]], known: dict[str, set[str]]) -> list[dict[str, Any]]:
    out = []
    for entity in entities or []:
        entity = dict(entity)
        if personal_kind(str(entity.get("entity") or "")):
            entity["value"] = REDACTED
        elif isinstance(entity.get("value"), str):
            entity["value"] = redact(entity["value"], known)
        elif entity.get("value") is not None and not isinstance(entity.get("value"), bool | int | float):
            entity["value"] = REDACTED
        out.append(entity)
    return out


def redact_event(event: dict[str, Any], known: dict[str, set[str]], asked: str | None = None) -> dict[str, Any]:
    """A copy of one serialised event without personal data in clear text.

    ``asked`` is the slot the bot was asking for when a user message came in (if a form was
    active): an answer to a personal question is dropped as a whole.
    """
    event = copy.deepcopy(event)
    kind = event.get("event")
    if kind == "user":
        raw = event.get("text")
        if answer_is_personal(asked):
            text = f"[antwoord {asked}]"
        elif isinstance(raw, str) and raw.lstrip().startswith("/") and "{" in raw:
            # '/intent{"slot": "value"}': keep the intent, drop the values
            text = raw[: raw.index("{")] + "{" + REDACTED + "}"
        else:
            text = redact(event.get("text"), known)
        event["text"] = text
        parse_data = event.get("parse_data")
        if isinstance(parse_data, dict):
            if "text" in parse_data:
                parse_data["text"] = text
            if "entities" in parse_data:
                parse_data["entities"] = _redact_entities(parse_data.get("entities") or [], known)
    elif kind == "bot":
        event["text"] = redact(event.get("text"), known)
        data = event.get("data")
        if isinstance(data, dict):
            for button in data.get("buttons") or []:
                if isinstance(button, dict):
                    for field in ("title", "payload"):
                        if isinstance(button.get(field), str):
                            button[field] = redact(button[field], known)
    elif kind == "slot":
        if personal_kind(event.get("name") or "") and event.get("value") is not None:
            event["value"] = encrypt_value(event["value"])
    elif kind == "entities":
        event["entities"] = _redact_entities(event.get("entities") or [], known)
    return event


def redact_new_events(events: list[dict[str, Any]], start: int) -> list[dict[str, Any]]:
    """Redacted copies of ``events[start:]``; earlier events give context (values, questions)."""
    known = known_values(events)
    active_loop: str | None = None
    requested: str | None = None
    out = []
    for index, event in enumerate(events):
        kind = event.get("event")
        if kind in ("session_started", "restart"):
            active_loop, requested = None, None
        elif kind == "active_loop":
            active_loop = event.get("name")
            if active_loop is None:
                requested = None
        elif kind == "slot" and event.get("name") == REQUESTED_SLOT:
            requested = event.get("value")
        if index >= start:
            out.append(redact_event(event, known, requested if active_loop else None))
    return out


def restore_event(event: dict[str, Any]) -> dict[str, Any]:
    """Decrypt an encrypted slot value of a stored event."""
    if event.get("event") == "slot" and isinstance(event.get("value"), str):
        event["value"] = decrypt_value(event["value"])
    return event


# Set by an action to have this conversation deleted after the turn (the same name as the
# privacy engineer's bot.privacy.personal.ERASE_SLOT; their version replaces this at merge).
ERASE_SLOT = "privacy_erase"


def _erase_requested(events: list[dict[str, Any]]) -> bool:
    return any(e.get("event") == "slot" and e.get("name") == ERASE_SLOT and e.get("value") for e in events)


# ------------------------------------------------------------------------------ the store
class RedactingSQLTrackerStore(SQLTrackerStore):
    """:class:`SQLTrackerStore` that redacts, encrypts and compacts personal data (see module doc)."""

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            rows = self._event_query(
                session, sender_id, fetch_events_from_all_sessions=fetch_events_from_all_sessions
            ).all()
            events = [restore_event(json.loads(row.data)) for row in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        all_events = [event.as_dict() for event in tracker.events]
        touched_personal = False
        with self.session_scope() as session:
            start = len(all_events) - len(list(self._additional_events(session, tracker)))
            for data in redact_new_events(all_events, start):
                if data.get("event") == "slot" and personal_kind(data.get("name") or ""):
                    touched_personal = True
                intent = ((data.get("parse_data") or {}).get("intent") or {}).get("name") if data.get(
                    "event") == "user" else None
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=data.get("event"),
                        timestamp=data.get("timestamp"),
                        intent_name=intent,
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
            if _erase_requested(all_events[start:]):
                # Her erasure request (issue 13): the conversation goes once the turn is saved.
                # Deleting from the action server would not work: Rasa saves the session again.
                table = self.SQLEvent
                session.execute(sa.delete(table).where(table.sender_id == tracker.sender_id))
                session.commit()
                log.info("conversation erased on request")
                return
            new_kinds = {e.get("event") for e in all_events[start:]}
            if touched_personal or new_kinds & {"session_started", "active_loop"}:
                # No form running: the registration's values are not needed any more (stopped or done).
                self._compact(session, tracker.sender_id, drop_registration=not tracker.active_loop_name)
                session.commit()

    def _compact(self, session: Any, sender_id: str, drop_registration: bool = False) -> int:
        """Overwrite every stored personal slot value that is not the current one with null.

        With ``drop_registration`` the current values of the registration's slots go as well.
        """
        table = self.SQLEvent
        session_start = session.execute(
            sa.select(sa.func.max(table.id)).where(
                table.sender_id == sender_id, table.type_name == "session_started"
            )
        ).scalar() or 0
        rows = session.execute(
            sa.select(table).where(table.sender_id == sender_id, table.type_name == "slot").order_by(table.id)
        ).scalars().all()
        rows = [row for row in rows if personal_kind(row.action_name or "")]
        latest: dict[str, int] = {}
        for row in rows:
            latest[row.action_name] = row.id
        changed = 0
        for row in rows:
            keep = row.id == latest[row.action_name] and row.id > session_start
            if keep and not (drop_registration and row.action_name in PERSONAL_SLOTS):
                continue
            data = json.loads(row.data)
            if data.get("value") is None:
                continue
            data["value"] = None
            row.data = json.dumps(data)
            changed += 1
        return changed

    async def _stream_new_events(self, event_broker: Any, new_events: list, sender_id: str) -> None:
        """Publish redacted events only (an event broker is another copy of the data)."""
        dicts = [event.as_dict() for event in new_events]
        known = known_values(dicts)
        for data in dicts:
            body = {"sender_id": sender_id}
            body.update(redact_event(data, known))
            event_broker.publish(body)
