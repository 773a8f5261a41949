"""Fixtures of the parent-loop tests: an isolated store on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from bot.store.testing import temp_database_url


@pytest.fixture()
def loop_env(tmp_path, monkeypatch):
    """Own VAR_DIR, keys and no DATABASE_URL/SMTP settings from the outside."""
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("APP_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    monkeypatch.setenv("PSEUDONYM_SECRET", "loop-tests-secret")
    for name in ("DATABASE_URL", "NOTIFY_TO", "SMTP_HOST", "SMTP_USER", "RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "var").mkdir(exist_ok=True)
    return tmp_path


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, loop_env):
    where = loop_env if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    with temp_database_url(request.param, where) as url:
        yield url


@pytest.fixture()
def sqlite_url(loop_env, monkeypatch):
    """One SQLite store, also the default store (DATABASE_URL) for code that takes no url."""
    with temp_database_url("sqlite", loop_env) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        yield url
