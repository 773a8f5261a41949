"""Telegram gateway: a separate process (python-telegram-bot) that forwards to Rasa's REST channel.

    python -m bot.channels.telegram_gateway

Environment:
    TELEGRAM_BOT_TOKEN        the bot's token from @BotFather (required)
    RASA_URL                  Rasa server, default http://127.0.0.1:5005 (REST channel must be on)
    TELEGRAM_WEBHOOK_URL      when set: webhook mode with this public https URL; else long polling
    TELEGRAM_WEBHOOK_SECRET   secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (generated when empty)
    TELEGRAM_WEBHOOK_LISTEN   address of the local webhook server, default 127.0.0.1
    TELEGRAM_WEBHOOK_PORT     port of the local webhook server, default 8443
    TELEGRAM_API_BASE         Bot API base URL, default https://api.telegram.org/bot (tests use a fake)
    RASA_TIMEOUT              seconds to wait for Rasa, default 30
    RASA_REST_TOKEN           bearer token for Rasa's REST channel (required there in production)

Only private chats are served; an update delivered twice is handled once. The Rasa sender id is a
pseudonym of the chat id. Typed text never starts with ``/`` when it reaches Rasa (no NLU bypass);
a button press sends a payload only when the bot issued that callback id to this chat
(``common.IssuedPayloads``), otherwise the pressed button's text as typed text.
When Rasa cannot be reached or gives no answer the parent gets a Dutch apology with the
aanmeldpunt's phone number: never silence.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import os
import secrets
import signal
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels import common, loop_hook

log = logging.getLogger("bot.channels.telegram_gateway")

CHANNEL = "telegram"
TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64  # bytes
GREET_PAYLOAD = "/greet"
TYPING_EVERY = 4.0  # seconds; Telegram shows 'typing' for about 5 s


@dataclass(frozen=True)
class GatewayConfig:
    token: str
    rasa_url: str = "http://127.0.0.1:5005"
    api_base: str = "https://api.telegram.org/bot"
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    rasa_timeout: float = 30.0
    rest_token: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> GatewayConfig:
        def get(name: str, default: str = "") -> str:
            return environ.get(name, "").strip() or default

        return cls(
            token=get("TELEGRAM_BOT_TOKEN"),
            rasa_url=get("RASA_URL", cls.rasa_url).rstrip("/"),
            api_base=get("TELEGRAM_API_BASE", cls.api_base),
            webhook_url=get("TELEGRAM_WEBHOOK_URL"),
            webhook_secret=get("TELEGRAM_WEBHOOK_SECRET"),
            webhook_listen=get("TELEGRAM_WEBHOOK_LISTEN", cls.webhook_listen),
            webhook_port=int(get("TELEGRAM_WEBHOOK_PORT", str(cls.webhook_port))),
            rasa_timeout=float(get("RASA_TIMEOUT", str(cls.rasa_timeout))),
            rest_token=get("RASA_REST_TOKEN"),
        )


class RasaUnavailable(Exception):
    """Rasa could not be reached or answered with an error."""


class RasaClient:
    """Talks to Rasa's REST channel (with the gateway token: required in production)."""

    def __init__(self, base_url: str, timeout: float = 30.0, token: str = "") -> None:
        self.url = f"{base_url.rstrip('/')}/webhooks/rest/webhook"
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.AsyncClient(timeout=timeout, headers=headers)

    async def send(self, sender: str, message: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"sender": sender, "message": message, "input_channel": CHANNEL}
        if metadata:
            body["metadata"] = metadata
        try:
            resp = await self._http.post(self.url, json=body)
        except httpx.HTTPError as exc:
            raise RasaUnavailable(exc.__class__.__name__) from exc
        if resp.status_code != 200:
            raise RasaUnavailable(f"HTTP {resp.status_code}")
        try:
            replies = resp.json()
        except ValueError as exc:
            raise RasaUnavailable("invalid JSON") from exc
        if not isinstance(replies, list):
            raise RasaUnavailable("unexpected answer")
        return [r for r in replies if isinstance(r, dict)]

    async def close(self) -> None:
        await self._http.aclose()


def keyboard(
    buttons: list[Mapping[str, Any]], ids: common.IssuedPayloads, conversation: str
) -> InlineKeyboardMarkup | None:
    """Rasa buttons as an inline keyboard, one button per row (titles can be long).

    Callback data is an id issued for ``conversation`` (the chat's pseudonym), never the payload
    alone: Telegram clients can send any callback data, so only ids the bot issued count."""
    rows = []
    for button in buttons or []:
        title = " ".join(str(button.get("title") or "").split())
        payload = str(button.get("payload") or "").strip() or title
        if title:
            rows.append([InlineKeyboardButton(title, callback_data=ids.encode(conversation, payload, CALLBACK_DATA_LIMIT))])
    return InlineKeyboardMarkup(rows) if rows else None


def pressed_button_text(query_message: Any, data: str) -> str:
    """Text of the button with callback ``data`` in the message the press came from."""
    markup = getattr(query_message, "reply_markup", None)
    for row in getattr(markup, "inline_keyboard", None) or ():
        for button in row:
            if button.callback_data == data:
                return button.text
    return ""


class Gateway:
    """Handlers for the python-telegram-bot Application."""

    def __init__(self, rasa: RasaClient, ids: common.IssuedPayloads | None = None) -> None:
        self.rasa = rasa
        self.ids = ids or common.IssuedPayloads()
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    @contextlib.asynccontextmanager
    async def _chat_lock(self, chat_id: int) -> AsyncIterator[None]:
        """Messages of one chat are handled in order; different chats run concurrently."""
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[chat_id] -= 1
            if not self._users[chat_id]:
                del self._users[chat_id]
                del self._locks[chat_id]

    # ----------------------------------------------------------------------------- handlers
    async def skip_duplicates(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Runs first: an update Telegram delivers again (after a crash or a failed webhook call) is dropped."""
        key = f"{context.bot.id}:{update.update_id}"
        try:
            first = await asyncio.get_running_loop().run_in_executor(None, common.mark_processed, CHANNEL, key)
        except Exception as exc:  # noqa: BLE001 - rather answer twice than never
            log.error("telegram: dedup store failed (%s); handling the update anyway", exc.__class__.__name__)
            return
        if not first:
            log.info("telegram: duplicate update ignored")
            raise ApplicationHandlerStop

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.converse(update.effective_chat.id, GREET_PAYLOAD, context)

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        text = common.typed_text(update.effective_message.text or "")
        if text:
            await self.converse(update.effective_chat.id, text, context)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.reply_text(update.effective_chat.id, common.text("only_text"), context)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        data = query.data or ""
        message = query.message
        conversation = common.pseudonym(CHANNEL, str(message.chat.id)) if message is not None else ""
        payload = self.ids.resolve_or_title(conversation, data, pressed_button_text(message, data))
        with contextlib.suppress(TelegramError):
            await query.answer()
        if message is None or not payload:
            return
        with contextlib.suppress(TelegramError):  # the choice is made: remove the buttons
            await context.bot.edit_message_reply_markup(chat_id=message.chat.id, message_id=message.message_id)
        await self.converse(message.chat.id, payload, context)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram: error while handling an update: %s", context.error.__class__.__name__)

    # ------------------------------------------------------------------------------ talking
    async def _typing(self, chat_id: int, context: ContextTypes.DEFAULT_TYPE) -> None:
        while True:
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
            await asyncio.sleep(TYPING_EVERY)

    async def converse(self, chat_id: int, message: str, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send ``message`` to Rasa as this chat and deliver the replies (or the apology)."""
        async with self._chat_lock(chat_id):
            sender_id = common.pseudonym(CHANNEL, str(chat_id))
            metadata = common.sender_metadata(CHANNEL, str(chat_id))
            decision = await loop_hook.inbound(CHANNEL, str(chat_id), sender_id, metadata, message)
            if not decision.forward:  # a staff member has the conversation: the bot is silent
                if decision.reply:  # ... except the safety net
                    await self.reply_text(chat_id, decision.reply, context)
                return
            typing = asyncio.ensure_future(self._typing(chat_id, context))
            try:
                replies = await self.rasa.send(sender_id, message, metadata)
            except RasaUnavailable as exc:
                log.error("telegram: Rasa unavailable (%s)", exc)
                replies = []
            finally:
                typing.cancel()
            delivered = 0
            for reply in replies:
                delivered += await self.deliver(chat_id, reply, context)
            if not delivered:
                await self.reply_text(chat_id, common.text("unavailable"), context)
            await loop_hook.after_turn(CHANNEL, str(chat_id), sender_id, metadata)

    async def reply_text(
        self, chat_id: int, text: str, context: ContextTypes.DEFAULT_TYPE, markup: InlineKeyboardMarkup | None = None
    ) -> int:
        parts = common.split_text(text, TEXT_LIMIT) or ([common.text("choose")] if markup else [])
        sent = 0
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            try:
                await context.bot.send_message(chat_id=chat_id, text=part, reply_markup=markup if last else None)
                sent += 1
            except TelegramError as exc:
                log.error("telegram: sending a message failed: %s", exc.__class__.__name__)
        return sent

    async def deliver(self, chat_id: int, reply: Mapping[str, Any], context: ContextTypes.DEFAULT_TYPE) -> int:
        """One Rasa reply as Telegram messages; returns how many were sent."""
        sent = 0
        buttons = reply.get("buttons") or reply.get("quick_replies") or []
        markup = keyboard(buttons, self.ids, common.pseudonym(CHANNEL, str(chat_id)))
        if reply.get("text") or markup:
            sent += await self.reply_text(chat_id, str(reply.get("text") or ""), context, markup)
        if reply.get("image"):
            try:
                await context.bot.send_photo(chat_id=chat_id, photo=str(reply["image"]))
                sent += 1
            except TelegramError as exc:
                log.warning("telegram: sending a photo failed (%s); sending the link", exc.__class__.__name__)
                sent += await self.reply_text(chat_id, str(reply["image"]), context)
        return sent


def build_application(config: GatewayConfig, gateway: Gateway | None = None) -> Application:
    """The PTB application with the gateway's handlers (private chats only)."""
    gateway = gateway or Gateway(RasaClient(config.rasa_url, config.rasa_timeout, config.rest_token))

    async def close_rasa(_: Application) -> None:
        await gateway.rasa.close()

    app = (
        Application.builder()
        .token(config.token)
        .base_url(config.api_base)
        .concurrent_updates(32)
        .post_shutdown(close_rasa)
        .build()
    )
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(TypeHandler(Update, gateway.skip_duplicates), group=-1)
    app.add_handler(CommandHandler("start", gateway.on_start, filters=private))
    app.add_handler(MessageHandler(private & filters.TEXT, gateway.on_text))
    app.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, gateway.on_other))
    app.add_handler(CallbackQueryHandler(gateway.on_button))
    app.add_error_handler(gateway.on_error)
    app.bot_data["gateway"] = gateway
    return app


ALLOWED_UPDATES = ["message", "callback_query"]


def secret_matches(expected: str, given: str | None) -> bool:
    return bool(expected) and hmac.compare_digest(expected.encode(), (given or "").encode())


async def run_webhook(app: Application, config: GatewayConfig) -> None:
    """Webhook mode: a small aiohttp server that only accepts requests carrying the secret token."""
    from aiohttp import web

    secret = config.webhook_secret or secrets.token_urlsafe(32)
    path = urlsplit(config.webhook_url).path or "/"

    async def receive(request: web.Request) -> web.Response:
        if not secret_matches(secret, request.headers.get("X-Telegram-Bot-Api-Secret-Token")):
            log.warning("telegram: webhook request without the right secret token refused")
            return web.Response(status=403, text="forbidden")
        try:
            update = Update.de_json(await request.json(), app.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="bad request")
        await app.update_queue.put(update)
        return web.Response(text="ok")

    server = web.Application()
    server.router.add_post(path, receive)
    runner = web.AppRunner(server, access_log=None)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with app:
        await app.start()
        await runner.setup()
        await web.TCPSite(runner, config.webhook_listen, config.webhook_port).start()
        await app.bot.set_webhook(config.webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
        log.info("Telegram gateway: webhook mode on %s:%s%s", config.webhook_listen, config.webhook_port, path)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
            await app.stop()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO level, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from bot.security.production import require

    require("telegram")  # APP_ENV=production: PSEUDONYM_SECRET, RASA_REST_TOKEN, DATABASE_URL
    config = GatewayConfig.from_env(os.environ)
    if not config.token:
        log.error("TELEGRAM_BOT_TOKEN is not set; see docs/channels.md")
        return 2
    common.texts()  # fail at start-up, not at the first message, when the texts file is broken
    app = build_application(config)
    try:
        if config.webhook_url:
            asyncio.run(run_webhook(app, config))
        else:
            log.info("Telegram gateway: long polling, forwarding to %s", config.rasa_url)
            app.run_polling(allowed_updates=ALLOWED_UPDATES)
    except InvalidToken:
        log.error("Telegram refused TELEGRAM_BOT_TOKEN; check it with @BotFather")
        return 3
    except NetworkError as exc:
        log.error("Cannot reach the Telegram Bot API at start-up: %s", exc.__class__.__name__)
        return 4
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
