"""Fixtures for the channel tests: one Rasa stack with the WhatsApp channel on, and fake APIs."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from channel_kit import PSEUDONYM_SECRET, REST_TOKEN, WA, FakeGraphAPI, FakeTelegramAPI, WhatsAppClient

from bot.testing.stack import RasaStack


@pytest.fixture(scope="session")
def graph_api():
    fake = FakeGraphAPI(WA["access_token"], WA["phone_number_id"]).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def telegram_api():
    fake = FakeTelegramAPI("4242:" + uuid.uuid4().hex).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def channel_stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory, graph_api: FakeGraphAPI):
    """Rasa + action server with the WhatsApp channel pointed at the fake Graph API (one per session)."""
    stack = RasaStack(
        model=trained_model,
        workdir=tmp_path_factory.mktemp("channels-stack"),
        env={
            "WHATSAPP_VERIFY_TOKEN": WA["verify_token"],
            "WHATSAPP_APP_SECRET": WA["app_secret"],
            "WHATSAPP_ACCESS_TOKEN": WA["access_token"],
            "WHATSAPP_PHONE_NUMBER_ID": WA["phone_number_id"],
            "WHATSAPP_API_BASE": graph_api.url,
            "PSEUDONYM_SECRET": PSEUDONYM_SECRET,
            "RASA_REST_TOKEN": REST_TOKEN,
            "DATABASE_URL": "",
        },
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture()
def whatsapp(channel_stack: RasaStack) -> WhatsAppClient:
    return WhatsAppClient(channel_stack)


