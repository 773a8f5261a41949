"""Columns derived from a registration's personal fields: queue columns and search index.

Called when a registration is stored and by the backfill (migration 0002 and
``python -m bot.store.cli reindex``). Everything set here is wiped with the personal data.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date, timedelta

from bot.store import search
from bot.store.models import RegistrationRecord, SearchToken

log = logging.getLogger(__name__)

UNKNOWN_POSTCODE = "onbekend"  # what the registration form stores for "geen vast adres"
# Words in her help areas or her own words that make the case urgent (besides bot.safety).
_SAFETY_WORDS = re.compile(
    r"\b(veilig|onveilig|veiligheid|geweld|mishandel\w*|slaat|sloeg|bedreig\w*|bang voor|"
    r"dakloos|op straat|geen dak)\b"
)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_now(due_week: date | None, today: date) -> int | None:
    """Whole weeks of pregnancy today (40 at the due week), from the week of the due date."""
    if due_week is None:
        return None
    return 40 - (due_week - monday(today)).days // 7


def help_code(label: str) -> str:
    """The help area code for a stored label ("Geld en administratie" -> "geld")."""
    try:
        from bot.registration.help_areas import HELP_AREAS, UNKNOWN, UNKNOWN_LABEL
    except ImportError:  # pragma: no cover - the registration package ships with the store
        return search.fold(label)[:32]
    folded = search.fold(label)
    if folded == search.fold(UNKNOWN_LABEL):
        return UNKNOWN
    for area in HELP_AREAS:
        if folded in (search.fold(area.label), area.code):
            return area.code
    return folded[:32]


def safety_signal(*texts: str | None) -> bool:
    """True when her help areas or own words name safety, violence, homelessness or an emergency."""
    joined = " ".join(t for t in texts if t)
    if not joined.strip():
        return False
    if _SAFETY_WORDS.search(search.fold(joined)):
        return True
    try:
        from bot.safety import detect
    except ImportError:  # pragma: no cover
        return False
    return detect(joined) is not None


def gebied_for(postcode: str | None) -> str | None:
    if not postcode or postcode == UNKNOWN_POSTCODE:
        return None
    from bot.places.postcode import gebied_for_pc4

    return gebied_for_pc4(postcode[:4])


def compute(name: str | None, phone: str | None, postcode: str | None, due_date: str | None,
            help_areas: str | None, own_words: str | None) -> tuple[dict, set[str]]:
    """The derived column values and the name search tokens from clear personal values
    (``help_areas`` is the stored JSON list). Pure: also used by migration 0002's backfill."""
    labels = json.loads(help_areas) if help_areas else []
    tags = [search.tag("help", help_code(label)) for label in labels]
    reasons = [reason for reason, present in (("no_address", postcode == UNKNOWN_POSTCODE),
                                              ("safety", safety_signal(*labels, own_words))) if present]
    columns = {
        "help_codes": ("|" + "|".join(tags) + "|") if tags else None,
        "gebied": gebied_for(postcode),
        "due_week": monday(date.fromisoformat(due_date)) if due_date else None,
        "flagged": bool(reasons),
        "flag_reasons": ",".join(reasons) or None,
        "phone_index": search.phone_index(phone),
    }
    return columns, search.name_tokens(name)


def apply(rec: RegistrationRecord) -> None:
    """(Re)compute the derived columns and search tokens of ``rec`` from its personal fields."""
    if rec.personal_data_deleted_at is not None:
        clear(rec)
        return
    columns, wanted = compute(rec.name, rec.phone, rec.postcode, rec.due_date, rec.help_areas, rec.own_words)
    if "safety" not in (columns["flag_reasons"] or "") and _thread_names_danger(rec):
        columns["flag_reasons"] = ",".join(r for r in (columns["flag_reasons"], "safety") if r)
        columns["flagged"] = True
    for column, value in columns.items():
        if getattr(rec, column) != value:
            setattr(rec, column, value)
    existing = {t.token for t in rec.search_tokens}
    if existing != wanted:
        rec.search_tokens[:] = [t for t in rec.search_tokens if t.token in wanted]
        rec.search_tokens.extend(SearchToken(token=t) for t in sorted(wanted - existing))


def _thread_names_danger(rec: RegistrationRecord) -> bool:
    """A message of hers in the case's thread names danger (bot.store.threads flags it on arrival;
    kept here so a reindex does not drop it)."""
    if rec.id is None:  # a new case has no thread yet
        return False
    return any(m.direction == "in" and safety_signal(m.text) for m in getattr(rec, "messages", ()))


def clear(rec: RegistrationRecord) -> None:
    rec.help_codes = rec.gebied = rec.due_week = rec.phone_index = rec.flag_reasons = None
    rec.flagged = False
    rec.search_tokens.clear()
