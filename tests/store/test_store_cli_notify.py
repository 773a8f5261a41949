"""The store CLI (migrate, create-staff, purge) and the e-mail notification."""

from __future__ import annotations

import email
import email.policy
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.store import audit, cli, notify, staff_users
from bot.store.cases import close
from bot.store.db import get_engine
from bot.store.registrations import create_registration, get_registration
from bot.store.testing import free_port
from bot.store.testing import sample_registration_input as make_input

ROOT = Path(__file__).resolve().parents[2]


def test_cli_migrate_create_staff_and_login(db_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert cli.main(["migrate"]) == 0
    monkeypatch.setenv("STAFF_PASSWORD", "een lang wachtwoord")
    assert cli.main(["create-staff", "anna", "--admin"]) == 0
    assert cli.main(["create-staff", "bram"]) == 0
    assert cli.main(["create-staff", "bram"]) == 1  # exists
    assert "already exists" in capsys.readouterr().err
    monkeypatch.setenv("STAFF_PASSWORD", "kort")
    assert cli.main(["create-staff", "kees"]) == 1  # too short
    roles = {a.username: a.role for a in staff_users.list_accounts(url=db_url)}
    assert roles == {"anna": "admin", "bram": "staff"}
    assert staff_users.authenticate("anna", "een lang wachtwoord", url=db_url).ok
    with get_engine(db_url).connect() as conn:
        hashes = [r[0] for r in conn.execute(sa.text("SELECT password_hash FROM staff_users"))]
    assert all(h.startswith("$argon2id$") and "wachtwoord" not in h for h in hashes)


def test_cli_purge_uses_retention_days(db_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url)
    ref = create_registration(make_input(), url=db_url)
    close(ref, "no_help_needed", "anna", url=db_url)
    with get_engine(db_url).begin() as conn:
        conn.execute(sa.text("UPDATE registrations SET status_changed_at = :t"),
                     {"t": (datetime.now(timezone.utc) - timedelta(days=40)).replace(tzinfo=None)})
    monkeypatch.setenv("RETENTION_DAYS", "60")
    assert cli.main(["purge"]) == 0
    assert get_registration(ref, url=db_url).name is not None
    assert cli.main(["purge", "--days", "30"]) == 0
    assert "purged personal data of 1 registration" in capsys.readouterr().out
    assert get_registration(ref, url=db_url).name is None


def test_cli_as_subprocess_reports_unavailable_database(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), VAR_DIR=str(tmp_path),
               DATABASE_URL=f"postgresql+psycopg2://postgres@127.0.0.1:{free_port()}/x")
    proc = subprocess.run([sys.executable, "-m", "bot.store.cli", "migrate"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "database unavailable" in proc.stderr


def test_cli_create_staff_subprocess(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), VAR_DIR=str(tmp_path), STAFF_PASSWORD="nog een lang wachtwoord")
    env.pop("DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-m", "bot.store.cli", "create-staff", "sara"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "app.db").exists()
    assert "nog een lang wachtwoord" not in proc.stdout + proc.stderr


# ------------------------------------------------------------------ notification
@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Collect:
        def __init__(self) -> None:
            self.messages: list[tuple[list[str], bytes]] = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
            return "250 OK"

    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def test_notify_sends_reference_and_link_only(db_url, smtp_server, monkeypatch):
    controller, handler = smtp_server
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(controller.port))
    monkeypatch.setenv("NOTIFY_TO", "aanmeldpunt@example.org, backup@example.org")
    monkeypatch.setenv("NOTIFY_FROM", "bot@example.org")
    monkeypatch.setenv("STAFF_BASE_URL", "https://staff.example.org/")
    inp = make_input()
    ref = create_registration(inp, url=db_url)
    assert notify.notify_new_registration(ref, url=db_url) is True
    # a repeated confirmation returns the same reference: no second mail
    assert notify.notify_new_registration(ref, url=db_url) is False
    deadline = time.monotonic() + 5
    while not handler.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    (rcpts, content), = handler.messages
    assert sorted(rcpts) == ["aanmeldpunt@example.org", "backup@example.org"]
    message = email.message_from_bytes(content, policy=email.policy.default)
    text = str(message["Subject"]) + "\n" + message.get_content() + content.decode()
    assert ref in text and f"https://staff.example.org/registrations/{ref}" in text
    for personal in (inp.name, inp.name.split()[0], inp.phone, inp.phone[3:], inp.postcode, inp.reachable,
                     inp.due_date.isoformat(), *inp.help_areas):
        assert personal not in text, personal


def test_notify_is_noop_without_recipients_and_never_raises(db_url, smtp_server, monkeypatch, caplog):
    controller, handler = smtp_server
    monkeypatch.delenv("NOTIFY_TO", raising=False)
    assert notify.notify_new_registration("MVR-AAAA-AA", url=db_url) is False
    monkeypatch.setenv("NOTIFY_TO", "x@example.org")
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(free_port()))  # nothing listens
    assert notify.notify_new_registration("MVR-AAAA-AA", url=db_url) is False
    assert "failed" in caplog.text
    # the failed attempt did not count as sent: a retry goes through once the server is there
    monkeypatch.setenv("SMTP_PORT", str(controller.port))
    assert notify.notify_new_registration("MVR-AAAA-AA", url=db_url) is True
    # database down: the mail still goes out (a duplicate is better than none), no exception
    down = f"postgresql+psycopg2://postgres@127.0.0.1:{free_port()}/x"
    assert notify.notify_new_registration("MVR-BBBB-BB", url=down) is True
    from bot.store.db import dispose_engine

    dispose_engine(down)


def test_audit_detail_of_cli_has_no_password(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("STAFF_PASSWORD", "geheim-wachtwoord-123")
    assert cli.main(["create-staff", "anna"]) == 0
    assert all("geheim" not in (e.detail or "") for e in audit.entries(url=db_url))


def test_cli_roles_deactivation_reindex_and_demo_seed(db_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SEARCH_INDEX_KEY", "cli-test-key")
    monkeypatch.setenv("STAFF_PASSWORD", "een lang wachtwoord")
    assert cli.main(["create-staff", "carla", "--role", "coordinator"]) == 0
    assert cli.main(["set-role", "carla", "admin"]) == 0
    assert {a.username: a.role for a in staff_users.list_accounts(url=db_url)} == {"carla": "admin"}
    assert cli.main(["deactivate", "carla"]) == 0
    assert not staff_users.authenticate("carla", "een lang wachtwoord", url=db_url, ip="10.0.0.1").ok
    assert cli.main(["activate", "carla"]) == 0
    assert staff_users.authenticate("carla", "een lang wachtwoord", url=db_url, ip="10.0.0.1").ok
    assert cli.main(["seed-demo", "--count", "7"]) == 0
    assert cli.main(["reindex"]) == 0
    out = capsys.readouterr().out
    assert "added 7 fictitious registration(s)" in out and "reindexed 7 registration(s)" in out
    monkeypatch.setenv("APP_ENV", "production")
    assert cli.main(["seed-demo", "--count", "1"]) == 1
    assert "refused" in capsys.readouterr().err
