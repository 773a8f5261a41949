"""Sender pseudonyms: stable per secret, not reversible, secret generated under VAR_DIR."""

from __future__ import annotations

import hashlib
import hmac
import stat

from bot.privacy.pseudonym import sender_key


def test_secret_from_env(monkeypatch) -> None:
    monkeypatch.setenv("PSEUDONYM_SECRET", "s3cret")
    expected = hmac.new(b"s3cret", b"31612345678", hashlib.sha256).hexdigest()
    assert sender_key("31612345678") == expected
    assert "31612345678" not in sender_key("31612345678")
    monkeypatch.setenv("PSEUDONYM_SECRET", "other")
    assert sender_key("31612345678") != expected


def test_secret_generated_once_under_var_dir(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("PSEUDONYM_SECRET", raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    first = sender_key("telegram:42")
    key_file = tmp_path / "pseudonym.key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert sender_key("telegram:42") == first
    assert sender_key("telegram:43") != first
    assert len(first) == 64


def test_rejects_empty() -> None:
    import pytest

    with pytest.raises(ValueError):
        sender_key("")
