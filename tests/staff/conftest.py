"""Staff app fixtures: a migrated SQLite database with two accounts, app and logged-in clients.

(The storage layer itself is tested against SQLite and PostgreSQL in tests/store.)
"""

from __future__ import annotations

import shutil

import pytest
from cryptography.fernet import Fernet
from staff_helpers import ADMIN_PASSWORD, BRAM_PASSWORD, COORDINATOR_PASSWORD, PASSWORD, Clock, login

from bot.staff.app import create_app
from bot.store.db import dispose_engine
from bot.store.staff_users import create_staff
from bot.store.testing import temp_database_url

INDEX_KEY = "test-search-index-key"
ENCRYPTION_KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    # The template database is shared by the session's tests: one key for all of them.
    monkeypatch.setenv("APP_ENCRYPTION_KEYS", ENCRYPTION_KEY)
    monkeypatch.setenv("SEARCH_INDEX_KEY", INDEX_KEY)
    for name in ("DATABASE_URL", "NOTIFY_TO", "STAFF_SECRET_KEY", "STAFF_INSECURE_COOKIES"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory):
    """Migrated database with accounts 'anna' and 'bram' (staff), 'carla' (coordinator) and 'beheer'
    (admin), hashed once per session."""
    folder = tmp_path_factory.mktemp("staff-template")
    with temp_database_url("sqlite", folder) as url:
        create_staff("anna", PASSWORD, url=url)
        create_staff("bram", BRAM_PASSWORD, url=url)
        create_staff("carla", COORDINATOR_PASSWORD, role="coordinator", url=url)
        create_staff("beheer", ADMIN_PASSWORD, admin=True, url=url)
    dispose_engine(url)  # closes the last connection: the WAL is checkpointed into the file
    return url.removeprefix("sqlite:///")


@pytest.fixture
def db_url(tmp_path, _template_db):
    target = tmp_path / "app.db"
    shutil.copyfile(_template_db, target)
    url = f"sqlite:///{target}"
    yield url
    dispose_engine(url)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(db_url, clock):
    app = create_app({"DATABASE_URL": db_url, "NOW": clock, "SECRET_KEY": "test-secret"})
    app.testing = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def staff_client(app):
    c = app.test_client()
    assert login(c).status_code == 302
    return c


@pytest.fixture
def admin_client(app):
    c = app.test_client()
    assert login(c, "beheer", ADMIN_PASSWORD).status_code == 302
    return c


@pytest.fixture
def coordinator_client(app):
    c = app.test_client()
    assert login(c, "carla", COORDINATOR_PASSWORD).status_code == 302
    return c


@pytest.fixture
def bram_client(app):
    c = app.test_client()
    assert login(c, "bram", BRAM_PASSWORD).status_code == 302
    return c
