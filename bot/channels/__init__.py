"""Channels: WhatsApp Cloud API connector, Telegram gateway, web chat page (see docs/channels.md)."""
