"""The web chat page in headless Chromium: a staff message appears by polling, her reply lands in
the thread, and during a handoff the page shows no error while the bot is silent (issue 13).

The page is served with the real page template and the real ``WebChatInput`` methods behind a
small HTTP server; Rasa is a callback that answers one text (these tests are about the page).
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.fernet import Fernet

BOT_ANSWER = "Antwoord van de chatbot"


class PageServer:
    def __init__(self) -> None:
        from bot.channels.webchat import WebChatInput, render_page, security_headers

        self.chat = WebChatInput()
        self.to_rasa: list[str] = []
        owner = self

        async def rasa(message) -> None:
            owner.to_rasa.append(message.text)
            await message.output_channel.send_text_message(message.sender_id, BOT_ANSWER)

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                headers = security_headers("n0nce")
                self._send(200, render_page("n0nce").encode(), {**headers, "Content-Type": "text/html; charset=utf-8"})

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
                if self.path.endswith("/inbox"):
                    status, answer = asyncio.run(owner.chat.inbox(body))
                else:
                    status, answer = asyncio.run(owner.chat.converse(body, rasa))
                self._send(status, json.dumps(answer).encode(), {"Content-Type": "application/json"})

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/webhooks/webchat/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("APP_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    monkeypatch.setenv("PSEUDONYM_SECRET", "webchat-loop-" + uuid.uuid4().hex)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    yield url
    from bot.store.db import dispose_engine

    dispose_engine(url)


def test_staff_message_shows_up_in_her_open_chat_and_handoff_is_quiet(browser, store):
    from bot.channels.common import pseudonym
    from bot.outbound import deliver
    from bot.privacy.pseudonym import sender_key
    from bot.store import threads
    from bot.store.registrations import create_registration
    from bot.store.testing import sample_registration_input

    server = PageServer()
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page.goto(server.url)
        page.locator(".msg.bot", has_text=BOT_ANSWER).first.wait_for(timeout=10_000)
        tab_id = page.evaluate("sessionStorage.getItem('stevige-start-sender')")
        ref = create_registration(sample_registration_input(
            channel="webchat", sender_key=sender_key(pseudonym("webchat", tab_id)), idempotency_key=uuid.uuid4().hex))
        page.get_by_label("Jouw bericht").fill("hallo")
        page.get_by_role("button", name="Stuur").click()  # her address (the tab's pseudonym) is remembered
        page.locator(".msg.bot", has_text=BOT_ANSWER).nth(1).wait_for(timeout=10_000)

        message_id = threads.add_staff_message(ref, "sanne", "Hoi, hier Sanne van het aanmeldpunt.")
        assert deliver(message_id) == "sent"
        staff = page.locator(".msg.staff", has_text="Aanmeldpunt: Hoi, hier Sanne van het aanmeldpunt.")
        staff.wait_for(timeout=15_000)  # the page polls every 10 seconds
        assert threads.get_thread(ref).messages[0].status == "delivered"

        page.get_by_label("Jouw bericht").fill("Oké, bel me om drie uur")
        page.get_by_role("button", name="Stuur").click()
        page.locator(".msg.bot", has_text=BOT_ANSWER).nth(2).wait_for(timeout=10_000)
        assert [m.text for m in threads.get_thread(ref).messages if m.direction == "in"] == ["Oké, bel me om drie uur"]

        assert threads.start_handoff(ref, "sanne")
        page.get_by_label("Jouw bericht").fill("ben je er nog?")
        page.get_by_role("button", name="Stuur").click()
        page.locator(".msg.user", has_text="ben je er nog?").wait_for(timeout=5_000)
        page.locator(".typing").wait_for(state="detached", timeout=10_000)
        page.wait_for_timeout(300)
        assert page.locator(".msg.bot", has_text=BOT_ANSWER).count() == 3  # the bot stayed silent
        assert page.locator(".msg.error").count() == 0  # and the page shows no apology
        assert server.to_rasa[-1] == "Oké, bel me om drie uur"
        assert not errors, errors
    finally:
        page.close()
        server.stop()
