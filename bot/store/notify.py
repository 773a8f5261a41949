"""E-mail notification to the aanmeldpunt mailbox about a new registration.

Contains NO personal data: only the reference code and a link to the staff web app.
Settings (environment): SMTP_HOST, SMTP_PORT (25; 587 with STARTTLS), SMTP_USER,
SMTP_PASSWORD, SMTP_STARTTLS (1/0), NOTIFY_FROM, NOTIFY_TO (comma-separated; unset =
no mail), STAFF_BASE_URL (e.g. https://aanmeldpunt.example.nl). Never raises.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from email.message import EmailMessage

log = logging.getLogger(__name__)

_TRUE = {"1", "true", "yes", "on"}
NOTIFY_CHANNEL = "notify-email"  # key space in bot.store.dedup


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


# What the mail is about: a registration, a callback request (issue 13) or her message.
KIND_WORDS = {
    "registration": ("Nieuwe aanmelding", "een nieuwe aanmelding"),
    "callback": ("Nieuw terugbelverzoek", "een nieuw terugbelverzoek"),
    "message": ("Nieuw bericht bij", "een nieuw bericht van de cliënt"),
}


def build_message(reference: str, kind: str = "registration") -> EmailMessage:
    base = _env("STAFF_BASE_URL", f"http://127.0.0.1:{_env('STAFF_PORT', '8000')}").rstrip("/")
    link = f"{base}/registrations/{reference}"
    subject, what = KIND_WORDS.get(kind, KIND_WORDS["registration"])
    msg = EmailMessage()
    msg["Subject"] = f"{subject} {reference}"
    msg["From"] = _env("NOTIFY_FROM") or "stevige-start@localhost"
    msg["To"] = ", ".join(a.strip() for a in _env("NOTIFY_TO").split(",") if a.strip())
    msg.set_content(
        f"Er is {what} binnengekomen via de Stevige Start Assistent.\n\n"
        f"Referentie: {reference}\n"
        "Bekijk de aanmelding (inloggen nodig):\n"
        f"{link}\n\n"
        "Deze e-mail bevat bewust geen persoonsgegevens.\n"
    )
    return msg


def notify_new_registration(reference: str, url: str | None = None, kind: str = "registration",
                            once_key: str | None = None) -> bool:
    """Send the notification once per reference (or per ``once_key``); True when sent now.

    False when not configured, already sent (a repeated confirmation returns the same
    reference from ``create_registration``), or on failure (then a later call retries).
    ``kind``: "registration", "callback" or "message" (her new message in a case's thread).
    """
    dedup_key = once_key or reference
    recipients = [a.strip() for a in _env("NOTIFY_TO").split(",") if a.strip()]
    if not recipients:
        return False
    from bot.store import dedup
    from bot.store.errors import StoreError

    try:
        if not dedup.mark_processed(NOTIFY_CHANNEL, dedup_key, url=url):
            log.info("notification for %s was already sent", reference)
            return False
        marked = True
    except Exception as err:  # noqa: BLE001 - cannot remember it: better a duplicate mail than none
        log.error("notification mark for %s failed: %s", reference, err.__class__.__name__)
        marked = False
    sent = _send(reference, recipients, kind)
    if not sent and marked:
        try:
            dedup.forget(NOTIFY_CHANNEL, dedup_key, url=url)
        except StoreError:
            log.error("could not reset the notification mark for %s", reference)
    return sent


def _send(reference: str, recipients: list[str], kind: str = "registration") -> bool:
    host = _env("SMTP_HOST", "localhost")
    starttls = _env("SMTP_STARTTLS", "0").lower() in _TRUE
    port = int(_env("SMTP_PORT") or (587 if starttls else 25))
    try:
        msg = build_message(reference, kind)
        with smtplib.SMTP(host, port, timeout=10) as smtp:
            if starttls:
                smtp.starttls(context=ssl.create_default_context())
            user = _env("SMTP_USER")
            if user:
                smtp.login(user, os.environ.get("SMTP_PASSWORD", ""))
            smtp.send_message(msg, to_addrs=recipients)
        log.info("notification sent for %s", reference)
        return True
    except Exception as err:  # noqa: BLE001 - a mail problem must never break the registration
        log.error("notification for %s failed: %s", reference, err.__class__.__name__)
        return False
