"""The summary she checks before sending, and how she confirms or corrects a field."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from typing import Any

from bot.parsing.common import normalise
from bot.registration import fields as f
from bot.registration.help_areas import label
from bot.registration.texts import button
from bot.registration.texts import text as reg_text
from bot.registration.validators import UNKNOWN_POSTCODE, display_phone

CONFIRM = "confirm"
CANCEL = "cancel"
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
             "oktober", "november", "december")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")

# Field -> (button title, words that point at the field in a typed correction).
CORRECTABLE: dict[str, tuple[str, tuple[str, ...]]] = {
    f.NAME: ("Naam aanpassen", ("naam", "heet", "voornaam", "achternaam")),
    f.PHONE: ("Nummer aanpassen", ("nummer", "telefoon", "telefoonnummer", "mobiel", "06", "tel")),
    f.POSTCODE: ("Postcode aanpassen", ("postcode", "adres", "woon")),
    f.DUE: ("Datum aanpassen", ("datum", "uitgerekend", "weken", "zwanger", "maanden", "bevallen", "termijn")),
    f.HELP: ("Hulp aanpassen", ("hulp", "helpen", "onderwerp", "onderwerpen", "keuze")),
    f.REACHABLE: ("Bereikbaar aanpassen", ("bereikbaar", "bellen", "tijd", "ochtend", "middag", "avond", "wanneer")),
    f.LANGUAGE: ("Taal aanpassen", ("taal", "tolk", "language", "interpreter")),
}
# The English words that point at a field ("my number is wrong").
_CORRECTABLE_EN: dict[str, tuple[str, ...]] = {
    f.NAME: ("name",), f.PHONE: ("number", "phone", "mobile"), f.POSTCODE: ("postcode", "address", "zip"),
    f.DUE: ("date", "due", "weeks", "pregnant", "months"), f.HELP: ("help", "topic", "topics"),
    f.REACHABLE: ("call", "time", "morning", "afternoon", "evening", "reach", "reachable"),
}
_FIX_BUTTON = {f.NAME: "fix_name", f.PHONE: "fix_phone", f.POSTCODE: "fix_postcode", f.DUE: "fix_due",
               f.HELP: "fix_help", f.REACHABLE: "fix_reachable", f.LANGUAGE: "fix_language"}
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
    r"ja,? versturen|ja,? verstuur maar|"
    r"yes|yes,? (it'?s |that'?s )?(correct|right)|correct,? send|send( it)?|that'?s (correct|right)|all (correct|good)|"
    r"yes,? send( it)?|okay)\W*$"
)
# "yes ok send", "klopt versturn", "ja is goed hoor": only words of agreement (small typos allowed).
_CONFIRM_WORDS = frozenset({"klopt", "ja", "jazeker", "ok", "oke", "okay", "okey", "yes", "yep", "send", "versturen",
                            "verstuur", "verzenden", "correct", "akkoord", "goed", "prima", "top", "alles", "het",
                            "dat", "is", "it", "maar", "hoor", "graag", "all", "good", "right", "please"})
_STRONG_CONFIRM = frozenset({"klopt", "ja", "jazeker", "ok", "oke", "okay", "yes", "send", "versturen", "verstuur",
                             "verzenden", "correct", "akkoord"})


def _only_confirm_words(words: set[str]) -> bool:
    def known(word: str) -> str | None:
        if word in _CONFIRM_WORDS:
            return word
        close = difflib.get_close_matches(word, _CONFIRM_WORDS, n=1, cutoff=0.8) if len(word) >= 5 else []
        return close[0] if close else None

    matched = [known(w) for w in words]
    return bool(words) and all(matched) and any(m in _STRONG_CONFIRM for m in matched)


_WRONG = re.compile(r"\b(klopt niet|fout|verkeerd|aanpassen|veranderen|wijzigen|anders|niet goed|verbeteren|typfout|"
                    r"vergist|ander|andere|nieuw|nieuwe|corrigeren|wrong|change|not right|incorrect|mistake|fix)\b")


def format_date(iso: str | None, lang: str = "nl") -> str:
    if not iso:
        return ""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    months = MONTHS_EN if lang == "en" else MONTHS_NL
    return f"{day.day} {months[day.month - 1]} {day.year}"


def language_line(slots: Mapping[str, Any], lang: str = "nl") -> str | None:
    """'Turks, met tolk' / 'Turkish ... with an interpreter': the language she wants to be called in."""
    chosen = slots.get(f.LANGUAGE)
    if not chosen or chosen == "unknown":
        return None
    interpreter = slots.get(f.INTERPRETER)
    extra = {True: reg_text("summary.interpreter", lang), False: reg_text("summary.no_interpreter", lang)}.get(interpreter)
    return f"{chosen}, {extra}" if extra else str(chosen)


def render_summary(slots: Mapping[str, Any], lang: str = "nl") -> str:
    """The summary text with every field she gave, in ``lang``."""
    def say(key: str, **values: Any) -> str:
        return reg_text(f"summary.{key}", lang, **values)

    postcode = slots.get(f.POSTCODE)
    if postcode == UNKNOWN_POSTCODE:
        postcode_text = say("no_address")
    else:
        gebied = slots.get(f.GEBIED)
        postcode_text = f"{postcode} ({gebied})" if gebied else str(postcode or "")
    weeks = slots.get(f.WEEKS)
    due_text = format_date(slots.get(f.DUE), lang)
    if weeks is not None:
        due_text += f" ({say('weeks_now', weeks=weeks)})"
    help_text = ", ".join(label(c, lang) for c in slots.get(f.HELP) or []) or "-"
    own = slots.get(f.HELP_TEXT)
    language = language_line(slots, lang)
    return "\n".join([
        say("title"),
        f"• {say('name')}: {slots.get(f.NAME) or ''}",
        f"• {say('phone')}: {display_phone(slots.get(f.PHONE))}",
        f"• {say('postcode')}: {postcode_text}",
        f"• {say('due')}: {due_text}",
        f"• {say('help')}: {help_text}",
        *([f"• {say('own_words')}: {own}"] if own else []),
        f"• {say('reachable')}: {slots.get(f.REACHABLE) or ''}",
        *([f"• {say('language')}: {language}"] if language else []),
        say("question"),
    ])


def summary_buttons(lang: str = "nl") -> list[dict[str, str]]:
    """'Klopt, versturen', one button per field and 'Niet versturen' (fits a WhatsApp list). The
    payloads are the Dutch titles: a tap reads the same in both languages."""
    return ([button("confirm", lang)] + [button(_FIX_BUTTON[slot], lang) for slot in CORRECTABLE]
            + [button("cancel", lang, payload=CANCEL_BUTTON["payload"])])


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
        if norm in (normalise(title), normalise(reg_text(f"buttons.{_FIX_BUTTON[slot]}", "en"))):
            return slot
    words = set(re.findall(r"[a-z0-9]+", norm))
    hits = [slot for slot, (_, keys) in CORRECTABLE.items() if words & {*keys, *_CORRECTABLE_EN.get(slot, ())}]
    if len(hits) == 1 and (_WRONG.search(norm) or len(words) <= 3):
        return hits[0]
    if len(hits) > 1 and _WRONG.search(norm):
        # 'mijn nummer klopt niet, de rest wel': the first field named
        first = min(hits, key=lambda s: min(norm.find(k) for k in CORRECTABLE[s][1] if k in words))
        return first
    if _CONFIRM.match(norm) or _only_confirm_words(words):
        return CONFIRM
    if _CANCEL.match(norm):
        return CANCEL
    return None
