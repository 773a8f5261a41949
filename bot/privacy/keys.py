"""Secrets for the privacy helpers: from the environment, or generated once under ``VAR_DIR``.

A generated secret is written with mode 0600 and a warning is logged: fine for the embedded
default, not for production (set the environment variable there and keep a backup).
"""

from __future__ import annotations

import logging
import os
import secrets
import time

from bot.paths import var_dir  # noqa: F401 - re-exported for callers of this module

log = logging.getLogger(__name__)



def load_or_create_secret(env_var: str, file_name: str, factory=lambda: secrets.token_urlsafe(32)) -> str:
    """The secret in ``env_var``; else the one in ``<VAR_DIR>/<file_name>`` (created when missing)."""
    value = os.environ.get(env_var, "").strip()
    if value:
        return value
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
