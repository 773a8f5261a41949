"""Every storage test runs against SQLite and PostgreSQL (fresh schema per test)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from bot.store.testing import temp_database_url


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """Own VAR_DIR, encryption key and no DATABASE_URL/SMTP settings from the outside."""
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("APP_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    for name in ("DATABASE_URL", "NOTIFY_TO", "SMTP_HOST", "SMTP_USER", "STAFF_PASSWORD", "RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        where = tmp_path
    else:
        where = request.getfixturevalue("postgres_url")
    with temp_database_url(request.param, where) as url:
        yield url
