"""Migration 0002_staff_workflow on a database with data from 0001: backfill and repairs."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic import command

from bot.store import crypto, db, queue
from bot.store.registrations import get_registration
from bot.store.testing import temp_database_url


@pytest.fixture(params=["sqlite", "postgresql"])
def old_db(request, tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_INDEX_KEY", "migration-test-key")
    where = tmp_path if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    with temp_database_url(request.param, where, migrated=False) as url:
        engine = db.get_engine(url)
        with engine.connect() as conn:
            cfg = db.alembic_config(url)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0001_initial")
        yield url


def _insert(conn, reference: str, status: str, name: str | None, phone: str | None, deleted: bool = False):
    now = datetime(2026, 1, 5, 10, 0)
    conn.execute(sa.text(
        "INSERT INTO registrations (reference, idempotency_key, status, channel, sender_key, name, phone, postcode,"
        " due_date, weeks_pregnant, help_areas, reachable, consent_text_version, consent_at, created_at, updated_at,"
        " status_changed_at, personal_data_deleted_at) VALUES (:ref, :ref, :status, 'rest', NULL, :name, :phone,"
        " :postcode, :due, :weeks, :help, :reach, '1-365d-abc', :now, :now, :now, :now, :deleted)"),
        {"ref": reference, "status": status, "name": crypto.encrypt(name), "phone": crypto.encrypt(phone),
         "postcode": crypto.encrypt("onbekend" if name else None), "due": crypto.encrypt("2026-04-01" if name else None),
         "help": crypto.encrypt(json.dumps(["Wonen"]) if name else None),
         "weeks": crypto.encrypt("20" if name else None), "reach": crypto.encrypt("ochtend"),
         "now": now, "deleted": now if deleted else None})
    conn.execute(sa.text("INSERT INTO staff_users (username, password_hash, role, active, failed_attempts,"
                         " created_at) SELECT :u, 'x', 'staff', :t, 0, :now WHERE NOT EXISTS"
                         " (SELECT 1 FROM staff_users WHERE username = :u)"), {"u": "anna", "now": now, "t": True})


def test_upgrade_backfills_search_and_repairs_states(old_db):
    engine = db.get_engine(old_db)
    with engine.begin() as conn:
        _insert(conn, "MVR-AAAA-AA", "new", "Fátima Zwanenburg", "+31612345678")
        _insert(conn, "MVR-BBBB-BB", "in_progress", None, None, deleted=True)  # erased but still open
        _insert(conn, "MVR-CCCC-CC", "withdrawn", None, None, deleted=True)
        conn.execute(sa.text("INSERT INTO audit_log (at, actor, action, reference) VALUES"
                             " (:t, 'client', 'withdrawn by client', 'MVR-CCCC-CC')"), {"t": datetime(2026, 1, 6)})
    db.migrate(old_db)

    assert [i.reference for i in queue.search_cases("fatima", url=old_db)] == ["MVR-AAAA-AA"]
    assert [i.reference for i in queue.search_cases("06-12345678", url=old_db)] == ["MVR-AAAA-AA"]
    reg = get_registration("MVR-AAAA-AA", url=old_db)
    assert reg.no_fixed_address and reg.version == 1 and reg.kind == "registration"
    repaired = get_registration("MVR-BBBB-BB", url=old_db)
    assert repaired.status == "withdrawn" and repaired.withdrawn_by == "staff"  # no longer counted as open
    by_client = get_registration("MVR-CCCC-CC", url=old_db)
    assert by_client.withdrawn_by == "client" and by_client.withdrawn_at is not None
    assert queue.view_counts(None, url=old_db)["open"] == 1
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("staff_users")}
        conn.execute(sa.text("UPDATE staff_users SET role = 'coordinator'"))  # allowed by the new constraint
    assert "failed_attempts" not in columns and "locked_until" not in columns


def test_downgrade_and_upgrade_again(old_db):
    db.migrate(old_db)
    engine = db.get_engine(old_db)
    with engine.connect() as conn:
        cfg = db.alembic_config(old_db)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001_initial")
        conn.commit()
        assert "staff_sessions" not in sa.inspect(conn).get_table_names()
        command.upgrade(cfg, "head")
        conn.commit()
        assert "staff_sessions" in sa.inspect(conn).get_table_names()
