"""Rasa, hardened: ``python -m bot.security.rasa_server [rasa run options]``.

Runs ``rasa run`` with the given options, plus:

- the HTTP API token from ``RASA_AUTH_TOKEN`` or the file named by ``RASA_AUTH_TOKEN_FILE``, never
  on the command line (where ``ps`` shows it to every user of the machine); ``--enable-api``
  without a token is refused;
- ``--interface`` from ``RASA_HOST`` (default 127.0.0.1) unless one is given;
- no message text in Rasa's own log events (:mod:`bot.security.logs`);
- ``umask 077`` (the SQLite tracker database and generated keys are private) and the production
  settings check (``APP_ENV=production``: every secret set).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bot.security.production import require

TOKEN_ENV = "RASA_AUTH_TOKEN"
TOKEN_FILE_ENV = "RASA_AUTH_TOKEN_FILE"


def auth_token() -> str:
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token:
        return token
    path = os.environ.get(TOKEN_FILE_ENV, "").strip()
    return Path(path).read_text(encoding="utf-8").strip() if path else ""


def rasa_argv(options: list[str], token: str, host: str) -> list[str]:
    """The arguments for ``rasa`` (kept inside this process: ``ps`` shows only ``options``)."""
    if any(o == "--auth-token" or o.startswith("--auth-token=") for o in options):
        raise SystemExit("pass the token in RASA_AUTH_TOKEN or RASA_AUTH_TOKEN_FILE, not on the command line")
    args = ["run", *options]
    if "--enable-api" in options:
        if not token:
            raise SystemExit("--enable-api needs RASA_AUTH_TOKEN (or RASA_AUTH_TOKEN_FILE): never run the API open")
        args.append(f"--auth-token={token}")
    if not any(o in ("-i", "--interface") or o.startswith("--interface=") for o in options):
        args += ["--interface", host]
    return args


def main(argv: list[str] | None = None) -> None:
    options = list(sys.argv[1:] if argv is None else argv)
    os.umask(0o077)
    require("rasa")
    args = rasa_argv(options, auth_token(), os.environ.get("RASA_HOST", "").strip() or "127.0.0.1")
    from bot.security import logs

    logs.install()
    import rasa.__main__ as rasa_main

    sys.argv = ["rasa", *args]
    rasa_main.main()


if __name__ == "__main__":
    main()
