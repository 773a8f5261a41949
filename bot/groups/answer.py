"""Texts for the meeting-groups conversation (Dutch, B1, 'je'). No Rasa imports.

:func:`groups_answer` renders one page of ranked groups with buttons;
:func:`location_feedback` says what to do when a location could not be used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.groups.model import Group, groups
from bot.groups.ranking import PAGE_SIZE, page, rank_groups
from bot.places.areas import normalise
from bot.places.resolve import CITYWIDE, OUTSIDE, LocationResult, location_from_key, location_key, resolve_location
from bot.readability import MAX_MESSAGE_WORDS, words

Button = dict[str, str]

MORE_BUTTON: Button = {"title": "Meer groepen", "payload": "/more_groups"}
HUMAN_BUTTON: Button = {"title": "Praten met iemand", "payload": "/request_human"}
MENU_BUTTON: Button = {"title": "Andere vraag", "payload": "/ask_capabilities"}
FIND_BUTTON: Button = {"title": "Groepen zoeken", "payload": "/find_group"}

AUDIENCE_LABELS = {
    "pregnant": "zwangeren",
    "baby": "ouders met een baby",
    "toddler": "ouders met een peuter",
    "mothers": "moeders",
    "fathers": "vaders",
    "parents": "ouders",
}
FILTER_LABELS = {
    "pregnant": "zwangeren",
    "baby": "ouders met een baby",
    "toddler": "ouders met een peuter",
    "mothers": "moeders",
    "fathers": "vaders",
}
_DONT_KNOW = ("weet ik niet", "weet het niet", "weet niet", "geen idee", "geen flauw idee", "dont know", "idk")


@dataclass(frozen=True)
class Answer:
    """An answer: one text, or several short chat messages (``parts``) sent one after another."""

    text: str
    buttons: list[Button] = field(default_factory=list)
    parts: tuple[str, ...] = ()

    @property
    def messages(self) -> tuple[str, ...]:
        return self.parts or (self.text,)


def _join(words: list[str], last: str = "en") -> str:
    if not words:
        return ""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {last} " + words[-1]


def audience_text(group: Group) -> str:
    """'zwangeren en ouders met een baby of peuter'."""
    aud = set(group.audience)
    parts: list[str] = []
    if "pregnant" in aud:
        parts.append("zwangeren")
    kids = [word for key, word in (("baby", "baby"), ("toddler", "peuter")) if key in aud]
    if kids:
        parts.append("ouders met een " + " of ".join(kids))
    elif "parents" in aud:
        parts.append("ouders")
    parts += [AUDIENCE_LABELS[key] for key in ("mothers", "fathers") if key in aud]
    return _join(parts) or "ouders"


def where_text(group: Group, distance_km: float | None = None) -> str:
    """Where the group meets, as far as the data knows; never a guessed address."""
    if group.citywide:
        return "op verschillende plekken in Rotterdam"
    place = f"{group.wijk} ({group.gebied})" if group.wijk else group.gebied
    if place is None:
        return "dat weet ik niet"
    far = f". Dat is ongeveer {round(distance_km)} km van jou" if distance_km is not None and distance_km >= 3 else ""
    if group.address:
        return f"{group.address}, {place}{far}"
    if group.location_verified:
        return f"in {place}{far}. Het adres weet ik niet"
    return f"waarschijnlijk in {place}{far}. Het adres weet ik niet"


def source_text(group: Group) -> str:
    """The full source of one group, without the internal '[seed ...]' references."""
    text = re.sub(r"\s*\[[^\]]*\]", "", group.source)
    text = re.sub(r";\s*", "; ", text).strip(" ;")
    return f"Bron: {text} (gecontroleerd op {group.checked:%d-%m-%Y})."


def source_tag(shown: Iterable[Group]) -> str:
    """One short source line for a page of groups: who published it, and the oldest check date."""
    shown = list(shown)
    names: list[str] = []
    for group in shown:
        name = re.split(r"[,;:(\[]", group.source, maxsplit=1)[0].strip()
        name = "gemeente Rotterdam" if name.lower() == "gemeente rotterdam" else name
        if name and name not in names:
            names.append(name)
    checked = min(g.checked for g in shown)
    return f"Bron: {', '.join(names)} ({checked:%d-%m-%Y})"


def group_block(group: Group, number: int, distance_km: float | None = None) -> str:
    """One group as one short chat message: what, for whom, where, how to join."""
    lines = [
        f"*{number}. {group.name}*",
        group.description,
        f"Voor: {audience_text(group)}. Waar: {where_text(group, distance_km)}.",
    ]
    if group.schedule:
        lines.append(f"Wanneer: {group.schedule}")
    lines.append(f"Meedoen: {group.how_to_join}")
    return "\n".join(lines)


def _place_label(location: LocationResult) -> str:
    return location.place_label


def outside_answer() -> Answer:
    return Answer(
        "Die plek ligt niet in Rotterdam. Ik ken alleen groepen in Rotterdam. "
        "Vraag het consultatiebureau (CJG) bij jou in de buurt of je eigen gemeente welke groepen er zijn. "
        "Woon je toch in Rotterdam? Stuur dan je postcode of wijk, bijvoorbeeld: groepen in Charlois.",
        [HUMAN_BUTTON, MENU_BUTTON],
    )


def groups_answer(
    key: str | None, audience: Iterable[str] = (), offset: int = 0, all_groups: Iterable[Group] | None = None,
    kinds: Iterable[str] = (), after_loss: bool = False, stage: str | None = None,
) -> tuple[Answer, int | None]:
    """One page of groups for a location slot value. Returns (answer, offset of the next page or None).
    ``after_loss``: she told us she lost her baby (no pregnancy or baby groups); ``stage``: pregnant
    or baby born, from her earlier messages (see ``rank_groups``)."""
    if key == OUTSIDE:
        return outside_answer(), None
    location = location_from_key(key) if key != CITYWIDE else None
    if key != CITYWIDE and location is None:
        return Answer("Waar zoek je een groep? Stuur je postcode of wijk, bijvoorbeeld: groepen in Charlois.",
                      [FIND_BUTTON, HUMAN_BUTTON]), None
    wanted = frozenset(a for a in audience if a in FILTER_LABELS)
    ranked, filter_ok = rank_groups(groups() if all_groups is None else all_groups, location, wanted, kinds,
                                    after_loss=after_loss, stage=stage)
    shown, more = page(ranked, offset)
    if not shown:
        return Answer("Dit waren alle groepen die ik ken. Het CJG weet vaak nog meer plekken bij jou in de buurt.",
                      [HUMAN_BUTTON, MENU_BUTTON]), None
    header = _header(location, wanted, filter_ok, offset, len(shown), len(ranked))
    blocks = [group_block(r.group, offset + i + 1, r.distance_km) for i, r in enumerate(shown)]
    if more:
        footer = "Meer zien? Kies 'Meer groepen'."
        buttons = [MORE_BUTTON, HUMAN_BUTTON, MENU_BUTTON]
    else:
        footer = "Dit waren alle groepen die ik ken. Het CJG weet vaak nog meer plekken bij jou in de buurt."
        buttons = [HUMAN_BUTTON, MENU_BUTTON]
    parts = [header, *blocks]
    closing = f"{source_tag(r.group for r in shown)}\n{footer}"
    if len(words(f"{parts[-1]}\n\n{closing}")) <= MAX_MESSAGE_WORDS:
        parts[-1] += f"\n\n{closing}"
    else:
        parts.append(closing)
    return Answer("\n\n".join(parts), buttons, tuple(parts)), (offset + PAGE_SIZE if more else None)


def _header(location: LocationResult | None, wanted: frozenset[str], filter_ok: bool, offset: int,
            count: int, total: int) -> str:
    who = _join([FILTER_LABELS[w] for w in sorted(wanted)]) if wanted else ""
    if offset > 0:
        return f"Meer groepen ({offset + 1} tot en met {offset + count} van {total}):"
    intro = ""
    if location is not None and location.kind == "postcode" and location.alternatives and not location.gebied:
        intro = "Je postcode ligt " + " en ".join(f"deels in {g}" for g in location.alternatives) + ". "
    elif location is not None and location.kind == "postcode":
        intro = f"Je postcode hoort waarschijnlijk bij {location.gebied}. "
    if wanted and not filter_ok:
        intro += f"Ik ken geen groep speciaal voor {who}. "
        who = ""
    target = f"groepen voor {who}" if who else "groepen"
    if location is None:
        return intro + f"Ik weet niet waar je woont. Dit zijn {target} in heel Rotterdam:"
    if location.alternatives and not location.gebied:
        return intro + f"Dit zijn {target} dicht bij allebei:"
    return intro + f"Dit zijn {target}, de dichtstbijzijnde bij {_place_label(location)} eerst:"


# ---------------------------------------------------------------- asking for a location
@dataclass(frozen=True)
class LocationReply:
    """Outcome of the parent's answer to 'where do you live?'.

    ``key`` is the slot value to store (None: ask again); ``message`` is said first.
    """

    key: str | None
    message: str | None = None


def is_dont_know(text: object) -> bool:
    if not isinstance(text, str):
        return False
    norm = normalise(text[:200])
    return any(phrase in norm for phrase in _DONT_KNOW) or norm in {"geen", "nee", "nvt", "weet"}


def read_location(text: object) -> LocationReply:
    """Interpret the parent's answer to the location question."""
    if is_dont_know(text):
        return LocationReply(CITYWIDE)
    result = resolve_location(text)
    key = location_key(result)
    if key is not None:
        return LocationReply(key)
    if result.reason == "po_box":
        return LocationReply(None, "Dat is de postcode van een postbus. Ik heb de postcode van je huis nodig.")
    if result.reason == "no_gebied":
        return LocationReply(None, "Die postcode hoort bij Rotterdam, maar ik weet niet bij welke wijk.")
    if result.reason == "too_broad":
        examples = _join(list(result.examples), "of") if result.examples else "Charlois of Noord"
        return LocationReply(None, f"Dat is een groot deel van de stad. Noem je wijk, bijvoorbeeld {examples}.")
    if _PARTIAL_POSTCODE_RE.fullmatch(str(text or "").strip(" .!?")):
        return LocationReply(None, "Een postcode heeft 4 cijfers, bijvoorbeeld 3083. De 4 cijfers zijn genoeg. "
                                   "Of typ de naam van je wijk. Weet je het niet? Typ 'weet ik niet', dan krijg je "
                                   "groepen in heel Rotterdam.")
    return LocationReply(None, "Sorry, die wijk of postcode ken ik niet. Typ de 4 cijfers van je postcode of de naam "
                               "van je wijk, bijvoorbeeld Charlois. Weet je het niet? Typ 'weet ik niet'.")


# Part of a postcode ("308", "30 8"): fewer than 4 digits, perhaps with the letters.
_PARTIAL_POSTCODE_RE = re.compile(r"(?:postcode\s*)?\d{1,3}(?:\s?\d{1,2})?(?:\s?[a-zA-Z]{1,2})?")
