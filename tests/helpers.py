"""Helpers for action tests with rasa_sdk's Tracker and CollectingDispatcher."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parent.parent


def domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def make_tracker(
    intent: str | None = None,
    text: str = "",
    slots: dict[str, Any] | None = None,
    active_loop: str | None = None,
    events: list[dict[str, Any]] | None = None,
    ranking: list[tuple[str, float]] | None = None,
    sender_id: str = "test-user",
    entities: list[dict[str, Any]] | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0} if intent else {},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in (ranking or [])],
        "entities": entities or [],
    }
    user_event = {"event": "user", "text": text, "parse_data": latest}
    return Tracker(
        sender_id=sender_id,
        slots=slots or {},
        latest_message=latest,
        events=(events or []) + [user_event],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run_action(action: Any, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run a sync or async action; return (messages, events)."""
    import asyncio
    import inspect

    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, tracker, domain())
    if inspect.isawaitable(result):
        result = asyncio.run(result)
    return dispatcher.messages, list(result or [])


def store_environment(tmp_path: Path, monkeypatch: Any) -> Iterator[str]:
    """A private store for one test: VAR_DIR, encryption key, pseudonym secret and an SQLite
    database in ``tmp_path``; yields the database URL (use it from a fixture: ``yield from``)."""
    from cryptography.fernet import Fernet

    from bot.store.testing import temp_database_url

    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("APP_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    monkeypatch.setenv("PSEUDONYM_SECRET", "test-secret")
    with temp_database_url("sqlite", tmp_path) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        yield url
