"""Settings of the outbound channels, from the same environment variables the connectors use."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

WINDOW_HOURS = 24  # Meta's customer-service window


@dataclass(frozen=True)
class OutboundConfig:
    telegram_token: str = ""
    telegram_api_base: str = "https://api.telegram.org/bot"
    whatsapp_access_token: str = ""
    whatsapp_phone_number_id: str = ""
    whatsapp_api_base: str = ""  # empty: the connector's default (bot.channels.whatsapp)
    whatsapp_api_version: str = ""
    whatsapp_reply_template: str = ""
    whatsapp_template_language: str = "nl"
    timeout: float = 10.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> OutboundConfig:
        env = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            return (env.get(name) or "").strip() or default

        return cls(
            telegram_token=get("TELEGRAM_BOT_TOKEN"),
            telegram_api_base=get("TELEGRAM_API_BASE", cls.telegram_api_base),
            whatsapp_access_token=get("WHATSAPP_ACCESS_TOKEN"),
            whatsapp_phone_number_id=get("WHATSAPP_PHONE_NUMBER_ID"),
            whatsapp_api_base=get("WHATSAPP_API_BASE"),
            whatsapp_api_version=get("WHATSAPP_API_VERSION"),
            whatsapp_reply_template=get("WHATSAPP_REPLY_TEMPLATE"),
            whatsapp_template_language=get("WHATSAPP_TEMPLATE_LANGUAGE", cls.whatsapp_template_language),
            timeout=float(get("OUTBOUND_TIMEOUT", str(cls.timeout))),
        )

    @property
    def whatsapp_messages_url(self) -> str:
        """The same URL the WhatsApp connector sends to (its defaults: one place for the version)."""
        from bot.channels.whatsapp import WhatsAppConfig

        return WhatsAppConfig(phone_number_id=self.whatsapp_phone_number_id,
                              **{k: v for k, v in (("api_base", self.whatsapp_api_base),
                                                   ("api_version", self.whatsapp_api_version)) if v}).messages_url
