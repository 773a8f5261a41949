"""Deterministic safety net: detect acute danger in a message, whatever the NLU says.

Categories: ``medical`` (acute danger in pregnancy or for the baby), ``violence``
(violence at home), ``suicide`` (suicidal thoughts). Matching works on a normalised text
(lower case, no accents, repeated letters squeezed) with patterns that tolerate common
spelling variants, plus a fuzzy match on single key words for typos. Recall matters more
than precision here: a false alarm costs a parent one extra message, a miss can cost a
life. The decisions on borderline messages (blood tests, a mild headache, "ik wil niet
meer verder met de vragen", ...) are documented and tested in tests/safety/safety_messages.yml.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import yaml
from rapidfuzz import fuzz

from bot.content import CONTENT_DIR

CATEGORIES = ("medical", "violence", "suicide")
INTENT_FOR_CATEGORY = {c: f"safety_{c}" for c in CATEGORIES}
# Most urgent first: when a message matches several categories, the first one wins.
PRIORITY = ("suicide", "violence", "medical")

# Building blocks (applied to normalised text: lower case, no accents, "ee" for "eee").
_ME = r"(mij|me|mijzelf|mezelf)"
_MY = r"(mijn|m'n|mn|me|de|het|ons)"
_PERSON = (
    r"(man|vriend|vriendje|partner|ex|echtgenoot|vader|moeder|broer|zus|schoonmoeder|schoonvader|"
    r"schoonfamilie|familie|oom|hij|zij|ze)"
)
_BABY = r"(baby|kind|kindje|kleintje|ukkie|hij|zij|ze)"
_NOT = r"(niet|nauwelijks|amper|minder|geen|bijna niet|haast niet)"
_MOVE = r"(bewegen|beweegt|beweging|bewegingen|bewogen|schoppen|schopt|schopjes|trappen|trapt|gevoeld)"
_SEVERE = (
    r"(veel|erg|erge|heel erge|hele erge|enorm|enorme|hevig|hevige|heftig|heftige|ondraaglijk|ondraaglijke|"
    r"hard|harde|vreselijk|vreselijke|verschrikkelijk|verschrikkelijke|zwaar|zware|extreem|extreme|"
    r"scherp|scherpe|ontzettend|ontzettende|mega|super erge|barstend|barstende|bizarre|intense)"
)
_BELLY_PAIN = r"(buik ?pijn|buikkrampen|krampen|pijn (in|aan) " + _MY + r" ?(buik|onderbuik)|pijn in buik)"
# Words allowed between "beweegt" and "niet": "de baby beweegt al de hele dag niet".
_FILLER = r"(al |nog |sinds \w+ |vandaag |de hele dag |vanochtend |vannacht |uren |opeens |ineens |echt |veel )"
_VISION = r"(zie|zien|zicht|wazig|sterretjes|vlekken|flitsen|lichtflitsen|dubbel|blurry|vision)"
_HEADACHE = r"(hoofd ?pijn|koppijn|headache)"
# Bleeding from nipples, nose or gums is not an obstetric emergency ("vlees en bloed": an idiom).
_NOT_OBSTETRIC = r"(tepel|neus|tandvlees|tanden|vlees en bloed)"
# "bloed..." words that are not bleeding: tests, pressure, sugar, group, anaemia, donors.
_BLOOD_NOT = r"(onderzoek|prik|groep|druk|suiker|waarde|test|bank|armoede|arm|donor|vat|vaten|plaatjes|uitslag|afname)"

Rule = tuple[str, "str | None"]  # (pattern, unless): the rule fires when pattern matches and unless does not

_RULES: dict[str, list[Rule]] = {
    "suicide": [
        (r"zelf ?moord", None),
        (r"su[iy]c[iy]d", None),
        (r"zelf ?doding", None),
        (r"\b113\b", None),
        (r"\bwil(de)? (gewoon |echt |liever |het liefst )*dood\b", None),
        (r"dood (gaan|zijn) willen", None),
        (r"\bwil(de)? .{0,20}dood (zijn|gaan)", None),
        (r"niet meer (verder )?(leven|levn|bestaan|wakker worden)", None),
        (r"\bwil (ik )?(er |hier )?(gewoon |echt |soms |liever )*niet meer zijn", None),
        (r"wou dat ik (er )?niet (meer )?(was|besta|bestond|geboren)", None),
        (r"weg (uit|van) (dit|het|mijn|deze) (leven|wereld)", None),
        (r"(alles|het allemaal|het leven) heeft geen zin meer|het heeft allemaal geen zin meer", None),
        (r"ik wil (er )?niet meer$", None),
        (r"ik (kan|wil) (het |dit )?niet meer\b.{0,30}\b(leven|dood)", None),
        (r"einde aan (mijn|m'n|mn|me|het) leven", None),
        (r"(er|het) een einde aan (maken|make)", None),
        (r"(mezelf|mijzelf|mij zelf|me zelf) .{0,20}(aan ?doen|van kant|ophangen|doden|pijn doen|snijden)", None),
        (r"van kant maken", None),
        (r"mijn leven (beeindigen|stoppen)", None),
        (r"leven (heeft|heb) (geen|weinig) zin", None),
        (r"geen zin meer in (het|mijn|dit) leven", None),
        (r"het hoeft (allemaal |voor mij )?niet meer", None),
        (r"zie het (allemaal )?niet meer zitten", None),
        (r"liever dood", None),
        (r"beter (af )?dood", None),
        (r"beter af zonder (mij|me)\b", None),
        (r"(springen|spring) (van|voor|uit|onder) (de|een|het) (brug|trein|metro|flat|raam|balkon)", None),
        (r"(van|voor|uit|onder) (de|een|het) (brug|trein|metro|flat|raam|balkon) (af )?(springen|spring)", None),
        (r"(pillen|medicijnen|tabletten) .{0,25}(innemen|slikken|nemen) .{0,25}(dood|einde|over is|wakker)", None),
        (r"kill myself|want to die|end my life|suicidal", None),
    ],
    "violence": [
        (r"huis(e)?l(i)?jk geweld", None),
        (r"\bgeweld", None),
        (r"mishandel", None),
        (r"\bslaat " + _ME + r"\b", None),
        (r"\b(sla(at|g|an)|sloeg|slaan|schopt|schopte|schoppen|duwt|duwde|wurgt|wurgde|stompt|stompte)\b.{0,25}\b" + _ME + r"\b",
         None),
        (r"(ik word|ik ben|ik werd|wordt|werd|heeft) .{0,25}(geslagen|geschopt|geduwd|gewurgd|gestompt)", None),
        (r"\b(geslagen|geschopt|gewurgd)\b", None),
        (r"\bslaag\b", None),
        (r"(wurgt|gewurgd|wurgen)", None),
        (r"verkracht", None),
        (r"bedreig", None),
        (r"dreigt .{0,20}(mij|me|met|te vermoorden|aan te doen|dood)", None),
        (r"\bmisbruik", None),
        (r"bang (voor|van) (mijn|m'n|mn|me|de|haar|hem|die) ?" + _PERSON, None),
        (r"bang (dat|als) " + _PERSON + r" .{0,20}(slaat|komt|doet|thuiskomt)", None),
        (r"niet veilig (bij (mij|ons) )?(thuis|bij (hem|haar|mijn|m'n|mn))", None),
        (r"thuis (is het |ben ik |voel ik me )?niet veilig", None),
        (r"veilig thuis", None),
        (r"pijn (gedaan|doen|gedaan door) .{0,10}(mijn|m'n|mn) " + _PERSON, None),
        (r"heeft " + _ME + r" (pijn gedaan|geslagen|geduwd|geschopt|gestompt)", None),
        (r"durf niet (meer )?(naar )?huis", None),
        (r"(sluit|sloot|houdt|hield) " + _ME + r" .{0,20}(op|binnen)\b", None),
        (r"(word|werd) .{0,15}opgesloten", None),
        (r"\b(hits|hit|beats|beat) me\b|domestic violence|abuses me", None),
    ],
    "medical": [
        # bleeding (not blood tests, pressure, sugar, anaemia; not nipples or a nosebleed)
        (r"\bbloe+d(?!" + _BLOOD_NOT + r")\w*", _NOT_OBSTETRIC),
        (r"\bbloe+(i|j)?t?\b", _NOT_OBSTETRIC),
        (r"\bbloeding", None),
        (r"\bvloei(en|t)?\b", None),
        (r"bloedverl", None),
        (r"\bbleed", None),
        # fetal movement
        (r"\b" + _BABY + r"\b.{0,40}\b" + _NOT + r"\b.{0,20}\b" + _MOVE + r"\b", None),
        (r"\b" + _BABY + r"\b.{0,25}\b" + _MOVE + r" " + _FILLER + r"*" + _NOT + r"\b", None),
        (r"\b(voel|merk|voelde|merkte)\b.{0,30}\b" + _NOT + r"\b.{0,20}\b(" + _MOVE[1:-1] + r"|leven)\b", None),
        (r"\b(voel|merk|voelde|merkte)\b.{0,20}\b(baby|kindje|kind)\b.{0,30}\bniet( meer)?$", None),
        (r"(baby|kind|kindje) .{0,30}(niet|nog niet|geen) (meer )?(gevoeld|bewogen)", None),
        (r"geen (leven|beweging|bewegingen|schopjes)( meer)?\b", None),
        (r"not moving", None),
        # waters breaking
        (r"vli?e?(z|s)en .{0,15}(gebroken|gesprongen|breken|kapot|gescheurd)", None),
        (r"(gebroken|gesprongen) vliezen", None),
        (r"vruchtwater", None),
        (r"water(s)? (is |zijn |are )?(gebroken|gesprongen|broke|broken)", None),
        (r"\b(lek|lekt|lekken|verlies|verliest|verloor) .{0,15}(water|vocht)\b", None),
        (r"(water|vocht) .{0,15}(uit (mij|me|mijn)\b|langs (mijn|m'n|mn) (benen|been))", None),
        # severe abdominal pain
        (_SEVERE + r" (veel )?" + _BELLY_PAIN, None),
        (_BELLY_PAIN + r".{0,30}(erg|erger|heel|veel|ondraaglijk|niet (meer )?uit te houden|houdt niet op|"
         r"gaat niet weg|hevig|steeds)", None),
        (r"buik doet (zo |heel |echt |super |erg |zon |zo n |zoveel |vreselijk |verschrikkelijk |ontzettend )+(erg )?pijn",
         None),
        (r"(severe|bad|strong) (stomach|belly|abdominal) (pain|ache)", None),
        # severe headache, or headache with vision problems (pre-eclampsia signs)
        (_HEADACHE + r".{0,60}" + _VISION, None),
        (_VISION + r".{0,60}" + _HEADACHE, None),
        (_SEVERE + r" " + _HEADACHE, None),
        # labour
        (r"\bwe{2,}n\b", None),
        (r"(bevalling|weeen|ween) (is|zijn) (begonnen|gestart|bezig)", None),
        (r"ik (ga|moet) (nu|zo|nu al) bevallen", None),
        (r"ik (ga|moet) bevallen( help)?$", None),
        (r"ik denk dat ik (ga |aan het )?beval", None),
        (r"(ben|zijn) (aan het|nu aan het) bevallen", None),
        (r"(moet|wil) persen|persdrang", None),
        (r"baby komt (nu|er nu aan|nu al)\b|baby komt eraan$", None),
        (r"\bin labou?r\b", None),
        # collapse, breathing, seizures, other emergencies
        (r"flauw ?gevallen", None),
        (r"bewusteloos", None),
        (r"(kan|kon) (bijna )?niet (meer )?ademen", None),
        (r"(ademt|adem) (niet|nauwelijks|bijna niet|slecht)", None),
        (r"blauw (aan)?(gelopen|aanlopen|kleurt)", None),
        (r"\bstuipen\b", None),
        (r"spoedgeval|noodgeval|spoedeisend", None),
        (r"\baanval(len)?\b.{0,20}(zwanger|baby)", None),
    ],
}

# Single key words, matched fuzzily (one typo: similar length, ratio >= 85) in words of 6+ letters.
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "suicide": ("zelfmoord", "zelfdoding", "suicide", "suicidaal"),
    "violence": ("mishandeld", "mishandeling", "mishandelt", "geslagen", "verkracht", "bedreigd", "huiselijk"),
    "medical": ("bloedverlies", "bloeding", "vruchtwater", "vliezen", "bloeden"),
}
# Real Dutch words one typo away from a key word: never a fuzzy match.
_REAL_WORDS = frozenset({
    "bloemen", "bloesem", "vriezen", "kiezen", "vlieger", "geslaagd", "verkocht", "verracht",
    "bedreven", "huiselijke", "misbruikt", "bloeien",
})


@dataclass(frozen=True)
class SafetyHit:
    category: str
    pattern: str


def normalise(text: str) -> str:
    """Lower case, strip accents and control characters, squeeze repeats, single spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("’", "'").replace("`", "'")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    text = re.sub(r"(.)\1{2,}", r"\1\1", text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def _compiled() -> dict[str, list[tuple[re.Pattern[str], re.Pattern[str] | None]]]:
    return {
        cat: [(re.compile(p), re.compile(u) if u else None) for p, u in rules]
        for cat, rules in _RULES.items()
    }


def _fuzzy_hit(tokens: list[str], category: str) -> str | None:
    for keyword in _KEYWORDS[category]:
        for token in tokens:
            if token in _REAL_WORDS or abs(len(token) - len(keyword)) > 1:
                continue
            if fuzz.ratio(token, keyword) >= 85:
                return keyword
    return None


def detect(text: str) -> SafetyHit | None:
    """Return the most urgent safety category found in ``text``, or ``None``."""
    norm = normalise(text if isinstance(text, str) else str(text or ""))
    if not norm:
        return None
    for category in PRIORITY:
        for pattern, unless in _compiled()[category]:
            if pattern.search(norm) and not (unless and unless.search(norm)):
                return SafetyHit(category, pattern.pattern)
    tokens = [t for t in norm.split() if len(t) >= 6]
    for category in PRIORITY:
        if category == "medical" and re.search(_NOT_OBSTETRIC, norm):
            continue
        keyword = _fuzzy_hit(tokens, category)
        if keyword:
            return SafetyHit(category, f"~{keyword}")
    return None


@lru_cache(maxsize=1)
def safety_texts() -> dict:
    """The emergency texts from content/safety.yml."""
    return yaml.safe_load((CONTENT_DIR / "safety.yml").read_text(encoding="utf-8"))


def emergency_text(category: str) -> str:
    """The emergency answer for ``category`` (medical, violence or suicide)."""
    return str(safety_texts()[category]["text"]).strip()
