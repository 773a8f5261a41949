"""A SQL tracker store that keeps no personal data in clear text.

Rasa's SQL tracker store saves every user text, bot text and slot value, and nothing in
Rasa deletes them. Before an event is written this store

- redacts user texts (``text``, ``parse_data.text``, entity values): an answer to a question for a
  personal slot (name, phone, postcode, due date, reachability, the help answer, every kraamzorg
  answer: :mod:`bot.privacy.personal`) is dropped entirely; any other text loses e-mail addresses,
  IBANs, street addresses, names, phone numbers, postcodes, dates and every personal value the
  parent gave in this conversation (:mod:`bot.privacy.redact`);
- redacts bot texts the same way (the summary repeats her data);
- replaces the channel's message id (a WhatsApp ``wamid.`` encodes her phone number) by a keyed
  hash, and keeps no client metadata (only the load test's integer sequence numbers);
- encrypts the values of personal slots (Fernet; keys from ``TRACKER_ENCRYPTION_KEYS``, first one
  encrypts, all decrypt; or generated once in ``<VAR_DIR>/tracker.key`` outside production),
  because a running form needs them on the next turn; values are decrypted when the tracker is
  loaded;
- compacts: every stored personal slot value that is no longer the current one (superseded,
  cleared with ``SlotSet(None)``, from an earlier session, or of a form that is no longer
  running) is overwritten with ``null``; forms abandoned mid-way are compacted by the daily purge
  (:mod:`bot.privacy.retention`);
- redacts backwards: when a personal value becomes known (her name in the form), earlier stored
  texts of this sender lose it too;
- erases: when an action sets the ``privacy_erase`` slot (withdrawal), every stored event of this
  conversation is deleted once the turn is saved (:mod:`bot.privacy.erasure`).

The sender id is kept as Rasa gives it: the channels pseudonymise ids that are personal
(a WhatsApp id is a phone number) before they reach Rasa.

Configure in endpoints.yml with ``type: bot.privacy.tracker_store.RedactingSQLTrackerStore``
and the usual SQL tracker store parameters.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.keys import load_or_create_secret, split_values, var_dir
from bot.privacy.personal import (
    ERASE_SLOT,
    KEPT_UNTIL_SESSION_END,
    answer_is_personal,
    is_personal_slot,
    redaction_kind,
)
from bot.privacy.pseudonym import is_keyed_hash, keyed_hash
from bot.privacy.redact import REDACTED, redact, redact_known

log = logging.getLogger(__name__)

ENC_PREFIX = "enc:v1:"
KEYS_ENV = "TRACKER_ENCRYPTION_KEYS"
KEY_ENV = "TRACKER_ENCRYPTION_KEY"  # older name, still read
KEY_FILE = "tracker.key"
REQUESTED_SLOT = "requested_slot"
# Client metadata kept on user events: the load test's sequence numbers (integers), nothing else.
KEPT_METADATA = ("lt_seq", "lt_burst")
_INTENT_PAYLOAD = re.compile(r"^\s*/([A-Za-z0-9_\-.]+)\s*\{")

# Kept for callers of the old names.
personal_kind = redaction_kind


# ------------------------------------------------------------------------------ encryption
@lru_cache(maxsize=4)
def _keys(_location: str) -> tuple[str, ...]:
    raw = os.environ.get(KEYS_ENV, "").strip() or os.environ.get(KEY_ENV, "").strip()
    if raw:
        return tuple(split_values(raw))
    return tuple(split_values(load_or_create_secret(KEYS_ENV, KEY_FILE, factory=lambda: Fernet.generate_key().decode())))


def tracker_keys() -> list[str]:
    """The configured Fernet keys, current (encrypting) key first (cached per setting / VAR_DIR)."""
    location = os.environ.get(KEYS_ENV, "").strip() or os.environ.get(KEY_ENV, "").strip() or str(var_dir())
    return list(_keys(location))


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as err:
        raise ValueError(f"{KEYS_ENV} contains an invalid Fernet key") from err


def fernet() -> MultiFernet:
    return _fernet(tuple(tracker_keys()))


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
        # Wrong or dropped key: the form simply asks again.
        log.warning("a stored slot value could not be decrypted; it is treated as empty")
        return None


def rotate_value(value: Any) -> Any:
    """Re-encrypt an encrypted value with the current key (unreadable values become None)."""
    if not (isinstance(value, str) and value.startswith(ENC_PREFIX)):
        return value
    try:
        return ENC_PREFIX + fernet().rotate(value[len(ENC_PREFIX):].encode("ascii")).decode("ascii")
    except InvalidToken:
        return None


# ------------------------------------------------------------------------------ redaction (pure)
def known_values(events: Iterable[dict[str, Any]]) -> dict[str, set[str]]:
    """Every personal value set in these events, by kind (decrypted values expected)."""
    known: dict[str, set[str]] = {}
    for event in events:
        if event.get("event") != "slot":
            continue
        kind = redaction_kind(event.get("name") or "")
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
        if is_personal_slot(str(entity.get("entity") or "")):
            entity["value"] = REDACTED
        elif isinstance(entity.get("value"), str):
            entity["value"] = redact(entity["value"], known)
        elif entity.get("value") is not None and not isinstance(entity.get("value"), bool | int | float):
            entity["value"] = REDACTED
        out.append(entity)
    return out


def _kept_metadata(metadata: Any) -> dict[str, int]:
    if not isinstance(metadata, dict):
        return {}
    return {
        key: metadata[key] for key in KEPT_METADATA
        if isinstance(metadata.get(key), int) and not isinstance(metadata.get(key), bool)
    }


def hashed_message_id(message_id: Any) -> Any:
    """A keyed hash of a channel's message id (ids that are already keyed hashes stay as they are)."""
    if message_id is None or is_keyed_hash(message_id):
        return message_id
    return keyed_hash("message-id", str(message_id))


def redact_user_text(raw: Any, known: dict[str, set[str]], intents: frozenset[str] | None = None) -> Any:
    """A user text without personal data.

    ``/intent{...}`` keeps only its intent name, and only when that is one of the domain's
    ``intents`` (without a domain: a lower-case snake_case name); anything else before the ``{``
    ("/ik heet Fatima{") could be personal and goes as well.
    """
    if not isinstance(raw, str):
        return raw
    payload = _INTENT_PAYLOAD.match(raw)
    if payload:
        name = payload.group(1)
        known_intent = name in intents if intents is not None else bool(re.fullmatch(r"[a-z0-9_]+", name))
        return f"/{name}{{{REDACTED}}}" if known_intent else f"/{{{REDACTED}}}"
    if raw.lstrip().startswith("/") and "{" in raw:
        return f"/{{{REDACTED}}}"
    return redact(raw, known)


def redact_event(
    event: dict[str, Any], known: dict[str, set[str]], asked: str | None = None, intents: frozenset[str] | None = None
) -> dict[str, Any]:
    """A copy of one serialised event without personal data in clear text.

    ``asked`` is the slot the bot was asking for when a user message came in (if a form was
    active): an answer to a personal question is dropped as a whole. ``intents``: the domain's.
    """
    event = copy.deepcopy(event)
    kind = event.get("event")
    if kind == "user":
        text = f"[antwoord {asked}]" if answer_is_personal(asked) else redact_user_text(
            event.get("text"), known, intents)
        event["text"] = text
        event["message_id"] = hashed_message_id(event.get("message_id"))
        if "metadata" in event:
            event["metadata"] = _kept_metadata(event.get("metadata"))
        parse_data = event.get("parse_data")
        if isinstance(parse_data, dict):
            if "text" in parse_data:
                parse_data["text"] = text
            if "entities" in parse_data:
                parse_data["entities"] = _redact_entities(parse_data.get("entities") or [], known)
            if "message_id" in parse_data:
                parse_data["message_id"] = hashed_message_id(parse_data.get("message_id"))
            if "metadata" in parse_data:
                parse_data["metadata"] = _kept_metadata(parse_data.get("metadata"))
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
        if is_personal_slot(event.get("name")) and event.get("value") is not None:
            event["value"] = encrypt_value(event["value"])
    elif kind == "entities":
        event["entities"] = _redact_entities(event.get("entities") or [], known)
    return event


def redact_new_events(
    events: list[dict[str, Any]], start: int, intents: frozenset[str] | None = None
) -> list[dict[str, Any]]:
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
            out.append(redact_event(event, known, requested if active_loop else None, intents))
    return out


def redact_stored_event(data: dict[str, Any], known: dict[str, set[str]]) -> dict[str, Any]:
    """A stored (already redacted) user/bot event with the ``known`` values removed as well."""
    data = copy.deepcopy(data)
    if data.get("event") == "user":
        text = redact_known(data.get("text"), known)
        data["text"] = text
        parse_data = data.get("parse_data")
        if isinstance(parse_data, dict):
            if "text" in parse_data:
                parse_data["text"] = text
            for entity in parse_data.get("entities") or []:
                if isinstance(entity, dict) and isinstance(entity.get("value"), str):
                    entity["value"] = redact_known(entity["value"], known)
    elif data.get("event") == "bot":
        data["text"] = redact_known(data.get("text"), known)
        for button in (data.get("data") or {}).get("buttons") or []:
            if isinstance(button, dict):
                for field in ("title", "payload"):
                    if isinstance(button.get(field), str):
                        button[field] = redact_known(button[field], known)
    return data


def restore_event(event: dict[str, Any]) -> dict[str, Any]:
    """Decrypt an encrypted slot value of a stored event."""
    if event.get("event") == "slot" and isinstance(event.get("value"), str):
        event["value"] = decrypt_value(event["value"])
    return event


def _newly_known(new_events: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Personal values set in this turn (for redacting earlier texts backwards)."""
    return known_values(e for e in new_events if e.get("event") == "slot" and e.get("value") is not None)


# ------------------------------------------------------------------------------ the store
class RedactingSQLTrackerStore(SQLTrackerStore):
    """:class:`SQLTrackerStore` that redacts, encrypts and compacts personal data (see module doc)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from bot.privacy import lexicon

        lexicon.warm_up()  # build the word lists now, not while the first parent waits

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
            new_events = all_events[start:]
            for data in redact_new_events(all_events, start, self._intents()):
                if data.get("event") == "slot" and is_personal_slot(data.get("name")):
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
            if any(e.get("event") == "slot" and e.get("name") == ERASE_SLOT and e.get("value") for e in new_events):
                erased = self._delete_events(session, tracker.sender_id)
                session.commit()
                log.info("conversation erased on request: %d stored event(s) deleted", erased)
                return
            newly_known = _newly_known(new_events)
            if newly_known:
                self._redact_history(session, tracker.sender_id, newly_known)
            new_kinds = {e.get("event") for e in new_events}
            if touched_personal or new_kinds & {"session_started", "active_loop"}:
                # No form running: no personal value is needed any more (stopped or done).
                self._compact(session, tracker.sender_id, drop_all=not tracker.active_loop_name)
            session.commit()

    def _intents(self) -> frozenset[str] | None:
        return frozenset(self.domain.intents) if self.domain is not None else None

    # -------------------------------------------------------------------- maintenance
    def _redact_history(self, session: Any, sender_id: str, known: dict[str, set[str]]) -> int:
        """Remove newly known personal values from every stored text of this sender."""
        table = self.SQLEvent
        rows = session.execute(
            sa.select(table).where(table.sender_id == sender_id, table.type_name.in_(("user", "bot")))
        ).scalars().all()
        changed = 0
        for row in rows:
            data = json.loads(row.data)
            redacted = redact_stored_event(data, known)
            if redacted != data:
                row.data = json.dumps(redacted)
                changed += 1
        return changed

    def _compact(self, session: Any, sender_id: str, drop_all: bool = False) -> int:
        """Overwrite every stored personal slot value that is not the current one with null.

        With ``drop_all`` (no form running) the current values go as well.
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
        rows = [row for row in rows if is_personal_slot(row.action_name)]
        latest: dict[str, int] = {}
        for row in rows:
            latest[row.action_name] = row.id
        changed = 0
        for row in rows:
            keep = row.id == latest[row.action_name] and row.id > session_start
            if keep and (not drop_all or row.action_name in KEPT_UNTIL_SESSION_END):
                continue
            data = json.loads(row.data)
            if data.get("value") is None:
                continue
            data["value"] = None
            row.data = json.dumps(data)
            changed += 1
        return changed

    def _delete_events(self, session: Any, sender_id: str) -> int:
        table = self.SQLEvent
        return session.execute(sa.delete(table).where(table.sender_id == sender_id)).rowcount or 0

    def erase_conversation(self, sender_id: str) -> int:
        """Delete every stored event of ``sender_id``; returns how many (see bot/privacy/erasure.py)."""
        with self.session_scope() as session:
            count = self._delete_events(session, sender_id)
            session.commit()
        return count

    def sender_ids(self) -> list[str]:
        """Every conversation in the store."""
        table = self.SQLEvent
        with self.session_scope() as session:
            return [row[0] for row in session.execute(sa.select(table.sender_id).distinct())]

    def purge_older_than(self, cutoff: float) -> int:
        """Delete every event with a timestamp before ``cutoff`` (seconds since the epoch)."""
        table = self.SQLEvent
        with self.session_scope() as session:
            count = session.execute(sa.delete(table).where(table.timestamp < cutoff)).rowcount or 0
            session.commit()
        return count

    def compact_idle(self, idle_before: float) -> int:
        """Drop the personal slot values of conversations silent since ``idle_before`` (abandoned forms)."""
        table = self.SQLEvent
        with self.session_scope() as session:
            candidates = session.execute(
                sa.select(table.sender_id).where(
                    table.type_name == "slot", table.data.like(f'%"value": "{ENC_PREFIX}%')
                ).distinct()
            ).scalars().all()
            changed = 0
            for sender_id in candidates:
                last = session.execute(
                    sa.select(sa.func.max(table.timestamp)).where(table.sender_id == sender_id)
                ).scalar()
                if last is not None and last < idle_before:
                    changed += self._compact(session, sender_id, drop_all=True)
            session.commit()
        return changed

    def scrub_message_ids(self) -> int:
        """Replace channel message ids stored before they were hashed (rows written by older code)."""
        table = self.SQLEvent
        with self.session_scope() as session:
            rows = session.execute(
                sa.select(table).where(
                    table.type_name == "user",
                    table.data.like('%"message_id": "%'),
                    ~table.data.like('%"message_id": "k1%'),
                )
            ).scalars().all()
            changed = 0
            for row in rows:
                data = json.loads(row.data)
                before = json.dumps(data)
                data["message_id"] = hashed_message_id(data.get("message_id"))
                parse_data = data.get("parse_data")
                if isinstance(parse_data, dict) and "message_id" in parse_data:
                    parse_data["message_id"] = hashed_message_id(parse_data.get("message_id"))
                if isinstance(data.get("metadata"), dict):
                    data["metadata"] = _kept_metadata(data["metadata"])
                if isinstance(parse_data, dict) and isinstance(parse_data.get("metadata"), dict):
                    parse_data["metadata"] = _kept_metadata(parse_data["metadata"])
                if json.dumps(data) != before:
                    row.data = json.dumps(data)
                    changed += 1
            session.commit()
        return changed

    def rotate_encrypted_values(self) -> int:
        """Re-encrypt every stored slot value with the current tracker key."""
        table = self.SQLEvent
        with self.session_scope() as session:
            rows = session.execute(
                sa.select(table).where(table.type_name == "slot", table.data.like(f'%"value": "{ENC_PREFIX}%'))
            ).scalars().all()
            for row in rows:
                data = json.loads(row.data)
                data["value"] = rotate_value(data.get("value"))
                row.data = json.dumps(data)
            session.commit()
        return len(rows)

    async def _stream_new_events(self, event_broker: Any, new_events: list, sender_id: str) -> None:
        """Publish redacted events only (an event broker is another copy of the data)."""
        dicts = [event.as_dict() for event in new_events]
        known = known_values(dicts)
        for data in dicts:
            body = {"sender_id": sender_id}
            body.update(redact_event(data, known, intents=self._intents()))
            event_broker.publish(body)
