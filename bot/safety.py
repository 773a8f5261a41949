"""Deterministic safety net: detect acute danger in a message, whatever the NLU says.

Categories: ``medical`` (acute danger in pregnancy), ``violence`` (violence at home),
``suicide`` (suicidal thoughts). Matching works on a normalised text (lower case, no
accents, repeated letters squeezed) with patterns that tolerate common spelling
variants, plus a fuzzy match on single key words for typos. Recall matters more than
precision here: a false alarm costs a parent one extra message, a miss can cost a life.
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

_PARTNER = r"(man|vriend|partner|ex|echtgenoot|vader|moeder|broer|schoonmoeder|schoonvader|familie|hij|zij|ze)"

_PATTERNS: dict[str, list[str]] = {
    # Order matters only for reporting: suicide and violence outrank medical.
    "suicide": [
        r"zelf ?moord", r"su[iy]c[iy]d", r"zelf ?doding", r"\b113\b",
        r"\bwil (gewoon )?(echt )?dood\b", r"dood (gaan|zijn) willen", r"\bwil(de)? .{0,20}dood (zijn|gaan)",
        r"niet meer (verder )?(leven|levn)", r"wil er niet meer zijn", r"wil (hier )?niet meer zijn",
        r"einde aan (mijn|m'n|me|het) leven", r"(er|het) een einde aan (maken|make)", r"mezelf .{0,15}(aan ?doen|van kant|ophangen|doden)",
        r"mijzelf .{0,15}(aan ?doen|van kant|doden)", r"van kant maken", r"leven (heeft|heb) geen zin",
        r"geen zin meer in (het|mijn) leven", r"het hoeft (allemaal )?niet meer", r"ik wil (er )?niet meer\b",
        r"ik kan niet meer\b.{0,30}\b(leven|dood)", r"liever dood", r"beter (af )?dood", r"kill myself", r"want to die",
        r"pillen .{0,20}(innemen|slikken) .{0,20}(dood|einde)", r"springen voor (de|een) (trein|metro)",
    ],
    "violence": [
        r"huiselijk geweld", r"\bgeweld\b", r"mishandel", r"\bslaat (mij|me|ons|mn|mijn)\b", r"\bsla(at|g|an)\b.{0,15}\b(mij|me)\b",
        r"(mij|me|ik word|ik ben|wordt|werd) .{0,20}geslagen", r"geslagen\b", r"\bschopt\b", r"geschopt", r"\bslaag\b",
        r"(wurgt|gewurgd|wurgen)", r"verkracht", r"bedreig", r"dreigt (mij|me|met)", r"\bmisbruik",
        r"bang voor (mijn|m'n|me|de|haar|hem) ?" + _PARTNER, r"bang (dat|als) " + _PARTNER + r" .{0,20}(slaat|komt|doet)",
        r"niet veilig (thuis|bij (hem|haar|mijn))", r"thuis (is het )?niet veilig", r"(duwt|duwde|slaan|sloeg|schopte) (mij|me)\b",
        r"veilig thuis", r"pijn (gedaan|doen) door (mijn|m'n) " + _PARTNER, r"hij heeft me (pijn|geslagen|geduwd)",
        r"durf niet (meer )?naar huis", r"opgesloten", r"\bhit me\b", r"beats me",
    ],
    "medical": [
        # bleeding (not blood tests / blood pressure / blood sugar)
        r"\bbloe+d(?!onderzoek|prik|groep|druk|suiker|waarde|test|bank|arm)\w*", r"\bbloe+(i|j)?t\b", r"\bbloeding",
        r"\bvloei(en|t)?\b", r"bloedverlies", r"\bbloedt?\b",
        # fetal movement
        r"(baby|kind|kindje|ukkie|hij|zij|ze)( in mijn buik)? (beweegt|schopt|trapt) (niet|minder|nauwelijks|amper|bijna niet)",
        r"(voel|merk) (de |mijn |het )?(baby|kind|kindje)? ?(niet|nauwelijks|amper|geen|minder) (meer )?(bewegen|beweging|schoppen|trappen|leven)",
        r"geen (leven|beweging|bewegingen|schopjes)( meer)? (voelen|gevoeld|gemerkt|voel)", r"minder (leven|beweging|bewegingen) (gevoeld|voel|voelen)",
        r"(baby|kind|kindje) .{0,20}(niet|geen) (meer )?(gevoeld|bewogen)", r"voel (geen|niks|niets) (meer )?(van )?(de |mijn )?(baby|kindje|leven|beweging)",
        # waters breaking
        r"vlie(z|s)en .{0,15}(gebroken|gesprongen|breken|kapot)", r"(gebroken|gesprongen) vliezen", r"vruchtwater",
        r"water(s)? (is |zijn )?(gebroken|gesprongen)", r"(lekt|verlies|verloor|loopt) .{0,15}(water|vocht)",
        # severe abdominal pain
        r"(veel|erge|ergeheel|heel erg|hele erge|enorme?|hevige?|ondraaglijke?|harde?|vreselijke?|verschrikkelijke?|zware?|extreme?|scherpe?|rare) ?(buik ?pijn|pijn in (mijn|m'n|me|de) buik|krampen)",
        r"(buik ?pijn|pijn in (mijn|m'n|me|de) buik|krampen).{0,25}(erg|heel|veel|ondraaglijk|niet (meer )?uit te houden|houdt niet op|gaat niet weg|hevig)",
        # severe headache with vision problems (pre-eclampsia signs)
        r"hoofd ?pijn.{0,60}(zie|zien|zicht|wazig|sterretjes|vlekken|flitsen|lichtflitsen|ogen|dubbel)",
        r"(wazig|sterretjes|vlekken|flitsen|lichtflitsen|dubbel) .{0,60}hoofd ?pijn", r"(erge|heel erge|hevige|barstende|vreselijke) hoofd ?pijn",
        # labour / collapse
        r"\bwe+e+(en|ën)\b", r"ik (ga|moet) (nu )?bevallen", r"ik denk dat ik (ga )?beval", r"flauw ?gevallen", r"bewusteloos",
        r"kan (bijna )?niet (meer )?ademen", r"\bstuipen\b", r"\baanval(len)?\b.{0,20}(zwanger|baby)",
    ],
}

# Single key words, matched fuzzily (one typo) when at least 6 letters long.
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "suicide": ("zelfmoord", "zelfdoding", "suicide"),
    "violence": ("mishandeld", "mishandeling", "geslagen", "verkracht", "bedreigd", "huiselijk"),
    "medical": ("bloedverlies", "bloeding", "vruchtwater", "vliezen", "buikpijn", "bloeden"),
}
_FUZZY_GUARDS = {"medical": ("buikpijn",)}  # fuzzy buikpijn alone is too weak: needs intensity


@dataclass(frozen=True)
class SafetyHit:
    category: str
    pattern: str


def normalise(text: str) -> str:
    """Lower case, strip accents and control characters, squeeze repeats, single spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    text = re.sub(r"(.)\1{2,}", r"\1\1", text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def _compiled() -> dict[str, list[re.Pattern[str]]]:
    return {cat: [re.compile(p) for p in pats] for cat, pats in _PATTERNS.items()}


def detect(text: str) -> SafetyHit | None:
    """Return the most urgent safety category found in ``text``, or ``None``."""
    norm = normalise(text)
    if not norm:
        return None
    for category in ("suicide", "violence", "medical"):
        for pattern in _compiled()[category]:
            if pattern.search(norm):
                return SafetyHit(category, pattern.pattern)
    tokens = [t for t in norm.split() if len(t) >= 6]
    for category in ("suicide", "violence", "medical"):
        for keyword in _KEYWORDS[category]:
            if keyword in _FUZZY_GUARDS.get(category, ()):
                continue
            for token in tokens:
                if abs(len(token) - len(keyword)) <= 2 and fuzz.ratio(token, keyword) >= 85:
                    return SafetyHit(category, f"~{keyword}")
    return None


@lru_cache(maxsize=1)
def safety_texts() -> dict:
    """The emergency texts from content/safety.yml."""
    return yaml.safe_load((CONTENT_DIR / "safety.yml").read_text(encoding="utf-8"))


def emergency_text(category: str) -> str:
    return str(safety_texts()[category]["text"]).strip()
