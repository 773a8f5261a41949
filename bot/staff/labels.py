"""Plain Dutch for everything the staff app shows: statuses and what they mean, channels, audit
actions and their details, call results, close reasons, dates, phone numbers, waiting times."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers

from bot.store.queue import URGENCY
from bot.store.workflow import CALL_RESULTS, CLOSE_REASONS

TZ = ZoneInfo("Europe/Amsterdam")
PRODUCT = "Aanmeldpunt Moeders van Rotterdam"

STATUS_LABELS = {
    "new": "Nieuw",
    "in_progress": "In behandeling",
    "contacted": "Contact gehad",
    "unreachable": "Niet bereikbaar",
    "closed": "Afgesloten",
    "withdrawn": "Ingetrokken",
}


def status_meanings(unreachable_after: int, retention_days: int) -> dict[str, str]:
    return {
        "new": "Nog niemand heeft deze aanmelding opgepakt.",
        "in_progress": "Een collega heeft haar opgepakt en probeert contact te krijgen.",
        "contacted": "Er is met haar gesproken. De intake of de hulp wordt geregeld.",
        "unreachable": f"Na {unreachable_after} belpogingen op rij geen contact. Probeer het later opnieuw.",
        "closed": f"Klaar, met een reden. De gegevens worden {retention_days} dagen later automatisch verwijderd.",
        "withdrawn": "Zij heeft de aanmelding ingetrokken (via de chat of de telefoon). Alleen nog te lezen.",
    }


VIEW_LABELS = {
    "open": "Werkvoorraad",
    "mine": "Mijn aanmeldingen",
    "new": "Nieuw",
    "in_progress": "In behandeling",
    "contacted": "Contact gehad",
    "unreachable": "Niet bereikbaar",
    "closed": "Afgesloten",
    "withdrawn": "Ingetrokken",
    "erasure": "Te verwijderen",
    "all": "Alle",
}
SORT_LABELS = {
    "urgency": "urgentie",
    "received": "ontvangen",
    "due": "uitgerekende datum",
    "gebied": "gebied",
    "status": "status",
    "owner": "opgepakt door",
}
URGENCY_LABELS = {
    "late": "32+ weken",
    "no_address": "Geen vast adres",
    "safety": "Veiligheid",
    "callback": "Terugbellen",
}
URGENCY_MEANINGS = URGENCY
CHANNEL_LABELS = {
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
    "rest": "testkanaal (REST)",  # development only: off in production (docs/production.md)
    "webchat": "webchat",
    "socketio": "webchat",
    "cmdline": "testomgeving",
    "phone": "telefoon",
    "onbekend": "onbekend",
}
ROLE_LABELS = {"staff": "medewerker", "coordinator": "coördinator", "admin": "beheerder"}
ACTION_LABELS = {
    "created": "aanmelding ontvangen",
    "viewed": "bekeken",
    "viewed queue": "lijst bekeken",
    "searched": "gezocht",
    "claimed": "opgepakt",
    "released": "vrijgegeven",
    "status changed": "status gewijzigd",
    "closed": "afgesloten",
    "reopened": "heropend",
    "note added": "notitie toegevoegd",
    "call": "belpoging",
    "withdrawn by phone": "ingetrokken (telefonisch)",
    "withdrawn by client": "ingetrokken door cliënt via chat",
    "erasure requested": "verwijderen aangevraagd",
    "personal data deleted": "persoonsgegevens verwijderd",
    "personal data purged": "persoonsgegevens verwijderd (bewaartermijn)",
    "login": "ingelogd",
    "logout": "uitgelogd",
    "login failed": "inloggen mislukt",
    "login refused": "inloggen geweigerd (geblokkeerd)",
    "account locked": "geblokkeerd na mislukte pogingen",
    "session expired": "sessie verlopen",
    "staff account created": "account aangemaakt",
    "password set": "wachtwoord ingesteld",
    "role changed": "rol gewijzigd",
    "account activated": "account geactiveerd",
    "account deactivated": "account gedeactiveerd",
    "viewed audit log": "auditlog bekeken",
    "audit log refused": "auditlog geweigerd (geen beheerder)",
    "content report refused": "inhoudsrapport geweigerd (geen beheerder)",
    "viewed notifications": "meldingen bekeken",
    "message received": "bericht van cliënt ontvangen",
    "erased on request": "verwijderd op haar verzoek (chat)",
    "verified in chat": "cliënt bevestigde haar code in de chat",
    "verification blocked": "bevestigen in de chat geblokkeerd (te veel pogingen)",
    "own data shown": "cliënt bekeek haar gegevens in de chat",
    "viewed thread": "berichten bekeken",
    "message written": "bericht aan cliënt geschreven",
    "message sent": "bericht aan cliënt verstuurd",
    "message retried": "bericht opnieuw verstuurd",
    "message delivery": "aflevering bericht",
    "handoff started": "gesprek overgenomen",
    "handoff ended": "gesprek teruggegeven aan de chatbot",
    "handoff override": "ingegrepen in het overgenomen gesprek van een collega (coördinator)",
    "marked urgent": "dringend gemaakt: haar bericht noemt gevaar of onveiligheid",
    "viewed overview": "overzicht bekeken",
    "exported overview": "overzicht gedownload (CSV)",
    "overview refused": "overzicht geweigerd (geen coördinator of beheerder)",
}
KIND_LABELS = {"registration": "Aanmelding", "callback": "Terugbelverzoek"}
NOTIFICATION_TEXTS = {
    "client_withdrew": "De cliënt heeft haar aanmelding {reference} via de chat ingetrokken. "
                       "Haar gegevens zijn verwijderd.",
    "taken_over": "Een collega heeft aanmelding {reference} van je overgenomen.",
    "client_message": "De cliënt van {reference} heeft een bericht gestuurd. Lees het bij Berichten.",
}

_ARROW = re.compile(r"\b([a-z_]+) -> ([a-z_]+)\b")
_DETAIL_WORDS = [
    (re.compile(r"(?:takeover|taken over) from ([^;]+)"), r"overgenomen van \1"),
    (re.compile(r"^from ([^;]+)"), r"was van \1"),
    (re.compile(r"reason=([a-z_]+)"), lambda m: "reden: " + CLOSE_REASONS.get(m.group(1), m.group(1))),
    (re.compile(r"result=([a-z_]+)"), lambda m: CALL_RESULTS.get(m.group(1), m.group(1))),
    (re.compile(r"channel=([A-Za-z_\-]+)"), lambda m: "via " + channel_label(m.group(1))),
    (re.compile(r"requested by (.+)$"), r"aangevraagd door \1"),
    (re.compile(r"kind=callback"), "terugbelverzoek"),
    (re.compile(r"mode=call"), "bellen"),
    (re.compile(r"mode=chat"), "bericht"),
    (re.compile(r"sender=(\d+) code=(\d+)"), r"pogingen: \1 in dit gesprek, \2 op deze code"),
    (re.compile(r"^status (\S+ → \S+)$"), r"\1"),
    (re.compile(r"^after (\d+) days$"), r"na \1 dagen"),
    (re.compile(r"^attempt (\d+)$"), r"poging \1"),
    (re.compile(r"^unknown or inactive account$"), "onbekend of inactief account"),
    (re.compile(r"^account locked$"), "geblokkeerd"),
    (re.compile(r"^locked for this address$"), "geblokkeerd vanaf dit adres"),
    (re.compile(r"^address locked$"), "adres geblokkeerd na te veel mislukte pogingen"),
    (re.compile(r"^(\d+) failed logins from one address$"), r"\1 mislukte pogingen vanaf één adres"),
    (re.compile(r"^(\d+) failed logins$"), r"\1 mislukte pogingen"),
    (re.compile(r"(\d+) session\(s\) ended"), r"\1 sessie(s) beëindigd"),
    (re.compile(r"^status=([a-z_]+)$"), lambda m: "lijst: " + VIEW_LABELS.get(m.group(1), m.group(1))),
    (re.compile(r"^view=([a-z_]+)"), lambda m: "lijst: " + VIEW_LABELS.get(m.group(1), m.group(1))),
    (re.compile(r"kind=([a-z]+)"), lambda m: {"reference": "op referentie", "phone": "op telefoonnummer",
                                             "name": "op naam"}.get(m.group(1), m.group(1))),
    (re.compile(r"results=(\d+)"), r"\1 gevonden"),
    (re.compile(r"\((staff|coordinator|admin)\)"), lambda m: f"({ROLE_LABELS[m.group(1)]})"),
]


def channel_label(channel: str | None) -> str:
    return CHANNEL_LABELS.get((channel or "").lower(), channel or "onbekend")


def describe_detail(detail: str | None) -> str:
    """An audit detail in Dutch ("in_progress -> withdrawn" -> "In behandeling → Ingetrokken")."""
    if not detail:
        return ""
    text = _ARROW.sub(lambda m: f"{STATUS_LABELS.get(m.group(1), m.group(1))} → "
                                f"{STATUS_LABELS.get(m.group(2), m.group(2))}", detail)
    for pattern, replacement in _DETAIL_WORDS:
        text = pattern.sub(replacement, text)
    return text.replace("; ", ", ")


def local(value: datetime | None) -> datetime | None:
    return value.astimezone(TZ) if value is not None else None


def format_datetime(value: datetime | None) -> str:
    return local(value).strftime("%d-%m-%Y %H:%M") if value is not None else "–"


def format_date(value: date | datetime | None) -> str:
    return value.strftime("%d-%m-%Y") if value else "–"


def today_local(now: datetime) -> date:
    return now.astimezone(TZ).date()


def waiting(since: datetime | None, now: datetime) -> str:
    """'12 min', '5 uur', '1 dag', '3 dagen'."""
    if since is None:
        return "–"
    delta = max(now - since, timedelta(0))
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} uur"
    days = hours // 24
    return "1 dag" if days == 1 else f"{days} dagen"


def weeks_label(weeks: int | None) -> str:
    """Current weeks of pregnancy for the list; past 42 weeks the due date has passed."""
    if weeks is None:
        return "–"
    return "voorbij" if weeks > 42 else str(weeks)


def phone_display(e164: str | None) -> str:
    """+31612345678 -> '06 12345678' (how she would write it herself)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "NL")
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 31:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def consent_version_label(version: str) -> str:
    """'1-365d-def32813' -> 'tekstversie 1, bewaartermijn 365 dagen' (when the text itself was not kept).

    An English consent text has '-en' at the end of its version: '..., Engelse tekst'.
    """
    match = re.fullmatch(r"(\d+)-(\d+)d-[0-9a-f]+(-en)?", version or "")
    if match:
        english = ", Engelse tekst" if match.group(3) else ""
        return f"tekstversie {match.group(1)}, bewaartermijn {match.group(2)} dagen{english}"
    return f"tekstversie {version}"


# The language of the conversation (issue 11): what staff see, in Dutch.
CHAT_LANGUAGE_LABELS = {"nl": "Nederlands", "en": "Engels (het gesprek en de toestemming waren in het Engels)"}


def chat_language_label(code: str | None) -> str:
    """'Nederlands', 'Engels (...)'; registrations from before issue 11 were in Dutch."""
    if not code:
        return "Nederlands (niet vastgelegd)"
    return CHAT_LANGUAGE_LABELS.get(code, code)


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")
