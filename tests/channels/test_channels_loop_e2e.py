"""Staff write to her on her own channel, she answers, live handoff (issue 13, items 2, 3, 7).

Over the real channel code and real HTTP: the staff app (Flask test client) sends through
``bot.outbound`` to the fake Bot API / Graph API; the Telegram gateway runs as its own process
against the fake Bot API; the WhatsApp and web chat connectors run in this process. Rasa itself
is replaced by a small fake REST server / callback that records what reaches it and answers
"Antwoord van de chatbot": these tests are about the channel layer, not about NLU.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from channel_kit import PSEUDONYM_SECRET, WA, FakeGraphAPI, FakeTelegramAPI, WhatsAppClient, _Server
from cryptography.fernet import Fernet

from bot.testing.stack import ROOT, base_env

BOT_ANSWER = "Antwoord van de chatbot"
ENCRYPTION_KEY = Fernet.generate_key().decode()
STAFF_PASSWORD = "loop staff wachtwoord 123"


class FakeRasa(_Server):
    """Rasa's REST channel as the gateway sees it: records each message, answers one text."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[dict] = []

    def handle(self, method, path, headers, body):
        with self.lock:
            self.received.append(json.loads(body))
            self.lock.notify_all()
        return 200, [{"recipient_id": "x", "text": BOT_ANSWER}]

    def texts(self, sender: str) -> list[str]:
        with self.lock:
            return [m["message"] for m in self.received if m["sender"] == sender]


# ---------------------------------------------------------------- the world
@pytest.fixture(scope="module")
def world(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("loop-world")
    mp = pytest.MonkeyPatch()
    url = f"sqlite:///{workdir / 'app.db'}"
    env = {"VAR_DIR": str(workdir), "APP_ENCRYPTION_KEYS": ENCRYPTION_KEY, "PSEUDONYM_SECRET": PSEUDONYM_SECRET,
           "DATABASE_URL": url}
    for name, value in env.items():
        mp.setenv(name, value)
    for name in ("NOTIFY_TO", "SMTP_HOST", "WHATSAPP_REPLY_TEMPLATE", "TELEGRAM_BOT_TOKEN"):
        mp.delenv(name, raising=False)
    graph = FakeGraphAPI(WA["access_token"], WA["phone_number_id"]).start()
    telegram = FakeTelegramAPI("4343:" + uuid.uuid4().hex).start()
    rasa = FakeRasa().start()
    from bot.outbound import OutboundConfig
    from bot.staff.app import create_app
    from bot.store.staff_users import create_staff

    outbound = OutboundConfig(telegram_token=telegram.token, telegram_api_base=telegram.base_url,
                              whatsapp_access_token=WA["access_token"], whatsapp_phone_number_id=WA["phone_number_id"],
                              whatsapp_api_base=graph.url, whatsapp_reply_template="reactie_gevraagd", timeout=3)
    for name, value in {"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE": telegram.base_url,
                        "WHATSAPP_ACCESS_TOKEN": WA["access_token"], "WHATSAPP_PHONE_NUMBER_ID": WA["phone_number_id"],
                        "WHATSAPP_API_BASE": graph.url, "WHATSAPP_REPLY_TEMPLATE": "reactie_gevraagd"}.items():
        mp.setenv(name, value)  # what the channel processes deliver held messages with
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "loop-test", "OUTBOUND": outbound,
                      "SESSION_COOKIE_SECURE": False})
    app.testing = True
    create_staff("sanne", STAFF_PASSWORD, url=url)
    gateway_log = (workdir / "gateway.log").open("ab")
    gateway = subprocess.Popen(
        [sys.executable, "-m", "bot.channels.telegram_gateway"], cwd=str(ROOT),
        env=base_env({**env, "TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE": telegram.base_url,
                      "RASA_URL": rasa.url}),
        stdout=gateway_log, stderr=subprocess.STDOUT,
    )
    try:
        telegram.wait_for(lambda: "getUpdates" in telegram.methods(), timeout=90)
        yield {"url": url, "graph": graph, "telegram": telegram, "rasa": rasa, "app": app, "outbound": outbound,
               "workdir": workdir}
    finally:
        gateway.terminate()
        try:
            gateway.wait(timeout=15)
        except subprocess.TimeoutExpired:
            gateway.kill()
        for server in (graph, telegram, rasa):
            server.stop()
        from bot.store.db import dispose_engine

        dispose_engine(url)
        mp.undo()


@pytest.fixture()
def staff(world):
    client = world["app"].test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"username": "sanne", "password": STAFF_PASSWORD, "csrf_token": token}).status_code == 302
    return client


def _csrf(client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def _post(client, path: str, page: str, **data) -> str:
    resp = client.post(path, data={"csrf_token": _csrf(client, page), **data}, follow_redirects=True)
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def _register(channel: str, raw_id: str) -> str:
    """A registration made in the chat from this channel user (stored as the bot stores it)."""
    from bot.channels.common import pseudonym
    from bot.privacy.pseudonym import sender_key
    from bot.store.registrations import create_registration
    from bot.store.testing import sample_registration_input

    return create_registration(sample_registration_input(
        channel=channel, sender_key=sender_key(pseudonym(channel, raw_id)), idempotency_key=uuid.uuid4().hex))


def _thread(reference: str):
    from bot.store.threads import get_thread

    return get_thread(reference)


def _wait(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {predicate}")


# ---------------------------------------------------------------- Telegram
def test_telegram_staff_send_she_receives_and_her_reply_lands_in_the_thread(world, staff):
    telegram, rasa = world["telegram"], world["rasa"]
    chat = 810_000_000 + uuid.uuid4().int % 1_000_000
    reference = _register("telegram", str(chat))
    page = f"/registrations/{reference}/berichten"
    assert "geen bericht sturen" in staff.get(page).get_data(as_text=True)  # no address known yet

    telegram.user_message(chat, "hallo")  # she talks to the bot: her chat id is remembered
    telegram.wait_for(lambda: telegram.received(chat))
    assert _wait(lambda: _thread(reference).reachable)

    html = _post(staff, page, page, text="Hoi, ik ben Sanne van het aanmeldpunt. Wanneer kan ik je bellen?")
    assert "Je bericht is verstuurd." in html
    sent = telegram.wait_for(lambda: [m for m in telegram.sent(chat) if "Sanne" in m["text"]])
    assert sent[0]["text"].startswith("Hoi, ik ben Sanne")
    assert 'data-status="sent"' in html

    telegram.user_message(chat, "Morgen na tienen is goed")
    assert _wait(lambda: [m for m in _thread(reference).messages if m.direction == "in"])[0].text == "Morgen na tienen is goed"
    html = staff.get(page).get_data(as_text=True)
    assert "Morgen na tienen is goed" in html and "Cliënt" in html
    # No handoff: the message still went to the bot, and the bot answered.
    from bot.channels.common import pseudonym

    sender = pseudonym("telegram", str(chat))
    assert _wait(lambda: "Morgen na tienen is goed" in rasa.texts(sender))

    from bot.store import audit

    actions = [e.action for e in audit.entries(reference=reference)]
    assert {"viewed thread", "message written", "message sent", "message received"} <= set(actions)
    assert all("Sanne" not in (e.detail or "") for e in audit.entries(reference=reference))


def test_telegram_handoff_silences_the_bot_but_not_the_safety_net_and_resumes(world, staff):
    telegram, rasa = world["telegram"], world["rasa"]
    from bot.channels.common import pseudonym
    from bot.loop.texts import text as loop_text
    from bot.safety import emergency_text

    chat = 820_000_000 + uuid.uuid4().int % 1_000_000
    sender = pseudonym("telegram", str(chat))
    reference = _register("telegram", str(chat))
    page = f"/registrations/{reference}/berichten"
    telegram.user_message(chat, "hallo")
    telegram.wait_for(lambda: telegram.received(chat))
    _wait(lambda: _thread(reference).reachable)

    html = _post(staff, f"/registrations/{reference}/overnemen", page)
    assert "Overgenomen door sanne" in html and "Beëindigen" in html
    telegram.wait_for(lambda: [m for m in telegram.sent(chat) if m["text"] == loop_text("handoff_started")])

    before = len(telegram.sent(chat))
    telegram.user_message(chat, "Ik heb een vraag over mijn huur")
    _wait(lambda: [m for m in _thread(reference).messages if m.text == "Ik heb een vraag over mijn huur"])
    time.sleep(1.0)
    assert "Ik heb een vraag over mijn huur" not in rasa.texts(sender)  # the bot never saw it
    assert len(telegram.sent(chat)) == before  # and said nothing

    telegram.user_message(chat, "ik bloed heel veel")  # the safety net still answers
    answer = telegram.wait_for(lambda: telegram.sent(chat)[before:])
    assert answer[0]["text"].startswith(emergency_text("life")[:40])
    assert "ik bloed heel veel" not in rasa.texts(sender)
    assert "ik bloed heel veel" in staff.get(page).get_data(as_text=True)  # staff see it too

    html = _post(staff, f"/registrations/{reference}/beeindigen", page)
    assert "Overnemen" in html
    telegram.wait_for(lambda: [m for m in telegram.sent(chat) if m["text"] == loop_text("handoff_ended")])
    telegram.user_message(chat, "nog een vraag")
    assert _wait(lambda: "nog een vraag" in rasa.texts(sender))  # the bot is back
    telegram.wait_for(lambda: [m for m in telegram.sent(chat) if m["text"] == BOT_ANSWER][1:])


def test_telegram_api_down_while_staff_send_failed_retried_nothing_lost(world, staff):
    telegram = world["telegram"]
    from bot.outbound import OutboundConfig, retry_failed

    chat = 830_000_000 + uuid.uuid4().int % 1_000_000
    reference = _register("telegram", str(chat))
    page = f"/registrations/{reference}/berichten"
    telegram.user_message(chat, "hallo")
    telegram.wait_for(lambda: telegram.received(chat))
    _wait(lambda: _thread(reference).reachable)

    good = world["app"].config["OUTBOUND"]
    world["app"].config["OUTBOUND"] = OutboundConfig(telegram_token=telegram.token,
                                                     telegram_api_base="http://127.0.0.1:9/bot", timeout=1)
    try:
        html = _post(staff, page, page, text="Eerste bericht tijdens de storing")
        html = _post(staff, page, page, text="Tweede bericht tijdens de storing")
        assert "versturen is mislukt" in html
        assert html.count('data-status="failed"') == 2 and html.count("Opnieuw versturen") == 2
        html = _post(staff, f"/registrations/{reference}/berichten/{_thread(reference).messages[0].id}/opnieuw", page)
        assert "weer mislukt" in html
    finally:
        world["app"].config["OUTBOUND"] = good
    assert not [m for m in telegram.sent(chat) if "storing" in m["text"]]

    first, second = _thread(reference).messages
    html = _post(staff, f"/registrations/{reference}/berichten/{first.id}/opnieuw", page)  # the retry button
    assert "Je bericht is verstuurd." in html
    assert retry_failed(good).get(second.id) == "sent"  # the background retry (cron) takes the rest
    texts = [m["text"] for m in telegram.sent(chat) if "storing" in m["text"]]
    assert texts == ["Eerste bericht tijdens de storing", "Tweede bericht tijdens de storing"]
    statuses = [(m.status, m.attempts) for m in _thread(reference).messages]
    assert statuses == [("sent", 3), ("sent", 2)]


# ---------------------------------------------------------------- WhatsApp
class WhatsAppHarness:
    """The WhatsApp connector in this process, talking to the fake Graph API; Rasa is a callback."""

    def __init__(self, graph: FakeGraphAPI) -> None:
        from bot.channels.whatsapp import WhatsAppConfig, WhatsAppInput

        self.channel = WhatsAppInput(WhatsAppConfig(WA["verify_token"], WA["app_secret"], WA["access_token"],
                                                    WA["phone_number_id"], graph.url))
        self.to_rasa: list[str] = []

    async def _rasa(self, message) -> None:
        self.to_rasa.append(message.text)
        await message.output_channel.send_text_message(message.sender_id, BOT_ANSWER)

    def post(self, body: dict) -> None:
        from bot.channels.whatsapp import sign

        async def run() -> None:
            raw = json.dumps(body).encode()
            status, _ = self.channel.receive(raw, sign(WA["app_secret"], raw), self._rasa)
            assert status == 200
            await self.channel.drain()
            await self.channel.client.close()

        asyncio.run(run())

    def says(self, wa_id: str, text: str) -> None:
        self.post(WhatsAppClient.body(WhatsAppClient.text(wa_id, text)))


def _wa_id() -> str:
    return "316" + str(uuid.uuid4().int)[:8]


def _age_contact(reference: str, hours: int) -> None:
    from sqlalchemy import select

    from bot.store.db import store_session
    from bot.store.loop_models import ThreadContact
    from bot.store.models import RegistrationRecord, utcnow

    with store_session() as session:
        rec = session.execute(select(RegistrationRecord).where(RegistrationRecord.reference == reference)).scalar_one()
        contact = session.execute(select(ThreadContact).where(ThreadContact.registration_id == rec.id)).scalar_one()
        contact.last_inbound_at = utcnow() - timedelta(hours=hours)


def test_whatsapp_24_hour_window_picks_free_form_or_template_and_status_callbacks(world, staff):
    graph = world["graph"]
    wa = WhatsAppHarness(graph)
    wa_id = _wa_id()
    reference = _register("whatsapp", wa_id)
    page = f"/registrations/{reference}/berichten"
    wa.says(wa_id, "hallo")
    assert wa.to_rasa == ["hallo"] and _thread(reference).reachable

    # Inside the window: a free-form text.
    html = _post(staff, page, page, text="Hoi, met Sanne van het aanmeldpunt.")
    assert "Je bericht is verstuurd." in html and "Ze schreef de laatste 24 uur" in html
    free = [m for m in graph.to(wa_id) if m["type"] == "text" and "Sanne" in m["text"]["body"]]
    assert len(free) == 1

    # A delivery report for it moves the status on (never back).
    wamid = f"wamid.out{len(graph.sent)}"
    wa.post(WhatsAppClient.body(statuses=[{"id": wamid, "status": "read", "recipient_id": wa_id}]))
    wa.post(WhatsAppClient.body(statuses=[{"id": wamid, "status": "delivered", "recipient_id": wa_id}]))
    assert [m.status for m in _thread(reference).messages if m.direction == "out"] == ["read"]
    assert "gelezen" in staff.get(page).get_data(as_text=True)

    # Outside the window: the configured template that asks her to reply; the text waits.
    _age_contact(reference, 25)
    html = _post(staff, page, page, text="Ik heb nieuws over je aanmelding.")
    assert "vast bericht" in html and "Ze schreef niet in de laatste 24 uur" in html
    template = graph.to(wa_id)[-1]
    assert template["type"] == "template" and template["template"]["name"] == "reactie_gevraagd"
    assert not [m for m in graph.to(wa_id) if m["type"] == "text" and "nieuws" in m["text"]["body"]]
    assert _thread(reference).messages[-1].status == "held"

    # She replies (the window opens): the held text goes out free-form, her reply is in the thread.
    wa.says(wa_id, "Ja, vertel")
    held = [m for m in graph.to(wa_id) if m["type"] == "text" and m["text"]["body"] == "Ik heb nieuws over je aanmelding."]
    assert len(held) == 1
    messages = _thread(reference).messages
    assert [m.status for m in messages if m.direction == "out"] == ["read", "sent"]
    assert messages[-1].direction == "in" and messages[-1].text == "Ja, vertel"
    assert wa.to_rasa == ["hallo", "Ja, vertel"]  # no handoff: the bot answers as well


def test_whatsapp_graph_api_down_then_retry_and_handoff_with_safety(world, staff):
    graph = world["graph"]
    from bot.loop.texts import text as loop_text
    from bot.safety import emergency_text

    wa = WhatsAppHarness(graph)
    wa_id = _wa_id()
    reference = _register("whatsapp", wa_id)
    page = f"/registrations/{reference}/berichten"
    wa.says(wa_id, "hallo")

    graph.fail_next(503)
    html = _post(staff, page, page, text="Bericht tijdens een storing bij Meta")
    assert 'data-status="failed"' in html and "Opnieuw versturen" in html
    message = _thread(reference).messages[-1]
    assert message.text == "Bericht tijdens een storing bij Meta" and message.error == "http_503_code_4"
    html = _post(staff, f"/registrations/{reference}/berichten/{message.id}/opnieuw", page)
    assert "Je bericht is verstuurd." in html
    assert [m for m in graph.to(wa_id) if m.get("text", {}).get("body") == "Bericht tijdens een storing bij Meta"]

    _post(staff, f"/registrations/{reference}/overnemen", page)
    assert graph.to(wa_id)[-1]["text"]["body"] == loop_text("handoff_started")
    wa.says(wa_id, "wanneer komen jullie langs?")
    wa.says(wa_id, "ik bloed heel veel")
    assert wa.to_rasa == ["hallo"]  # the bot heard neither
    assert graph.to(wa_id)[-1]["text"]["body"].startswith(emergency_text("life")[:40])
    ins = [m.text for m in _thread(reference).messages if m.direction == "in"]
    assert ins == ["wanneer komen jullie langs?", "ik bloed heel veel"]
    _post(staff, f"/registrations/{reference}/beeindigen", page)
    assert graph.to(wa_id)[-1]["text"]["body"] == loop_text("handoff_ended")
    wa.says(wa_id, "dank je")
    assert wa.to_rasa == ["hallo", "dank je"]


# ---------------------------------------------------------------- web chat
def test_webchat_message_waits_for_her_page_and_her_reply_lands_in_the_thread(world, staff):
    from bot.channels.webchat import WebChatInput

    chat = WebChatInput()
    browser_id = "web-" + uuid.uuid4().hex
    reference = _register("webchat", browser_id)
    to_rasa: list[str] = []

    async def rasa(message) -> None:
        to_rasa.append(message.text)
        await message.output_channel.send_text_message(message.sender_id, BOT_ANSWER)

    def say(text: str):
        return asyncio.run(chat.converse({"sender": browser_id, "message": text}, rasa))

    assert say("hallo") == (200, [{"text": BOT_ANSWER}])
    page = f"/registrations/{reference}/berichten"
    html = _post(staff, page, page, text="Hoi, hier Sanne. Kun je vandaag bellen?")
    assert 'data-status="sent"' in html
    status, inbox = asyncio.run(chat.inbox({"sender": browser_id}))
    assert status == 200 and inbox == [{"text": "Hoi, hier Sanne. Kun je vandaag bellen?", "from": "aanmeldpunt"}]
    assert asyncio.run(chat.inbox({"sender": browser_id})) == (200, [])  # shown once
    assert asyncio.run(chat.inbox({"sender": "web-" + uuid.uuid4().hex})) == (200, [])  # not for anyone else
    assert "afgeleverd" in staff.get(page).get_data(as_text=True)

    assert say("Ja, na drie uur")[0] == 200
    assert [m.text for m in _thread(reference).messages if m.direction == "in"] == ["Ja, na drie uur"]
    _post(staff, f"/registrations/{reference}/overnemen", page)
    assert say("ben je er nog?") == (200, [{"handoff": True}])
    assert to_rasa == ["hallo", "Ja, na drie uur"]
