"""Headless Chromium (Playwright): the staff app as case workers use it.

Search by phone and name with the keyboard, two colleagues on one case (two browser contexts),
erasure taking a case out of the queue, the expired-session draft, the session warning, the
note counter, and the layout at 1280x800 and 1024x700 (actions above the fold, no sideways
scrolling, a visible focus ring).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from staff_helpers import ADMIN_PASSWORD, BRAM_PASSWORD, COORDINATOR_PASSWORD, PASSWORD, Clock

from bot.staff.testing import run_staff_app
from bot.store.cases import add_note
from bot.store.registrations import create_registration, get_registration
from bot.store.testing import sample_registration_input

SIZES = [(1280, 800), (1024, 700)]


def make(db_url: str, key: str, **overrides) -> str:
    overrides.setdefault("sender_key", f"sender-{key}")
    return create_registration(sample_registration_input(idempotency_key=key, **overrides), url=db_url)


@pytest.fixture
def server(db_url):
    clock = Clock()
    with run_staff_app({"DATABASE_URL": db_url, "SECRET_KEY": "browser-test", "NOW": clock}) as srv:
        srv.clock = clock
        yield srv


def login(page, server, username: str, password: str, then: str = r".*/registrations$") -> None:
    if "/login" not in page.url:
        page.goto(server.url + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(then))


@pytest.fixture
def new_page(browser):
    contexts = []

    def open_page(width: int = 1280, height: int = 800):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_staff_handles_registration_in_browser(new_page, server, db_url):
    ref = make(db_url, "y", name="Yara de Vries")
    page = new_page()
    page.goto(server.url + "/registrations")
    assert page.url.startswith(server.url + "/login")  # not logged in: sent to the login page
    login(page, server, "beheer", ADMIN_PASSWORD)
    assert page.inner_text("#new-count").startswith("1 ")
    row = page.locator("table.list tr", has_text=ref)
    assert "Yara de Vries" in row.inner_text()
    row.get_by_role("link", name="Yara de Vries").click()
    page.wait_for_url(re.compile(rf".*/registrations/{ref}$"))
    assert page.inner_text("#f-name") == "Yara de Vries"
    assert page.get_attribute("#f-phone", "href") == "tel:+31612345678"
    page.select_option("#new-status", "contacted")
    page.get_by_role("button", name="Status opslaan").click()
    page.wait_for_url(re.compile(rf".*/registrations/{ref}$"))
    assert page.inner_text("#status") == "Contact gehad"
    page.get_by_role("link", name="Auditlog").click()
    page.wait_for_url(re.compile(r".*/audit$"))
    audit_rows = page.locator("#audit tbody tr", has_text=ref).all_inner_texts()
    assert any("bekeken" in r and "beheer" in r for r in audit_rows), audit_rows
    assert any("status gewijzigd" in r and "Nieuw → Contact gehad" in r for r in audit_rows), audit_rows
    cookie = next(c for c in page.context.cookies() if c["name"] == "staff_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"


def test_search_by_phone_and_name_with_the_keyboard(new_page, server, db_url):
    fatima = make(db_url, "f", name="Fátima Zwanenburg")
    sanne = make(db_url, "s", name="Sanne de Vries", phone="+31687654321")
    page = new_page()
    login(page, server, "anna", PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Naar zoeken"  # the first Tab stop
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "zoekveld"
    page.keyboard.type("+31 6 1234 5678")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/registrations/search\?q=.*"))
    results = page.inner_text("table.cases tbody")
    assert fatima in results and sanne not in results
    assert page.input_value("#zoekveld") == "+31 6 1234 5678"  # the typed text stays
    page.fill("#zoekveld", "fati zwan")
    page.press("#zoekveld", "Enter")
    page.wait_for_load_state()
    assert fatima in page.inner_text("table.cases tbody")
    page.fill("#zoekveld", "de vries")
    page.press("#zoekveld", "Enter")
    page.wait_for_load_state()
    assert sanne in page.inner_text("table.cases tbody") and fatima not in page.inner_text("table.cases tbody")
    page.fill("#zoekveld", "Priya")
    page.press("#zoekveld", "Enter")
    page.wait_for_load_state()
    assert "Geen aanmelding gevonden" in page.inner_text("#no-results")
    assert page.input_value("#zoekveld") == "Priya"


def test_two_colleagues_cannot_overwrite_each_other(new_page, server, db_url):
    ref = make(db_url, "c")
    anna, bram = new_page(), new_page()
    login(anna, server, "anna", PASSWORD)
    login(bram, server, "bram", BRAM_PASSWORD)
    for page in (anna, bram):
        page.goto(f"{server.url}/registrations/{ref}")
    anna.select_option("#new-status", "contacted")
    anna.get_by_role("button", name="Status opslaan").click()
    anna.wait_for_selector(".flash")
    bram.select_option("#new-status", "unreachable")  # his page still shows 'Nieuw'
    bram.get_by_role("button", name="Status opslaan").click()
    error = bram.wait_for_selector("#error-status")
    assert "intussen gewijzigd door anna" in error.inner_text()
    assert bram.inner_text("#status") == "Contact gehad"  # he now sees her change
    assert get_registration(ref, url=db_url).status == "contacted"
    # anna holds the case now; bram is asked before taking it over
    bram.get_by_role("button", name="Oppakken").click()
    question = bram.wait_for_selector("#takeover-question")
    assert "Al opgepakt door anna — overnemen?" in question.inner_text()
    bram.get_by_role("button", name="Ja, overnemen").click()
    bram.wait_for_selector(".flash")
    assert bram.inner_text("#claimed-by") == "bram"
    anna.reload()
    assert anna.inner_text("#unread").startswith("1")


def test_erasure_takes_the_case_out_of_the_queue(new_page, server, db_url):
    ref = make(db_url, "e", name="Noor Bakker")
    other = make(db_url, "o", name="Iris Smit", phone="+31611111111")
    page = new_page()
    login(page, server, "carla", COORDINATOR_PASSWORD)
    assert page.inner_text("#new-count").startswith("2 ")
    page.get_by_role("link", name="Noor Bakker").click()
    page.get_by_role("link", name=re.compile("Intrekken")).click()
    assert "Noor Bakker" in page.inner_text("#confirm-name")
    assert page.is_checked("#erase")
    page.get_by_role("button", name="Intrekken").click()
    assert "persoonsgegevens zijn verwijderd" in page.wait_for_selector(".flash").inner_text()
    page.get_by_role("link", name="← Terug naar de lijst").click()
    page.wait_for_url(re.compile(r".*/registrations$"))
    assert page.inner_text("#new-count").startswith("1 ")
    body = page.inner_text("table.cases tbody")
    assert other in body and ref not in body
    page.get_by_role("link", name=re.compile(r"^Ingetrokken")).click()
    row = page.locator("table.cases tr", has_text=ref)
    assert "gegevens verwijderd" in row.inner_text() and "Noor" not in row.inner_text()
    assert get_registration(ref, url=db_url).personal_data_deleted


def test_an_expired_session_keeps_the_draft_and_returns_to_the_case(new_page, server, db_url):
    ref = make(db_url, "x")
    page = new_page()
    login(page, server, "anna", PASSWORD)
    page.goto(f"{server.url}/registrations/{ref}")
    page.fill("#note", "Gesproken met haar zus.\nZij belt vrijdag terug.")
    server.clock.now += timedelta(minutes=31)  # she was away from her desk
    page.get_by_role("button", name="Notitie opslaan").click()
    page.wait_for_url(re.compile(r".*/login\?next=.*"))
    assert "Je notitie is bewaard" in page.inner_text(".flash")
    login(page, server, "anna", PASSWORD, then=rf".*/registrations/{ref}$")
    assert page.input_value("#note") == "Gesproken met haar zus.\nZij belt vrijdag terug."
    assert page.is_visible("#draft-notice")
    page.get_by_role("button", name="Notitie opslaan").click()
    page.wait_for_selector(".flash")
    assert "Zij belt vrijdag terug." in page.inner_text(".notes")


def test_session_warning_and_keep_alive(browser, db_url):
    ref = make(db_url, "w")
    config = {"DATABASE_URL": db_url, "SECRET_KEY": "browser-test", "SESSION_IDLE_MINUTES": 1,
              "SESSION_WARNING_SECONDS": 58}
    with run_staff_app(config) as srv:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(srv.url + "/login")
            login(page, srv, "anna", PASSWORD)
            page.goto(f"{srv.url}/registrations/{ref}")
            warning = page.wait_for_selector("#session-warning", state="visible", timeout=10_000)
            assert "Je sessie verloopt over 1 minuut" in warning.inner_text()
            page.get_by_role("button", name="Ingelogd blijven").click()
            page.wait_for_selector("#session-warning", state="hidden", timeout=10_000)
        finally:
            context.close()


def test_note_counter_and_limit_message(new_page, server, db_url):
    ref = make(db_url, "n")
    page = new_page()
    login(page, server, "anna", PASSWORD)
    page.goto(f"{server.url}/registrations/{ref}")
    page.fill("#note", "Hallo")
    assert page.inner_text("#note-count") == "5 van 5.000 tekens"
    page.fill("#note", "a" * 5001)  # a paste: nothing is cut off
    assert page.input_value("#note") == "a" * 5001
    assert "Te lang: 5.001 van maximaal 5.000 tekens" in page.inner_text("#note-count")
    page.get_by_role("button", name="Notitie opslaan").click()
    error = page.wait_for_selector("#error-note")
    assert "te lang: 5.001 tekens" in error.inner_text()
    assert page.input_value("#note") == "a" * 5001


@pytest.mark.parametrize("width,height", SIZES)
def test_layout_actions_above_the_fold_no_sideways_scroll_visible_focus(new_page, server, db_url, width, height):
    ref = make(db_url, f"l{width}")
    add_note(ref, "anna", "x" * 3000, url=db_url)  # a long unbroken string
    add_note(ref, "anna", "Eerste regel\nTweede regel", url=db_url)
    page = new_page(width, height)
    login(page, server, "anna", PASSWORD)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # the queue fits
    page.goto(f"{server.url}/registrations/{ref}")
    for name in ("Oppakken", "Status opslaan", "Niet opgenomen", "Gesproken", "Afsluiten"):
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box and box["y"] + box["height"] <= height, (name, box, height)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # the long note wraps
    assert "Eerste regel\nTweede regel" in page.inner_text(".notes")
    page.focus("#new-status")
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
        return [e.textContent.trim(), s.outlineStyle, s.outlineWidth, s.boxShadow]; }""")
    assert focused[0] == "Status opslaan" and focused[1] == "solid" and focused[2] == "3px" and "6px" in focused[3]
    current = page.locator('header nav a[aria-current="page"]')
    assert current.inner_text() == "Aanmeldingen"
