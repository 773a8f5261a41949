"""Finding 8: missing secrets fail closed in production; several tracker keys (rotation keeps old data
readable); a pseudonym rotation keeps withdrawal working."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import pseudonym
from bot.privacy.keys import MissingSecret, load_or_create_secret
from bot.privacy.tracker_store import RedactingSQLTrackerStore, decrypt_value, encrypt_value
from bot.security.production import problems
from bot.testing.stack import ROOT, base_env

SECRET_VARS = ("SEARCH_INDEX_KEY", "PSEUDONYM_SECRET", "TRACKER_ENCRYPTION_KEY", "TRACKER_ENCRYPTION_KEYS", "APP_ENCRYPTION_KEYS",
               "ACTION_SERVER_TOKEN", "RASA_AUTH_TOKEN", "RASA_AUTH_TOKEN_FILE", "RASA_REST_TOKEN",
               "STAFF_SECRET_KEY", "DATABASE_URL")


@pytest.fixture()
def production(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    for name in SECRET_VARS:
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_production_never_generates_a_secret(production) -> None:
    with pytest.raises(MissingSecret):
        load_or_create_secret("PSEUDONYM_SECRET", "pseudonym.key")
    assert not (production / "pseudonym.key").exists()
    from bot.store import crypto

    with pytest.raises(MissingSecret):
        crypto.configured_keys()
    assert not (production / "encryption.key").exists()


def test_production_check_names_what_is_missing_or_malformed(production) -> None:
    assert "PSEUDONYM_SECRET is not set" in problems("actions")
    env = {"PSEUDONYM_SECRET": "p" * 32, "APP_ENCRYPTION_KEYS": "not-a-key", "ACTION_SERVER_TOKEN": "short",
           "DATABASE_URL": "postgresql://x"}
    found = problems("actions", env)
    assert "APP_ENCRYPTION_KEYS contains a value that is not a Fernet key" in found
    assert "ACTION_SERVER_TOKEN is shorter than 16 characters" in found
    good = {**env, "APP_ENCRYPTION_KEYS": Fernet.generate_key().decode(), "ACTION_SERVER_TOKEN": "t" * 32,
            "SEARCH_INDEX_KEY": "s" * 32}
    assert problems("actions", good) == []


@pytest.mark.parametrize("module", ["bot.security.action_server", "bot.security.rasa_server"])
def test_launchers_refuse_to_start_in_production_without_keys(module: str, tmp_path) -> None:
    env = base_env({"APP_ENV": "production", "VAR_DIR": str(tmp_path)})
    for name in SECRET_VARS:
        env.pop(name, None)
    proc = subprocess.run([sys.executable, "-m", module, "--help"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr[-500:]
    assert "refusing to start" in proc.stderr and "PSEUDONYM_SECRET" in proc.stderr
    assert list(tmp_path.iterdir()) == [], "nothing generated"


def test_action_server_refuses_an_outside_address_without_a_token(tmp_path) -> None:
    env = base_env({"VAR_DIR": str(tmp_path), "ACTION_HOST": "0.0.0.0"})
    env.pop("ACTION_SERVER_TOKEN", None)
    env.pop("APP_ENV", None)
    proc = subprocess.run([sys.executable, "-m", "bot.security.action_server"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "ACTION_SERVER_TOKEN" in proc.stderr


def test_tracker_keys_rotate_without_losing_data(tmp_path, monkeypatch) -> None:
    """'Prepend a new key' used to make the old values unreadable; now the list is read as MultiFernet."""
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("TRACKER_ENCRYPTION_KEY", raising=False)
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("TRACKER_ENCRYPTION_KEYS", old)
    store = RedactingSQLTrackerStore(domain=Domain.load(str(ROOT / "domain.yml")), dialect="sqlite",
                                     db=str(tmp_path / "tracker.db"))
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActiveLoop("registration_form"),
              SlotSet("reg_name", "Fatima el Amrani")]
    asyncio.run(store.save(DialogueStateTracker.from_events("r1", events, store.domain.slots)))
    monkeypatch.setenv("TRACKER_ENCRYPTION_KEYS", f"{new},{old}")
    assert asyncio.run(store.retrieve("r1")).get_slot("reg_name") == "Fatima el Amrani"
    assert store.rotate_encrypted_values() == 1
    monkeypatch.setenv("TRACKER_ENCRYPTION_KEYS", new)
    assert asyncio.run(store.retrieve("r1")).get_slot("reg_name") == "Fatima el Amrani"
    monkeypatch.setenv("TRACKER_ENCRYPTION_KEY", f"{new},{old}")  # the old variable name takes a list too
    monkeypatch.delenv("TRACKER_ENCRYPTION_KEYS")
    assert decrypt_value(encrypt_value("x")) == "x"


def test_pseudonym_rotation_keeps_withdrawal_working(tmp_path, monkeypatch) -> None:
    """A registration made under the old secret is found from the new pseudonym via signed aliases."""
    from bot.channels import common
    from bot.loop import service
    from bot.registration.withdraw import withdraw
    from bot.store.registrations import get_registration
    from bot.store.testing import sample_registration_input

    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    wa_id = "31611122233"
    monkeypatch.setenv("PSEUDONYM_SECRET", "old-secret-0123456789abcdef")
    old_sender = common.pseudonym("whatsapp", wa_id)
    from bot.store.registrations import create_registration

    reference = create_registration(sample_registration_input(sender_key=pseudonym.sender_key(old_sender)))

    monkeypatch.setenv("PSEUDONYM_SECRET", "new-secret-0123456789abcdef,old-secret-0123456789abcdef")
    new_sender = common.pseudonym("whatsapp", wa_id)
    assert new_sender != old_sender
    metadata = common.sender_metadata("whatsapp", wa_id)
    assert pseudonym.verified_aliases(new_sender, metadata) == [old_sender]
    forged = {"sender_aliases": {"ids": ["someone-else"], "sig": metadata["sender_aliases"]["sig"]}}
    assert pseudonym.verified_aliases(new_sender, forged) == []

    # what the loop's withdrawal looks up (actions/loop.py -> bot.loop.service -> lookup_keys)
    assert [c.reference for c in service.lookup(new_sender, metadata).cases] == [reference]
    assert service.lookup(new_sender, None).cases == [], "without the signed alias: not hers"
    assert withdraw(pseudonym.lookup_keys(new_sender, metadata)).references == (reference,)
    assert get_registration(reference).status == "withdrawn"
