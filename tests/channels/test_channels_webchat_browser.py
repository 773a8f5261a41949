"""The web chat page in headless Chromium against the running Rasa: greet, click a button, type."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit

from bot.channels.webchat import render_page


def test_chat_page_in_a_browser(browser, channel_stack) -> None:
    page_url = f"{channel_stack.url}/webhooks/webchat/"
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page.goto(page_url)
        assert page.locator("h1").inner_text() == "Stevige Start Assistent"
        # The page greets by itself, with the menu as buttons.
        page.locator(".msg.bot", has_text="Stevige Start").first.wait_for(timeout=30_000)
        page.get_by_role("button", name="Welke hulp is er?").click()
        page.locator(".msg.user", has_text="Welke hulp is er?").wait_for(timeout=5_000)
        page.locator(".msg.bot", has_text="Ik kan je vertellen").wait_for(timeout=30_000)
        assert page.get_by_role("button", name="Welke hulp is er?").is_disabled()

        page.get_by_label("Jouw bericht").fill("wat is de sleutel van rotterdam")
        page.get_by_role("button", name="Stuur").click()
        page.locator(".msg.bot", has_text="Sleutel van Rotterdam").first.wait_for(timeout=30_000)
        assert not errors, errors
    finally:
        page.close()
    origin = urlsplit(channel_stack.url).netloc
    assert requested and all(urlsplit(url).netloc == origin for url in requested), "no external assets"
    assert any(url.endswith("/webhooks/webchat/webhook") for url in requested), "the web chat has its own endpoint"
    assert not any("/webhooks/rest/" in url for url in requested)


def test_page_headers_and_redirect(channel_stack) -> None:
    with urllib.request.urlopen(f"{channel_stack.url}/webhooks/webchat", timeout=10) as resp:
        assert resp.url.endswith("/webhooks/webchat/")
        csp = resp.headers["Content-Security-Policy"]
        body = resp.read().decode()
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"' in body
    assert "http://" not in body.replace(channel_stack.url, "") and "https://" not in body


def test_config_json_cannot_break_out_of_the_script_tag() -> None:
    html = render_page("abc")
    config = html.split('id="config" type="application/json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in config and "Sorry" in config


def test_emphasis_is_shown_like_whatsapp_without_asterisks(browser) -> None:
    """*Bold* and _italic_ from the bot become bold and italic (issue 16), never markup from text."""
    import json

    from bot.channels.webchat import security_headers

    nonce = "testnonce"
    replies = [
        {"text": "*Babystartpakket*\nGratis spullen. Kijk op huisarts_vinden of reken 5 * 3 uit.",
         "buttons": [{"title": "Hoe vraag ik het aan", "id": "b1"}]},
        {"text": "Een _schatting_ is goed. <b>geen html</b> *niet\nover regels*"},
    ]
    page = browser.new_page()
    page.route("http://chat.test/webhooks/webchat/", lambda route: route.fulfill(
        status=200, headers={**security_headers(nonce), "Content-Type": "text/html; charset=utf-8"},
        body=render_page(nonce)))
    page.route("http://chat.test/webhooks/webchat/webhook", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(replies)))
    page.route("http://chat.test/webhooks/webchat/inbox", lambda route: route.fulfill(
        status=200, content_type="application/json", body="[]"))
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page.goto("http://chat.test/webhooks/webchat/")
        first = page.locator(".msg.bot").first
        first.wait_for(timeout=10_000)
        assert first.locator("strong").all_inner_texts() == ["Babystartpakket"]
        assert "*" not in first.inner_text().split("5")[0]  # no literal asterisks around the name
        assert "huisarts_vinden" in first.inner_text() and "5 * 3" in first.inner_text()
        second = page.locator(".msg.bot").nth(1)
        assert second.locator("em").all_inner_texts() == ["schatting"]
        assert second.locator("b").count() == 0 and "<b>geen html</b>" in second.inner_text()
        assert "*niet" in second.inner_text()  # emphasis never spans a line break
        assert not errors, errors
    finally:
        page.close()
