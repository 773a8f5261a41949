"""The drills' stack: the production shape (PostgreSQL tracker store, Redis lock store, two
Rasa instances behind one address), with the application database reached through a TCP
proxy that a drill can cut, and the WhatsApp channel pointed at a fake Graph API."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy.engine import make_url

from bot.loadtest.cluster import Cluster
from bot.loadtest.tcpproxy import TcpProxy
from bot.testing.stack import ROOT

sys.path.insert(0, str(ROOT / "tests" / "channels"))
from channel_kit import PSEUDONYM_SECRET, WA, FakeGraphAPI  # noqa: E402

DRILL_REDIS_DB = 12


@pytest.fixture(scope="module")
def graph_api():
    fake = FakeGraphAPI(WA["access_token"], WA["phone_number_id"]).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def db_proxy(postgres_url: str):
    """127.0.0.1:<port> -> PostgreSQL; ``cut()`` makes the database unreachable, ``start()`` brings it back."""
    url = make_url(postgres_url)
    proxy = TcpProxy([(url.host or "127.0.0.1", url.port or 5432)]).start()
    yield proxy
    proxy.cut()


@pytest.fixture(scope="module")
def drill_model(request: pytest.FixtureRequest) -> Path:
    """``DRILL_MODEL`` (a model already trained from this checkout, e.g. by CI) or the session's trained_model."""
    if os.environ.get("DRILL_MODEL"):
        return Path(os.environ["DRILL_MODEL"])
    return request.getfixturevalue("trained_model")


@pytest.fixture(scope="module")
def cluster(drill_model: Path, tmp_path_factory: pytest.TempPathFactory, postgres_url: str, redis_url: str,
            db_proxy: TcpProxy, graph_api: FakeGraphAPI):
    redis = urlsplit(redis_url)
    stack = Cluster(
        model=drill_model,
        workdir=tmp_path_factory.mktemp("drills"),
        rasa_instances=2,
        action_servers=1,
        pg_admin_url=postgres_url,
        redis_url=f"redis://{redis.netloc}/{DRILL_REDIS_DB}",
        db_name=f"drills_{secrets.token_hex(4)}",
        app_db_port=db_proxy.port,
        extra_env={
            "WHATSAPP_VERIFY_TOKEN": WA["verify_token"],
            "WHATSAPP_APP_SECRET": WA["app_secret"],
            "WHATSAPP_ACCESS_TOKEN": WA["access_token"],
            "WHATSAPP_PHONE_NUMBER_ID": WA["phone_number_id"],
            "WHATSAPP_API_BASE": graph_api.url,
            "PSEUDONYM_SECRET": PSEUDONYM_SECRET,
        },
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
