"""Shared fixtures: a trained model, a running Rasa stack, PostgreSQL and Redis."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.devtools.train_if_changed import train
from bot.testing.stack import ROOT, RasaStack

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _service_missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI must run against the real service)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The assistant's model, trained from this checkout (cached by input hash)."""
    return train(ROOT / "models" / "test" / "stevige-start-test.tar.gz")


@pytest.fixture(scope="session")
def rasa_stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory):
    """Rasa (REST, SQLite tracker store) + action server, shared by the session's e2e tests."""
    stack = RasaStack(model=trained_model, workdir=tmp_path_factory.mktemp("stack"))
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(url, future=True)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any connection problem means: not available
        _service_missing(f"PostgreSQL not reachable at {url}: {exc.__class__.__name__}")
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        _service_missing(f"Redis not reachable at {url}: {exc.__class__.__name__}")
    return url


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright (no browser download).

    Module-scoped on purpose: Playwright's sync API keeps an event loop running in the main
    thread while it is open, which would break every later test that calls asyncio.run().
    """
    if not Path(CHROMIUM).exists():
        _service_missing(f"{CHROMIUM} missing: run scripts/install_test_deps.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
