"""Withdrawal from the chat: delete her personal data from every registration she made here."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.parsing.common import normalise, yes_no
from bot.registration.consent import AANMELDPUNT_PHONE

log = logging.getLogger(__name__)

CONFIRM_BUTTONS = [
    {"title": "Ja, intrekken", "payload": "Ja, trek mijn aanmelding in"},
    {"title": "Nee", "payload": "Nee, niet intrekken"},
]


@dataclass(frozen=True)
class WithdrawResult:
    references: tuple[str, ...] = ()
    unavailable: bool = False


def parse_withdraw_answer(text: str | None) -> bool | None:
    """True = yes, withdraw; False = no; None = unclear. Payloads (``/...``) never count."""
    raw = (text or "").strip()
    if not raw or raw.startswith("/"):
        return None
    norm = normalise(raw)
    if re.search(r"\b(niet intrekken|niet verwijderen|toch niet|laat maar|laat staan|behouden)\b", norm):
        return False
    if re.search(r"^(ja|jazeker|jawel|ok|oke|graag)\b.*\b(intrekken|trek|verwijder|weg)", norm):
        return True
    return yes_no(norm)


def withdraw(sender_keys: str | Iterable[str]) -> WithdrawResult:
    """Delete her data in the store, under each of her sender keys (several during a rotation of
    the pseudonym secret: bot.privacy.pseudonym.lookup_keys). Never raises; logs no personal data."""
    from bot.store.errors import StoreError
    from bot.store.registrations import withdraw_by_sender

    keys = [sender_keys] if isinstance(sender_keys, str) else list(sender_keys)
    references: list[str] = []
    try:
        for key in keys:
            references += [ref for ref in withdraw_by_sender(key) if ref not in references]
    except StoreError as err:
        log.error("withdrawal failed, database unavailable (%s)", err.__class__.__name__)
        return WithdrawResult(unavailable=True)
    log.info("withdrawal done: %d registration(s)", len(references))
    return WithdrawResult(references=tuple(references))


def question_text() -> str:
    return (
        "Wil je je aanmelding bij het aanmeldpunt Moeders van Rotterdam intrekken? "
        "Dan verwijderen we je naam, telefoonnummer en andere gegevens. Dit kan niet ongedaan worden gemaakt."
    )


def result_text(result: WithdrawResult, lang: str = "nl") -> str:
    """What happened, in ``lang`` (texts in content/loop/texts.yml)."""
    from bot.loop.texts import text

    if result.unavailable:
        return text("withdraw_unavailable", lang, phone=AANMELDPUNT_PHONE)
    if not result.references:
        return text("withdraw_none", lang, phone=AANMELDPUNT_PHONE)
    return text("withdraw_done", lang, reference=", ".join(result.references), phone=AANMELDPUNT_PHONE)


def kept_text() -> str:
    return "Oké, je aanmelding blijft staan. Het aanmeldpunt neemt contact met je op. Kan ik je nog ergens mee helpen?"
