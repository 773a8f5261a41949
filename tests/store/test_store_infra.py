"""Encryption keys, migrations, unavailable database, message de-duplication."""

from __future__ import annotations

import logging
import socket
import stat
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from bot.store import crypto, db, dedup
from bot.store.errors import DecryptionError, StoreUnavailable
from bot.store.registrations import RegistrationInput, create_registration, get_registration, withdraw_by_sender
from bot.store.testing import temp_database_url

INPUT = RegistrationInput(
    name="Noor", phone="+31101234567", postcode="3011AA", due_date=date(2026, 1, 2), weeks_pregnant=None,
    help_areas=[], reachable="altijd", channel="rest", sender_key="s1", consent_text_version="v1",
    consent_at=datetime(2025, 10, 1, tzinfo=timezone.utc), idempotency_key="i1",
)


# ------------------------------------------------------------------ encryption keys
def test_generated_key_file_is_private_and_logged(tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("APP_ENCRYPTION_KEYS")
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "v"))
    with caplog.at_level(logging.WARNING, logger="bot.store.crypto"):
        token = crypto.encrypt("geheim")
    key_file = tmp_path / "v" / "encryption.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "APP_ENCRYPTION_KEYS is not set" in caplog.text
    assert "geheim" not in token and crypto.decrypt(token) == "geheim"
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.store.crypto"):
        assert crypto.decrypt(crypto.encrypt("x")) == "x"
    assert "generated" not in caplog.text  # only once
    assert crypto.encrypt(None) is None and crypto.decrypt(None) is None


def test_key_rotation(monkeypatch, db_url):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("APP_ENCRYPTION_KEYS", old)
    ref = create_registration(INPUT, url=db_url)
    monkeypatch.setenv("APP_ENCRYPTION_KEYS", f"{new},{old}")
    assert get_registration(ref, url=db_url).name == "Noor"  # old key still decrypts

    from bot.store.cli import rotate_keys

    assert rotate_keys(url=db_url) == 1
    monkeypatch.setenv("APP_ENCRYPTION_KEYS", new)  # old key dropped
    assert get_registration(ref, url=db_url).name == "Noor"
    monkeypatch.setenv("APP_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    with pytest.raises(DecryptionError):
        get_registration(ref, url=db_url)


# ------------------------------------------------------------------ migrations
def test_models_and_migrations_agree(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.store.models import Base

    with db.get_engine(db_url).connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    # the version table is not part of the models
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name == db.VERSION_TABLE)]
    assert diff == []


def _head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(db.alembic_config("sqlite://")).get_current_head()


def test_migrate_is_idempotent_and_concurrent(request, tmp_path):
    kinds = [("sqlite", tmp_path)]
    try:
        kinds.append(("postgresql", request.getfixturevalue("postgres_url")))
    except pytest.skip.Exception:
        pass
    for kind, where in kinds:
        with temp_database_url(kind, where, migrated=False) as url:
            errors: list[BaseException] = []

            def run(url=url, errors=errors) -> None:
                try:
                    db.migrate(url)
                except BaseException as err:  # noqa: BLE001
                    errors.append(err)

            threads = [threading.Thread(target=run) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            assert errors == [], (kind, errors)
            db.migrate(url)
            with db.get_engine(url).connect() as conn:
                versions = conn.execute(sa.text(f"SELECT version_num FROM {db.VERSION_TABLE}")).all()
            assert versions == [(_head_revision(),)], kind


def test_database_url_default_under_var_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "state"))
    assert db.database_url() == f"sqlite:///{tmp_path / 'state' / 'app.db'}"
    assert (tmp_path / "state").is_dir()
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://u@h/db")
    assert db.database_url() == "postgresql+psycopg2://u@h/db"
    assert db.get_engine("sqlite:///" + str(tmp_path / "a.db")) is db.get_engine("sqlite:///" + str(tmp_path / "a.db"))


# ------------------------------------------------------------------ unavailable database
def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def test_unreachable_database_raises_store_unavailable(caplog):
    url = f"postgresql+psycopg2://postgres@127.0.0.1:{_closed_port()}/test"
    try:
        with caplog.at_level(logging.ERROR):
            with pytest.raises(StoreUnavailable):
                create_registration(INPUT, url=url)
            with pytest.raises(StoreUnavailable):
                withdraw_by_sender("s1", url=url)
            with pytest.raises(StoreUnavailable):
                dedup.mark_processed("whatsapp", "wamid.1", url=url)
            with pytest.raises(StoreUnavailable):
                db.migrate(url)
        assert "Noor" not in caplog.text and "+31101234567" not in caplog.text
    finally:
        db.dispose_engine(url)


def test_failed_write_leaves_nothing_half(db_url, monkeypatch):
    """An error after the insert (here: in the audit entry) rolls the registration back."""
    from bot.store import audit, registrations

    def broken_audit(*_a, **_k):
        raise sa.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(audit, "add", broken_audit)
    with pytest.raises(StoreUnavailable):
        create_registration(INPUT, url=db_url)
    monkeypatch.undo()
    assert registrations.list_registrations(url=db_url) == []


# ------------------------------------------------------------------ dedup
def test_mark_processed(db_url):
    assert dedup.mark_processed("whatsapp", "wamid.A", url=db_url) is True
    assert dedup.mark_processed("whatsapp", "wamid.A", url=db_url) is False
    assert dedup.mark_processed("telegram", "wamid.A", url=db_url) is True
    assert dedup.mark_processed("whatsapp", "wamid.B", url=db_url) is True
    with db.get_engine(db_url).connect() as conn:
        keys = [r[0] for r in conn.execute(sa.text("SELECT key FROM processed_messages"))]
    assert all("wamid" not in k for k in keys)


def test_mark_processed_concurrently_only_one_winner(db_url):
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def run() -> None:
        barrier.wait()
        results.append(dedup.mark_processed("whatsapp", "wamid.RACE", url=db_url))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [False] * 7 + [True]


def test_purge_processed(db_url):
    dedup.mark_processed("whatsapp", "old", url=db_url)
    assert dedup.purge_processed(datetime.now(timezone.utc) - timedelta(hours=1), url=db_url) == 0
    assert dedup.purge_processed(datetime.now(timezone.utc) + timedelta(seconds=1), url=db_url) == 1
    assert dedup.mark_processed("whatsapp", "old", url=db_url) is True
