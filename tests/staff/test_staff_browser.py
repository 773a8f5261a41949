"""Headless Chromium: log in, find the registration in the queue, set 'contacted', see it in the audit log."""

from __future__ import annotations

import re

from staff_helpers import ADMIN_PASSWORD

from bot.staff.testing import run_staff_app
from bot.store.registrations import create_registration, get_registration
from bot.store.testing import sample_registration_input


def test_staff_handles_registration_in_browser(browser, db_url):
    ref = create_registration(sample_registration_input(name="Yara de Vries"), url=db_url)
    with run_staff_app({"DATABASE_URL": db_url, "SECRET_KEY": "browser-test"}) as server:
        context = browser.new_context()
        page = context.new_page()
        try:
            page.goto(server.url + "/registrations")
            assert page.url.startswith(server.url + "/login")  # not logged in: sent to the login page
            page.fill("#username", "beheer")
            page.fill("#password", ADMIN_PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(re.compile(r".*/registrations$"))
            assert page.inner_text("#new-count").startswith("1 ")
            row = page.locator("table.list tr", has_text=ref)
            assert "Yara de Vries" in row.inner_text()

            row.get_by_role("link", name="Yara de Vries").click()
            page.wait_for_url(re.compile(rf".*/registrations/{ref}$"))
            assert page.inner_text("#f-name") == "Yara de Vries"
            page.select_option("#new-status", "contacted")
            page.get_by_role("button", name="Status opslaan").click()
            page.wait_for_url(re.compile(rf".*/registrations/{ref}$"))
            assert page.inner_text("#status") == "Contact gehad"

            page.get_by_role("link", name="Auditlog").click()
            page.wait_for_url(re.compile(r".*/audit$"))
            audit_rows = page.locator("#audit tbody tr", has_text=ref).all_inner_texts()
            assert any("bekeken" in r and "beheer" in r for r in audit_rows), audit_rows
            assert any("status gewijzigd" in r and "Nieuw → Contact gehad" in r for r in audit_rows), audit_rows
            # cookies as the browser sees them
            cookie = next(c for c in context.cookies() if c["name"] == "staff_session")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        finally:
            context.close()
    assert get_registration(ref, url=db_url).status == "contacted"
