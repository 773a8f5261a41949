"""Test kit for the channels: fake Graph API and Bot API servers (real HTTP, in a thread), a signed
WhatsApp webhook client, and the stack's test secrets."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.channels.whatsapp import sign
from bot.testing.stack import RasaStack

WA = {
    "verify_token": "verify-" + uuid.uuid4().hex[:8],
    "app_secret": "secret-" + uuid.uuid4().hex,
    "access_token": "token-" + uuid.uuid4().hex,
    "phone_number_id": "1098765432",
}
PSEUDONYM_SECRET = "pseudonym-" + uuid.uuid4().hex
REST_TOKEN = "rest-" + uuid.uuid4().hex  # the gateway's token for Rasa's REST channel


def sender_key(raw_id: str) -> str:
    """The pseudonym the stack must use (computed independently of bot.privacy)."""
    return hmac.new(PSEUDONYM_SECRET.encode(), raw_id.encode(), hashlib.sha256).hexdigest()


def keyed(purpose: str, value: str) -> str:
    """bot.privacy.pseudonym.keyed_hash, computed independently: what the stack stores instead of ids."""
    key = hmac.new(PSEUDONYM_SECRET.encode(), f"purpose:{purpose}".encode(), hashlib.sha256).digest()
    return "k1" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:62]


def issued_id(conversation: str, payload: str) -> str:
    """The button id the bot issues to ``conversation`` (a sender pseudonym) for a short ``payload``."""
    return "b1" + keyed("button", f"{conversation}\x00{payload}")[2:18] + ":" + payload


def wa_button(wa_id: str, payload: str) -> str:
    return issued_id(sender_key(wa_id), payload)


def new_wa_id() -> str:
    """A fresh fake Dutch mobile number (as WhatsApp sends it: digits, no +)."""
    return "316" + str(uuid.uuid4().int)[:8]


class _Server:
    """A ThreadingHTTPServer on a free port whose handler calls ``self.handle``."""

    def __init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _dispatch(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, payload = owner.handle(self.command, self.path, dict(self.headers), body)
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # client gave up (e.g. a long poll at shutdown)
                    pass

            do_GET = do_POST = _dispatch

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.lock = threading.Condition()
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> _Server:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        raise NotImplementedError

    def wait_for(self, predicate, timeout: float = 30.0):
        """Wait until ``predicate()`` returns something truthy; return it (or fail)."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                result = predicate()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout} s waiting for {predicate}")
                self.lock.wait(remaining)


class FakeGraphAPI(_Server):
    """Records every message the WhatsApp connector sends; can fail the next N requests."""

    def __init__(self, token: str, phone_number_id: str, version: str = "v21.0") -> None:
        super().__init__()
        self.token = token
        self.path = f"/{version}/{phone_number_id}/messages"
        self.sent: list[dict[str, Any]] = []
        self.requests = 0
        self.failures: list[int] = []
        self._ids = itertools.count(1)

    def fail_next(self, *statuses: int) -> None:
        with self.lock:
            self.failures.extend(statuses)

    def handle(self, method, path, headers, body):
        with self.lock:
            self.requests += 1
            try:
                if method != "POST" or path != self.path:
                    return 404, {"error": {"code": 100, "message": f"unknown path {path}"}}
                if headers.get("Authorization") != f"Bearer {self.token}":
                    return 401, {"error": {"code": 190, "message": "bad token"}}
                if self.failures:
                    return self.failures.pop(0), {"error": {"code": 4, "message": "try later"}}
                message = json.loads(body)
                self.sent.append(message)
                return 200, {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": message.get("to"), "wa_id": message.get("to")}],
                    "messages": [{"id": f"wamid.out{next(self._ids)}"}],
                }
            finally:
                self.lock.notify_all()

    def to(self, wa_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return [m for m in self.sent if m.get("to") == wa_id]


def message_text(message: dict[str, Any]) -> str:
    """Visible text of a Cloud API message (text body or interactive body)."""
    if message.get("type") == "text":
        return message["text"]["body"]
    if message.get("type") == "interactive":
        return message["interactive"]["body"]["text"]
    return ""


class FakeTelegramAPI(_Server):
    """Enough of the Bot API for python-telegram-bot: getMe, getUpdates (long poll), sendMessage, ..."""

    BOT = {"id": 4242, "is_bot": True, "first_name": "Stevige Start", "username": "stevige_start_test_bot"}

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.updates: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.bot_messages: list[dict[str, Any]] = []  # what sendMessage returned, as the user sees it
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    # ---------------------------------------------------------------- what a user does
    def _push(self, update: dict[str, Any]) -> None:
        with self.lock:
            update["update_id"] = next(self._update_ids)
            self.updates.append(update)
            self.lock.notify_all()

    @staticmethod
    def _user(chat_id: int) -> dict[str, Any]:
        return {"id": chat_id, "is_bot": False, "first_name": "Test"}

    def user_message(self, chat_id: int, text: str | None = None, **extra: Any) -> None:
        message = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Test"}, "from": self._user(chat_id), **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self._push({"message": message})

    def press(self, chat_id: int, bot_message: dict[str, Any], data: str) -> None:
        self._push({
            "callback_query": {
                "id": f"cq{next(self._message_ids)}", "from": self._user(chat_id), "chat_instance": "ci",
                "data": data, "message": bot_message,
            }
        })

    # ------------------------------------------------------------------- what the bot did
    def sent(self, chat_id: int) -> list[dict[str, Any]]:
        with self.lock:
            return [p for m, p in self.calls if m == "sendMessage" and str(p.get("chat_id")) == str(chat_id)]

    def received(self, chat_id: int) -> list[dict[str, Any]]:
        with self.lock:
            return [m for m in self.bot_messages if m["chat"]["id"] == chat_id]

    def methods(self) -> list[str]:
        with self.lock:
            return [m for m, _ in self.calls]

    # ------------------------------------------------------------------------- server
    @staticmethod
    def _params(headers: dict[str, str], body: bytes, query: str) -> dict[str, Any]:
        params: dict[str, Any] = dict(urllib.parse.parse_qsl(query))
        ctype = headers.get("Content-Type", "")
        if body and "json" in ctype:
            params.update(json.loads(body))
        elif body:
            params.update(dict(urllib.parse.parse_qsl(body.decode())))
        for key in ("reply_markup", "allowed_updates"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        return params

    def handle(self, method, path, headers, body):
        parsed = urllib.parse.urlsplit(path)
        prefix = f"/bot{self.token}/"
        if not parsed.path.startswith(prefix):
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        name = parsed.path[len(prefix):]
        params = self._params(headers, body, parsed.query)
        if name == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        with self.lock:
            self.calls.append((name, params))
            self.lock.notify_all()
            if name == "getMe":
                return 200, {"ok": True, "result": self.BOT}
            if name in ("sendMessage", "editMessageReplyMarkup"):
                chat_id = int(params["chat_id"])
                result = {
                    "message_id": int(params.get("message_id") or next(self._message_ids)), "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"}, "from": self.BOT, "text": params.get("text", ""),
                }
                if params.get("reply_markup"):
                    result["reply_markup"] = params["reply_markup"]
                if name == "sendMessage":
                    self.bot_messages.append(result)
                return 200, {"ok": True, "result": result}
            if name in ("sendChatAction", "answerCallbackQuery", "deleteWebhook", "setWebhook", "close", "logOut"):
                return 200, {"ok": True, "result": True}
            return 400, {"ok": False, "error_code": 400, "description": f"fake: {name} not implemented"}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)
        deadline = time.monotonic() + timeout
        with self.lock:
            self.calls.append(("getUpdates", params))
            while True:
                pending = [u for u in self.updates if u["update_id"] >= offset]
                remaining = deadline - time.monotonic()
                if pending or remaining <= 0:
                    return pending
                self.lock.wait(remaining)


class WhatsAppClient:
    """Posts webhooks the way Meta does (signed raw bytes)."""

    def __init__(self, stack: RasaStack, secret: str = WA["app_secret"]) -> None:
        self.stack = stack
        self.secret = secret
        self.url = f"{stack.url}/webhooks/whatsapp/webhook"

    @staticmethod
    def body(*messages: dict[str, Any], statuses: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        value: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "31100000000", "phone_number_id": WA["phone_number_id"]},
        }
        if messages:
            value["contacts"] = [{"profile": {"name": "Test"}, "wa_id": m["from"]} for m in messages]
            value["messages"] = list(messages)
        if statuses:
            value["statuses"] = statuses
        return {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}]}

    @staticmethod
    def text(wa_id: str, text: str, message_id: str | None = None) -> dict[str, Any]:
        return {"from": wa_id, "id": message_id or f"wamid.{uuid.uuid4().hex}", "timestamp": str(int(time.time())),
                "type": "text", "text": {"body": text}}

    @staticmethod
    def button(wa_id: str, reply_id: str, title: str, kind: str = "button_reply") -> dict[str, Any]:
        return {"from": wa_id, "id": f"wamid.{uuid.uuid4().hex}", "timestamp": str(int(time.time())),
                "type": "interactive", "interactive": {"type": kind, kind: {"id": reply_id, "title": title}}}

    def post(self, body: dict[str, Any] | bytes, signature: str | None = "valid") -> tuple[int, str]:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "valid":
            headers["X-Hub-Signature-256"] = sign(self.secret, raw)
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        request = urllib.request.Request(self.url, data=raw, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
