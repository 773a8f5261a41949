"""Run the staff web app in a background thread for tests.

    from bot.staff.testing import run_staff_app
    with run_staff_app({"DATABASE_URL": url, "SESSION_COOKIE_SECURE": False}) as server:
        page.goto(server.url + "/login")

``create_staff_account(url, username, password, admin)`` makes an account directly.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from werkzeug.serving import make_server

from bot.staff.app import create_app


class StaffServer:
    def __init__(self, app, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self._server = make_server(host, port, app, threaded=True)
        self.host = host
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, name="staff-app", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> StaffServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)


@contextlib.contextmanager
def run_staff_app(config: dict | None = None, port: int = 0) -> Iterator[StaffServer]:
    """The app from ``create_app(config)`` served on 127.0.0.1:``port`` (0 = a free port).

    Plain http: pass ``SESSION_COOKIE_SECURE: False`` (browsers drop Secure cookies on
    http://127.0.0.1 only in some versions; Chromium accepts them on localhost, but be explicit).
    """
    cfg = {"SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False}
    cfg.update(config or {})
    server = StaffServer(create_app(cfg), port=port).start()
    try:
        yield server
    finally:
        server.stop()


def create_staff_account(url: str | None, username: str, password: str, admin: bool = False):
    from bot.store.staff_users import create_staff

    return create_staff(username, password, admin=admin, url=url)
