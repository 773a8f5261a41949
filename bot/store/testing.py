"""Throw-away databases for tests (SQLite file or a fresh PostgreSQL schema).

    with temp_database_url("postgresql", postgres_url) as url: ...
    with temp_database_url("sqlite", tmp_path) as url: ...

A PostgreSQL database gets its own schema (``search_path`` set through the URL), so
parallel test runs and other tables in the same database do not interfere; the schema
is dropped afterwards.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from bot.store.db import dispose_engine, migrate


def schema_url(base_url: str, schema: str) -> str:
    sep = "&" if "?" in base_url else "?"
    return f"{base_url}{sep}options={quote('-csearch_path=' + schema)}"


@contextlib.contextmanager
def temp_database_url(kind: str, where: str | Path, migrated: bool = True) -> Iterator[str]:
    """``kind`` 'sqlite' (``where`` = a folder) or 'postgresql' (``where`` = a server URL)."""
    if kind == "sqlite":
        url = f"sqlite:///{Path(where) / ('app-' + uuid.uuid4().hex[:8] + '.db')}"
        try:
            if migrated:
                migrate(url)
            yield url
        finally:
            dispose_engine(url)
        return
    if kind != "postgresql":
        raise ValueError(kind)
    schema = "test_store_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(str(where), future=True)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = schema_url(str(where), schema)
    try:
        if migrated:
            migrate(url)
        yield url
    finally:
        dispose_engine(url)
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sample_registration_input(**overrides):
    """A complete, valid :class:`RegistrationInput` (fictitious person) for tests."""
    from dataclasses import replace
    from datetime import date, datetime, timezone

    from bot.store.registrations import RegistrationInput

    base = RegistrationInput(
        name="Fatima Zwanenburg",
        phone="+31612345678",
        postcode="3072AB",
        due_date=date(2026, 5, 1),
        weeks_pregnant=22,
        help_areas=["geld en administratie", "wonen"],
        reachable="doordeweeks 's ochtends",
        channel="telegram",
        sender_key="sender-abc",
        consent_text_version="consent-v1",
        consent_at=datetime(2025, 11, 3, 10, 0, tzinfo=timezone.utc),
        idempotency_key="idem-1",
    )
    return replace(base, **overrides)
