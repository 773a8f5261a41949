"""What a parent can ask the aanmeldpunt for help with (seed 001, FACTS.md 'Helps with').

She picks one or more areas (buttons / list rows, or typed in her own words) and ends with
'Klaar'. 'Weet ik nog niet' is a valid answer: the intake will find out together with her.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.parsing.common import is_dont_know, normalise


@dataclass(frozen=True)
class HelpArea:
    code: str
    label: str  # at most 24 characters (WhatsApp list row)
    words: tuple[str, ...]


HELP_AREAS: tuple[HelpArea, ...] = (
    HelpArea("zwangerschap", "Zwangerschap en baby", (
        "zwangerschap", "zwanger", "bevalling", "bevallen", "baby", "babyspullen", "spullen", "kinderwagen",
        "wieg", "luiers", "kleertjes", "uitzet", "kraamzorg", "verloskundige",
    )),
    HelpArea("wonen", "Wonen", (
        "wonen", "woning", "huis", "huisvesting", "dak", "onderdak", "slaapplek", "dakloos", "daklozen",
        "kamer", "huur", "huurschuld", "verhuizen", "veilig wonen", "uitzetting", "opvang",
    )),
    HelpArea("ouderschap", "Ouderschap", (
        "ouderschap", "opvoeding", "opvoeden", "moeder worden", "ouder worden", "ontwikkeling", "kind",
        "hechting", "vader", "moederschap",
    )),
    HelpArea("school_werk", "School en werk", (
        "school", "werk", "baan", "opleiding", "studie", "studeren", "stage", "werkloos", "solliciteren", "inburgering",
    )),
    HelpArea("netwerk", "Mensen om me heen", (
        "netwerk", "sociaal", "eenzaam", "familie", "vrienden", "steun", "niemand", "mensen om me heen",
    )),
    HelpArea("instanties", "Instanties", (
        "instanties", "instantie", "gemeente", "ind", "verblijfsvergunning", "uwv", "belastingdienst", "zorgverzekering",
        "verzekering", "papieren", "formulieren", "loket",
    )),
    HelpArea("geld", "Geld en administratie", (
        "geld", "geldzaken", "administratie", "schulden", "schuld", "rekeningen", "post", "brieven", "uitkering",
        "toeslag", "toeslagen", "inkomen", "bijstand", "budget", "armoede",
    )),
    HelpArea("gezondheid", "Gezondheid", (
        "gezondheid", "gezond", "ziek", "psychisch", "depressie", "stress", "angst", "verslaving", "drugs", "alcohol",
        "roken", "huisarts", "zorg",
    )),
)
BY_CODE = {a.code: a for a in HELP_AREAS}
UNKNOWN = "weet_niet"
UNKNOWN_LABEL = "Weet ik nog niet"
DONE_LABEL = "Klaar"

_DONE = re.compile(r"^(klaar|dat was het|dat is het|dat is alles|verder niks|verder niets|niks meer|niets meer|"
                   r"nee( dank je| hoor| dat was het)?|ok(e)? klaar|ben klaar|ik ben klaar|gereed|done|dat is genoeg)\W*$")
_ALL = re.compile(r"^(alles|allemaal|alle(s)? (hierboven|van deze|drie)|overal( mee)?)\W*$")


@dataclass(frozen=True)
class HelpAnswer:
    areas: tuple[str, ...] = ()  # codes found in this answer
    done: bool = False  # she said 'klaar'
    unknown: bool = False  # 'weet ik nog niet'
    removed: tuple[str, ...] = ()  # 'haal instanties weg': codes to take off her list
    asked_about: tuple[str, ...] = ()  # 'wat betekent instanties?': explain, select nothing


def label(code: str) -> str:
    if code == UNKNOWN:
        return UNKNOWN_LABEL
    area = BY_CODE.get(code)
    return area.label if area else code


EXPLANATIONS = {
    "zwangerschap": "Zwangerschap en baby: vragen over je zwangerschap, de bevalling en spullen voor je baby.",
    "wonen": "Wonen: hulp bij een (veilige) plek om te wonen.",
    "ouderschap": "Ouderschap: hulp bij moeder worden, opvoeden en hoe je kind opgroeit.",
    "school_werk": "School en werk: hulp bij school, een opleiding of werk.",
    "netwerk": "Mensen om me heen: hulp als je weinig mensen hebt die je steunen.",
    "instanties": "Dit gaat over organisaties, zoals de gemeente, het UWV of de Belastingdienst. "
                  "Kies dit als je daar vastloopt.",
    "geld": "Geld en administratie: hulp bij geldzaken, rekeningen, brieven en schulden.",
    "gezondheid": "Gezondheid: hulp bij je gezondheid, ook als je je somber of gespannen voelt.",
}
_ALL_KEYWORDS = frozenset(k for a in HELP_AREAS for k in a.words if " " not in k)
_QUESTION = re.compile(r"\?\s*$|^(wat|wats|wat's|hoe|welke|waarom)\b|\b(betekent|betekend|bedoel je|wat is)\b")
_REMOVE = re.compile(r"\b(haal|weghalen|verwijder\w*|schrap\w*|toch niet|hoeft niet|eraf)\b")
# An answer to the reachability question typed too early ('liefst na 3 uur bellen'): not an area.
_REACHABILITY = re.compile(r"\b(bellen|bel|belt|gebeld|bereikbaar|uur|ochtend|middag|avond|maandag|dinsdag|woensdag"
                           r"|donderdag|vrijdag|zaterdag|zondag)\b")


def _keyword_hit(keyword: str, norm: str, words: list[str]) -> bool:
    if " " in keyword:
        return keyword in norm
    if keyword in words:
        return True
    # compounds: 'geldzorgen', 'woonhuis' -> the keyword at the start of a longer word that is no keyword itself
    if len(keyword) >= 4 and any(w.startswith(keyword) and len(w) > len(keyword) + 2 and w not in _ALL_KEYWORDS
                                 for w in words):
        return True
    return len(keyword) >= 6 and any(len(w) >= 5 and fuzz.ratio(w, keyword) >= 88 for w in words)


def _areas_in(norm: str) -> list[str]:
    words = re.findall(r"[a-z]+", norm)
    found: list[str] = []
    for area in HELP_AREAS:
        if normalise(area.label) in norm or area.code in words or any(_keyword_hit(k, norm, words) for k in area.words):
            found.append(area.code)
    return found


def parse_help(text: str | None) -> HelpAnswer | None:
    """Areas named in an answer (labels, codes or own words), 'klaar', or 'weet ik niet'.

    Every area named counts ('geldzorgen en huisvesting' = Geld and Wonen). A question
    about an area ('wat betekent instanties?') selects nothing (``asked_about``); 'haal
    instanties weg' removes it (``removed``). ``None`` when nothing could be understood,
    also for an answer to the reachability question ('liefst na 3 uur bellen').
    """
    norm = normalise(text)
    if not norm or norm.startswith("/"):
        return None
    if _DONE.match(norm):
        return HelpAnswer(done=True)
    if _ALL.match(norm):
        return HelpAnswer(areas=tuple(a.code for a in HELP_AREAS))
    if is_dont_know(norm) or normalise(UNKNOWN_LABEL) in norm:
        return HelpAnswer(unknown=True)
    done = bool(re.search(r"\b(klaar|dat was het|dat is alles)\b", norm))
    found = _areas_in(norm)
    if found and _QUESTION.search(norm):
        return HelpAnswer(asked_about=tuple(found))
    if found and _REMOVE.search(norm):
        return HelpAnswer(removed=tuple(found), done=done)
    if not found:
        return HelpAnswer(done=True) if done else None
    if _REACHABILITY.search(norm) and not any(normalise(BY_CODE[c].label) in norm or c in norm for c in found):
        return None
    return HelpAnswer(areas=tuple(found), done=done)


MAX_OWN_WORDS = 1000


def own_words(text: str | None) -> str | None:
    """Her help answer in her own words (the aanmeldpunt reads it as she wrote it), or None for a
    button choice, 'klaar' or a single keyword."""
    raw = re.sub(r"\s+", " ", text or "").strip()
    if not raw or raw.startswith("/"):
        return None
    norm = normalise(raw).strip(" .!")
    titles = {normalise(a.label) for a in HELP_AREAS} | {normalise(UNKNOWN_LABEL), normalise(DONE_LABEL)}
    if norm in titles or len(norm.split()) < 3 or _DONE.match(norm):
        return None
    return raw[:MAX_OWN_WORDS]


def add_own_words(earlier: str | None, text: str | None) -> str | None:
    """``earlier`` own words plus those in ``text`` (one per line, at most MAX_OWN_WORDS characters)."""
    words = own_words(text)
    if not words:
        return earlier
    joined = f"{earlier}\n{words}" if earlier else words
    return joined[:MAX_OWN_WORDS]


def buttons(picked: list[str] | tuple[str, ...] = ()) -> list[dict[str, str]]:
    """The choices still open, then 'Klaar' (once something is picked) or 'Weet ik nog niet'.

    At most 10 rows (a WhatsApp list). Payloads are the labels: the form reads them as text.
    """
    rows = [{"title": a.label, "payload": a.label} for a in HELP_AREAS if a.code not in picked]
    if picked:
        rows.append({"title": DONE_LABEL, "payload": DONE_LABEL})
    else:
        rows.append({"title": UNKNOWN_LABEL, "payload": UNKNOWN_LABEL})
    return rows[:10]
