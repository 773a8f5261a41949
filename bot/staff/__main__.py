"""Run the staff web app: ``python -m bot.staff`` (STAFF_HOST, default 127.0.0.1; STAFF_PORT, default 8000).

Serves with Werkzeug's threaded WSGI server. In production put it behind a TLS reverse
proxy (set STAFF_TRUST_PROXY=1) and keep STAFF_INSECURE_COOKIES unset.
"""

from __future__ import annotations

import logging
import os

from werkzeug.serving import make_server

from bot.security.production import require
from bot.staff.app import create_app
from bot.store.db import migrate


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    require("staff")  # APP_ENV=production: refuse to start without the keys (bot/security/production.py)
    # Request lines contain only paths and references (no personal data), keep them.
    migrate()
    app = create_app({"MIGRATE_ON_START": False})
    host = os.environ.get("STAFF_HOST", "127.0.0.1")
    port = int(os.environ.get("STAFF_PORT", "8000"))
    server = make_server(host, port, app, threaded=True)
    logging.getLogger("bot.staff").info("staff web app on http://%s:%s/", host, port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
