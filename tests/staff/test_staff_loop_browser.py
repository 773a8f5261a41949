"""Headless Chromium: the message thread page (send, delivery status, failed + retry, overnemen /
beëindigen) and the programme's overview, as staff use them (issue 13, item 7)."""

from __future__ import annotations

import re
import sys
import uuid
from pathlib import Path

import pytest
from staff_helpers import ADMIN_PASSWORD, BRAM_PASSWORD, PASSWORD

from bot.outbound import OutboundConfig
from bot.staff.testing import run_staff_app
from bot.store import threads
from bot.store.registrations import create_registration
from bot.store.testing import sample_registration_input

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "channels"))
from channel_kit import FakeTelegramAPI  # noqa: E402


@pytest.fixture
def telegram():
    fake = FakeTelegramAPI("5151:" + uuid.uuid4().hex).start()
    yield fake
    fake.stop()


@pytest.fixture
def server(db_url, telegram):
    outbound = OutboundConfig(telegram_token=telegram.token, telegram_api_base=telegram.base_url, timeout=2)
    with run_staff_app({"DATABASE_URL": db_url, "SECRET_KEY": "browser-loop", "OUTBOUND": outbound}) as srv:
        yield srv


def login(page, server, username: str, password: str) -> None:
    page.goto(server.url + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(r".*/registrations$"))


def test_thread_page_send_fail_retry_and_handoff(browser, server, db_url, telegram):
    key = "sender-" + uuid.uuid4().hex
    ref = create_registration(sample_registration_input(channel="telegram", sender_key=key,
                                                        idempotency_key=uuid.uuid4().hex), url=db_url)
    threads.record_inbound("telegram", "777000111", [key], "hallo", url=db_url)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        login(page, server, "anna", PASSWORD)
        page.goto(f"{server.url}/registrations/{ref}")
        page.click("#thread-link")
        page.wait_for_url(re.compile(rf".*/registrations/{ref}/berichten$"))
        assert page.inner_text("#channel") == "Telegram"
        assert page.inner_text("#no-messages") == "Nog geen berichten."

        page.fill("#bericht", "Hoi, met Anna van het aanmeldpunt.")
        page.click("#send")
        page.wait_for_selector("#thread")
        assert "Je bericht is verstuurd." in page.inner_text("main")
        assert page.locator("#thread li").last.locator(".delivery").inner_text() == "verstuurd"
        assert telegram.sent(777000111)[-1]["text"] == "Hoi, met Anna van het aanmeldpunt."

        server.app.config["OUTBOUND"] = OutboundConfig(telegram_token=telegram.token,
                                                       telegram_api_base="http://127.0.0.1:9/bot", timeout=1)
        page.fill("#bericht", "Dit gaat eerst mis.")
        page.click("#send")
        page.wait_for_load_state()
        last = page.locator("#thread li").last
        assert last.locator(".delivery").inner_text() == "mislukt" and "Dit gaat eerst mis." in last.inner_text()
        server.app.config["OUTBOUND"] = OutboundConfig(telegram_token=telegram.token,
                                                       telegram_api_base=telegram.base_url, timeout=2)
        last.get_by_role("button", name="Opnieuw versturen").click()
        page.wait_for_load_state()
        assert page.locator("#thread li").last.locator(".delivery").inner_text() == "verstuurd"
        assert page.locator("button.retry").count() == 0
        assert telegram.sent(777000111)[-1]["text"] == "Dit gaat eerst mis."

        page.get_by_role("button", name="Overnemen").click()
        page.wait_for_load_state()
        assert "Overgenomen door anna" in page.inner_text("#handoff-state")
        assert threads.active_handoff([key], url=db_url)
        page.get_by_role("button", name="Beëindigen").click()
        page.wait_for_load_state()
        assert page.get_by_role("button", name="Overnemen").is_visible()
        assert not threads.active_handoff([key], url=db_url)
        chatbot = page.locator("#thread li", has_text="Je praat weer met mij")
        assert "Chatbot" in chatbot.inner_text()
    finally:
        context.close()


def test_overview_in_the_browser(browser, server, db_url):
    for channel in ("telegram", "whatsapp", "whatsapp"):
        create_registration(sample_registration_input(channel=channel, sender_key="s-" + uuid.uuid4().hex,
                                                      idempotency_key=uuid.uuid4().hex), url=db_url)
    context = browser.new_context(viewport={"width": 1024, "height": 700})
    page = context.new_page()
    try:
        login(page, server, "beheer", ADMIN_PASSWORD)
        page.get_by_role("link", name="Overzicht").click()
        page.wait_for_url(re.compile(r".*/overzicht$"))
        total = page.locator("#overview-table tr.total").inner_text()
        assert total.split("\t")[:4] == ["totaal", "3", "1", "2"]
        assert page.inner_text("#funnel").startswith("Binnengekomen\t3")
        page.select_option("#per", "week")
        page.get_by_role("button", name="Tonen").click()
        page.wait_for_url(re.compile(r".*per=week.*"))
        assert re.match(r"\d{4}-W\d{2}", page.locator("#overview-table tbody th").first.inner_text())
        with page.expect_download() as info:
            page.click("#csv-link")
        assert info.value.suggested_filename == "overzicht-week.csv"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


def test_callback_request_in_the_queue_has_a_thread_with_her_message(browser, server, db_url, telegram):
    from datetime import datetime, timezone

    from bot.store.callbacks import CallbackInput, create_callback_request

    key = "cb-" + uuid.uuid4().hex
    ref = create_callback_request(CallbackInput(
        channel="telegram", sender_key=key, consent_text_version="msg1-365d-abc", consent_at=datetime.now(timezone.utc),
        idempotency_key=uuid.uuid4().hex, message="Kan iemand me helpen met de huurtoeslag?"), url=db_url)
    threads.record_inbound("telegram", "777000222", [key], "dank je", url=db_url)  # she chats on
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        login(page, server, "anna", PASSWORD)
        row = page.locator("table tr", has_text=ref)
        assert "Terugbelverzoek" in row.inner_text()
        row.get_by_role("link", name="Terugbelverzoek").click()
        page.wait_for_url(re.compile(rf".*/registrations/{ref}$"))
        page.click("#thread-link")
        first = page.locator("#thread li").first
        assert "Cliënt" in first.inner_text() and "huurtoeslag" in first.inner_text()
        page.fill("#bericht", "Ja hoor, ik bel je morgen.")
        page.click("#send")
        page.wait_for_load_state()
        assert page.locator("#thread li").last.locator(".delivery").inner_text() == "verstuurd"
        assert telegram.sent(777000222)[-1]["text"] == "Ja hoor, ik bel je morgen."
    finally:
        context.close()


def test_her_message_during_a_handoff_appears_without_a_reload(browser, server, db_url):
    key = "sender-" + uuid.uuid4().hex
    ref = create_registration(sample_registration_input(channel="telegram", sender_key=key,
                                                        idempotency_key=uuid.uuid4().hex), url=db_url)
    threads.record_inbound("telegram", "777000333", [key], "hallo", url=db_url)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        login(page, server, "anna", PASSWORD)
        page.goto(f"{server.url}/registrations/{ref}/berichten")
        page.get_by_role("button", name="Overnemen").click()
        page.wait_for_load_state()
        assert "Overgenomen door anna" in page.inner_text("#handoff-state")
        page.evaluate("window.__noReload = true")  # gone after any reload
        page.fill("#bericht", "Ik ben nog aan het typen")
        threads.record_inbound("telegram", "777000333", [key], "Ben je daar? Ik heb een vraag over de huur.",
                               url=db_url)
        arrived = page.locator("#thread li", has_text="vraag over de huur")
        arrived.wait_for(timeout=12000)
        assert "Cliënt" in arrived.inner_text()
        assert page.evaluate("window.__noReload") is True
        assert page.input_value("#bericht") == "Ik ben nog aan het typen"
        assert page.locator("#thread li", has_text="vraag over de huur").count() == 1
        page.wait_for_timeout(6000)  # a next poll does not add it twice
        assert page.locator("#thread li", has_text="vraag over de huur").count() == 1
    finally:
        context.close()


def test_a_colleague_sees_who_holds_the_handoff_in_the_browser(browser, server, db_url):
    key = "sender-" + uuid.uuid4().hex
    ref = create_registration(sample_registration_input(channel="telegram", sender_key=key,
                                                        idempotency_key=uuid.uuid4().hex), url=db_url)
    threads.record_inbound("telegram", "777000444", [key], "hallo", url=db_url)
    assert threads.start_handoff(ref, "anna", url=db_url)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        login(page, server, "bram", BRAM_PASSWORD)
        page.goto(f"{server.url}/registrations/{ref}/berichten")
        assert "Alleen anna kan nu berichten sturen" in page.inner_text("#handoff-holder")
        assert page.get_by_role("button", name="Beëindigen").count() == 0
        assert page.locator("#bericht").count() == 0 and "anna heeft dit gesprek overgenomen" in page.inner_text("#send-held")
    finally:
        context.close()
