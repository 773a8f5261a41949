"""The action server, hardened: ``python -m bot.security.action_server [--port 5055] [--host 127.0.0.1]``.

rasa_sdk's server (``python -m rasa_sdk``) listens on every interface and runs any action for
anyone who posts a made-up tracker (a forged consent version was stored that way). This launcher
builds the same Sanic app from rasa_sdk and

- listens on ``ACTION_HOST`` (default 127.0.0.1);
- requires ``Authorization: Bearer <ACTION_SERVER_TOKEN>`` on every request except ``/health``
  when the token is set; the token is mandatory when the host is not a loopback address and in
  production (Rasa sends it: ``action_endpoint.headers`` in endpoints.yml);
- answers errors without echoing the request body (rasa_sdk returns the whole tracker);
- sets ``umask 077`` (files it creates are private) and checks the production settings.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.privacy.keys import is_production
from bot.security.production import is_loopback, require
from bot.security.tokens import bearer_matches

log = logging.getLogger("bot.security.action_server")

TOKEN_ENV = "ACTION_SERVER_TOKEN"
OPEN_PATHS = frozenset({"/health"})


def create_app(token: str, actions: str = "actions") -> Sanic:
    """rasa_sdk's app with the token check (no check when ``token`` is empty)."""
    from rasa_sdk.endpoint import create_app as sdk_create_app

    app = sdk_create_app(actions, cors_origins=None)

    @app.middleware("request")
    async def check_token(request: Request) -> HTTPResponse | None:
        if not token or request.path in OPEN_PATHS:
            return None
        if bearer_matches(token, request.headers.get("Authorization")):
            return None
        log.warning("action server: request without the right token refused")
        return response.json({"error": "forbidden"}, status=403)

    @app.exception(Exception)
    async def on_error(request: Request, exception: Exception) -> HTTPResponse:
        log.error("action server: %s while handling a request", exception.__class__.__name__)
        return response.json({"error": exception.__class__.__name__}, status=500)

    return app


def main(argv: list[str] | None = None) -> int:
    os.umask(0o077)
    require("actions")
    parser = argparse.ArgumentParser(prog="python -m bot.security.action_server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT") or 5055))
    parser.add_argument("--host", default=os.environ.get("ACTION_HOST") or "127.0.0.1")
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token and (is_production() or not is_loopback(args.host)):
        print(f"{TOKEN_ENV} must be set when the action server listens on {args.host} "
              "(or in production): anyone who reaches it could run actions", file=sys.stderr)
        return 2
    from rasa_sdk import utils

    from bot.safety import start_warm_up

    # Only the answers: the tier comes decided from the Rasa process (its SafetyNet component), so
    # the detector's word tables (~110 MB) load here only if a typed /safety_... payload needs them.
    start_warm_up(detector=False)
    app = create_app(token, args.actions)
    log.info("action server on http://%s:%s (token %s)", args.host, args.port, "required" if token else "off")
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
