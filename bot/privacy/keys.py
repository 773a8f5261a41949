"""Secrets for the privacy helpers: from the environment, or generated once under ``VAR_DIR``.

A generated secret is written with mode 0600 and a warning is logged: fine for the embedded
default. In production (``APP_ENV=production``) nothing is generated: a missing secret is an
error (:class:`MissingSecret`), because every instance must share the same keys and a key that
only lives in one container's ``var/`` is lost with it.

A variable may hold several values separated by commas (key rotation): the first one is the
current one, the others are still accepted for reading (:func:`secret_values`).
"""

from __future__ import annotations

import logging
import os
import secrets
import time

from bot.paths import var_dir  # noqa: F401 - re-exported for callers of this module

log = logging.getLogger(__name__)

PRODUCTION_VALUES = {"production", "prod"}


class MissingSecret(RuntimeError):
    """A secret that must be configured in production is not set."""


def is_production() -> bool:
    """True when ``APP_ENV`` says production: secrets must be configured, nothing is generated."""
    return os.environ.get("APP_ENV", "").strip().lower() in PRODUCTION_VALUES


def split_values(raw: str) -> list[str]:
    """``"new, old"`` -> ``["new", "old"]`` (empty parts dropped)."""
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def load_or_create_secret(env_var: str, file_name: str, factory=lambda: secrets.token_urlsafe(32)) -> str:
    """The secret in ``env_var``; else the one in ``<VAR_DIR>/<file_name>`` (created when missing).

    In production a missing ``env_var`` raises :class:`MissingSecret` instead.
    """
    value = os.environ.get(env_var, "").strip()
    if value:
        return value
    if is_production():
        raise MissingSecret(f"{env_var} must be set when APP_ENV=production (see docs/production.md)")
    path = var_dir() / file_name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(20):  # a concurrent process may have created it but not written yet
            value = path.read_text().strip()
            if value:
                return value
            time.sleep(0.05)
        raise RuntimeError(f"{path} is empty: delete it or set {env_var}") from None
    value = factory()
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    log.warning("%s is not set: generated a secret in %s. Set %s in production.", env_var, path, env_var)
    return value


def secret_values(env_var: str, file_name: str, factory=lambda: secrets.token_urlsafe(32)) -> list[str]:
    """All values of a (possibly comma-separated) secret; the first one is the current one."""
    return split_values(load_or_create_secret(env_var, file_name, factory))
