"""The language she wants to be called in, and whether she needs an interpreter (issue 14 item 5).

Asked in the registration form after "bereikbaar"; stored with the registration and shown to the
aanmeldpunt (``language`` / ``interpreter`` in bot/store/registrations.py). Her answer is typed in
Dutch or English ("Turks, met tolk", "Arabic, I need an interpreter") or a button. A language
name is stored as its Dutch name (staff read Dutch); anything else she typed is kept as she typed
it (cut at 100 characters), so nothing she said is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsing.common import is_dont_know, normalise

MAX_LENGTH = 100  # the store's limit for ``language``
DUTCH = "Nederlands"
# Dutch name -> words that name it (Dutch and English, folded by normalise()).
LANGUAGES: dict[str, tuple[str, ...]] = {
    DUTCH: ("nederlands", "dutch", "nl"),
    "Engels": ("engels", "english"),
    "Turks": ("turks", "turkish", "turkce"),
    "Arabisch": ("arabisch", "arabic", "arabisch"),
    "Pools": ("pools", "polish", "polski"),
    "Spaans": ("spaans", "spanish", "espanol"),
    "Frans": ("frans", "french", "francais"),
    "Portugees": ("portugees", "portuguese", "portugues"),
    "Kaapverdisch Creools": ("kaapverdisch", "kaapverdiaans", "cape verdean", "kriolu", "creools", "creole"),
    "Papiaments": ("papiaments", "papiamento", "papiamentu"),
    "Berbers": ("berbers", "berber", "tamazight", "tarifit"),
    "Somalisch": ("somalisch", "somali"),
    "Tigrinya": ("tigrinya", "tigrinia"),
    "Bulgaars": ("bulgaars", "bulgarian"),
    "Roemeens": ("roemeens", "romanian"),
    "Oekraïens": ("oekraiens", "ukrainian"),
    "Russisch": ("russisch", "russian"),
    "Farsi": ("farsi", "perzisch", "persian", "dari"),
    "Koerdisch": ("koerdisch", "kurdish"),
    "Urdu": ("urdu",),
    "Chinees": ("chinees", "chinese", "mandarijn", "mandarin", "kantonees", "cantonese"),
    "Surinaams": ("surinaams", "sranan", "sranantongo"),
}
_NO_INTERPRETER = re.compile(r"\b(geen|zonder|niet nodig|no|without|don'?t need|do not need|not needed)\b.{0,25}"
                             r"\b(tolk|interpreter|vertaler|translator)|\b(tolk|interpreter)\b.{0,15}\b(niet nodig|not needed)")
_INTERPRETER = re.compile(r"\b(tolk|interpreter|vertaler|translator|vertaling|translation)\b")
_OTHER = re.compile(r"\b(andere taal|other language|another language)\b")


@dataclass(frozen=True)
class PreferredLanguage:
    language: str | None  # Dutch name, her own words, or None (not understood)
    interpreter: bool | None  # None: she did not say


def parse_preferred_language(text: str | None) -> PreferredLanguage:
    """Her answer to the language question; ``language`` None when there is nothing to keep."""
    raw = " ".join(str(text or "").split())
    norm = normalise(raw)
    if not norm or norm.startswith("/"):
        return PreferredLanguage(None, None)
    interpreter: bool | None = None
    if _NO_INTERPRETER.search(norm):
        interpreter = False
    elif _INTERPRETER.search(norm):
        interpreter = True
    words = set(re.findall(r"[a-z']+", norm))
    found = [name for name, keys in LANGUAGES.items()
             if any((k in words) if " " not in k else (k in norm) for k in keys)]
    if len(found) == 1:
        name = found[0]
        if name == DUTCH and interpreter is None:
            interpreter = False
        return PreferredLanguage(name, interpreter)
    if is_dont_know(norm) and interpreter is None:
        return PreferredLanguage(None, None)
    if found or _OTHER.search(norm) or interpreter is not None or len(norm) >= 3:
        # several languages, "another language", or a language we do not list: keep her words
        return PreferredLanguage(raw[:MAX_LENGTH], interpreter)
    return PreferredLanguage(None, None)
