"""The summary she checks before sending, and how she confirms or corrects a field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from bot.parsing.common import normalise
from bot.registration import fields as f
from bot.registration.help_areas import label
from bot.registration.validators import UNKNOWN_POSTCODE, display_phone

CONFIRM = "confirm"
CANCEL = "cancel"
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
             "oktober", "november", "december")

# Field -> (button title, words that point at the field in a typed correction).
CORRECTABLE: dict[str, tuple[str, tuple[str, ...]]] = {
    f.NAME: ("Naam aanpassen", ("naam", "heet", "voornaam", "achternaam")),
    f.PHONE: ("Nummer aanpassen", ("nummer", "telefoon", "telefoonnummer", "mobiel", "06", "tel")),
    f.POSTCODE: ("Postcode aanpassen", ("postcode", "adres", "woon")),
    f.DUE: ("Datum aanpassen", ("datum", "uitgerekend", "weken", "zwanger", "maanden", "bevallen", "termijn")),
    f.HELP: ("Hulp aanpassen", ("hulp", "helpen", "onderwerp", "onderwerpen", "keuze")),
    f.REACHABLE: ("Bereikbaar aanpassen", ("bereikbaar", "bellen", "tijd", "ochtend", "middag", "avond", "wanneer")),
}
CONFIRM_BUTTON = {"title": "Klopt, versturen", "payload": "Klopt, versturen"}
CANCEL_BUTTON = {"title": "Niet versturen", "payload": "/stop"}
CANCEL_TEXT = "Wil je stoppen? Kies dan 'Niet versturen' of typ 'stop'. Dan stuur ik niets naar het aanmeldpunt."
_CANCEL = re.compile(
    r"^(nee|nee+ hoor|nee dank je|nee bedankt|neen|nope|toch niet|ik wil toch niet|wil toch niet|liever niet|laat maar"
    r"|laat maar zitten|niet versturen|niet sturen|niet doorsturen|niks versturen|annuleren|annuleer|ik wil niet"
    r"|ik wil (me )?(toch )?niet (meer )?aanmelden|ik wil het (toch )?niet|ik twijfel|ik wil stoppen|stoppen)\W*$"
)

_CONFIRM = re.compile(
    r"^(klopt|het klopt|dat klopt|alles klopt|klopt alles|klopt helemaal|ja|jazeker|ja hoor|ja klopt|ja dat klopt|"
    r"goed|is goed|prima|correct|akkoord|versturen|verstuur|verzenden|verstuur maar|klopt,? versturen|ok|oke|"
    r"ja,? versturen|ja,? verstuur maar)\W*$"
)
_WRONG = re.compile(r"\b(klopt niet|fout|verkeerd|aanpassen|veranderen|wijzigen|anders|niet goed|verbeteren|typfout|"
                    r"vergist|ander|andere|nieuw|nieuwe|corrigeren)\b")


def format_date(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def render_summary(slots: Mapping[str, Any]) -> str:
    """The summary text with every field she gave."""
    postcode = slots.get(f.POSTCODE)
    if postcode == UNKNOWN_POSTCODE:
        postcode_text = "geen vast adres / onbekend"
    else:
        gebied = slots.get(f.GEBIED)
        postcode_text = f"{postcode} ({gebied})" if gebied else str(postcode or "")
    weeks = slots.get(f.WEEKS)
    due_text = format_date(slots.get(f.DUE))
    if weeks is not None:
        due_text += f" (nu ongeveer {weeks} weken zwanger)"
    help_text = ", ".join(label(c) for c in slots.get(f.HELP) or []) or "-"
    own = slots.get(f.HELP_TEXT)
    return "\n".join([
        "Dit stuur ik naar het aanmeldpunt Moeders van Rotterdam:",
        f"• Naam: {slots.get(f.NAME) or ''}",
        f"• Telefoon: {display_phone(slots.get(f.PHONE))}",
        f"• Postcode: {postcode_text}",
        f"• Uitgerekend: {due_text}",
        f"• Hulp bij: {help_text}",
        *([f"• In je eigen woorden: {own}"] if own else []),
        f"• Bereikbaar: {slots.get(f.REACHABLE) or ''}",
        "Klopt dit? Kies 'Klopt, versturen'. Wil je iets veranderen? Kies wat je wilt aanpassen.",
    ])


def summary_buttons() -> list[dict[str, str]]:
    """'Klopt, versturen', one button per field and 'Niet versturen' (8 rows: fits a WhatsApp list)."""
    return [CONFIRM_BUTTON] + [{"title": title, "payload": title} for title, _ in CORRECTABLE.values()] + [CANCEL_BUTTON]


def parse_confirmation(text: str | None) -> str | None:
    """``confirm``, ``cancel`` ('nee', 'ik wil toch niet'), the slot name of the field to correct, or None.

    'Klopt' / 'ja' / the button confirm; 'mijn nummer klopt niet', 'Naam aanpassen',
    'postcode is fout' name a field. A ``/payload`` never confirms.
    """
    raw = (text or "").strip()
    if not raw or raw.startswith("/"):
        return None
    norm = normalise(raw).strip(" .!")
    for slot, (title, _) in CORRECTABLE.items():
        if norm == normalise(title):
            return slot
    words = set(re.findall(r"[a-z0-9]+", norm))
    hits = [slot for slot, (_, keys) in CORRECTABLE.items() if words & set(keys)]
    if len(hits) == 1 and (_WRONG.search(norm) or len(words) <= 3):
        return hits[0]
    if len(hits) > 1 and _WRONG.search(norm):
        # 'mijn nummer klopt niet, de rest wel': the first field named
        first = min(hits, key=lambda s: min(norm.find(k) for k in CORRECTABLE[s][1] if k in words))
        return first
    if _CONFIRM.match(norm):
        return CONFIRM
    if _CANCEL.match(norm):
        return CANCEL
    return None
