"""Helpers shared by the staff app tests (plain module: imported by name, tests/staff is on sys.path)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

PASSWORD = "staff wachtwoord 123"
ADMIN_PASSWORD = "admin wachtwoord 456"
COORDINATOR_PASSWORD = "coordinator wachtwoord 789"
BRAM_PASSWORD = "bram wachtwoord 321"


class Clock:
    """Injectable 'now' for session expiry and lockout tests."""

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


def login(client, username: str = "anna", password: str = PASSWORD, follow: bool = False):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=follow)


def version_of(html: str, required: bool = True) -> str | None:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match or not required, "no version field in page"
    return match.group(1) if match else None


def form_data(client, reference: str, **fields) -> dict:
    """CSRF token and version from the case page (a read-only page has no forms: then the
    stored version, as a hand-made request would send), plus ``fields``."""
    page = client.get(f"/registrations/{reference}").get_data(as_text=True)
    version = version_of(page, required=False)
    if version is None:
        from bot.store.registrations import get_registration

        version = str(get_registration(reference, url=client.application.config["DATABASE_URL"]).version)
    return {"csrf_token": csrf_from(page), "version": version, **fields}
