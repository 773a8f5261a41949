"""Baby loss: recognising it, and what stays silent for the rest of the conversation.

Once a parent tells us she lost her baby (miscarriage, stillbirth, a baby who died after
birth, termination for medical reasons), the slot ``baby_loss`` is set. From then on, in
that conversation, the assistant shows no pregnancy or newborn cards (``suppressed_cards``
in content/wellbeing/baby_loss.yml), the kraamzorg check does not ask how far along she is,
and the registration form (which asks about the pregnancy) is not started.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.terms import normalise
from bot.wellbeing.texts import text_set

LOSS_SLOT = "baby_loss"

# A loss of a baby or pregnancy, said plainly. Matched on normalised text (lower case,
# no accents or punctuation). Typos of the key words are listed where they are common.
_BABY = r"(baby|babi|babie|kindje|kindeke|kind|zoontje|dochtertje|zoon|dochter|meisje|jongetje|kleintje|zwangerschap|vrucht|tweeling)"
# "Verloren" / "kwijt" about something else: a card, keys, a game, a job, weight...
_OTHER_OBJECTS = (
    r"(pas|pasje|bankpas|zorgpas|ov ?kaart|kaart|sleutel|sleutels|telefoon|mobiel|portemonnee|portemonee|tas|paspoort|"
    r"id ?kaart|rijbewijs|brief|formulier|wedstrijd|spel|potje|game|match|weddenschap|baan|werk|uitkering|huis|woning|"
    r"kilo|kilos|gewicht|geld|tijd|hoop|vertrouwen|overzicht|code|wachtwoord|inlog|digid|bon|bonnetje|speen|knuffel)"
)
# A short span of life: "3 dagen", "een paar uurtjes", "een week".
_SPAN = r"(een |\d+ |enkele |een paar |paar |twee |drie |vier |vijf )?(uur|uurtje|uurtjes|uren|dag|dagje|dagen|week|weken|maand|maanden)"
_OWN = r"(mijn|ons|onze|m'n|mn|me|het|de|een|der|haar|zijn|jullie)"
_LOSS_PATTERNS = [
    r"\bmiskra+m", r"\bmis kraam\b", r"\bdood ?geboren\b", r"\bstil ?geboren\b", r"\bstilgeboorte\b",
    r"\bdoodgeboorte\b", r"\bgeen hartje\b", r"\bhartje (klopt|klopte) niet", r"\bgeen hartslag\b",
    r"\bsterrenkind", r"\bzwangerschapsafbreking\b", r"\bafgebroken (om|vanwege|wegens) medische",
    r"\babortus (om|vanwege|wegens) medische", r"\btfmr\b",
    r"\bzwangerschap (is |werd |moest |moesten )?(worden )?(afgebroken|beeindigd|afbreken)",
    # "mijn baby ... verloren", but not "mijn zoontje heeft zijn knuffel verloren"
    rf"\b{_OWN} {_BABY}( (?!{_OTHER_OBJECTS}\b)\w+){{0,5}} (verloren|kwijtgeraakt|overleden|gestorven|is dood|was dood|niet overleefd|niet meer geleefd)\b",
    rf"\b{_BABY} (is|was) (overleden|gestorven|dood|doodgeboren|stilgeboren)\b",
    rf"\b(verloor|verloren|verliezen) {_OWN} {_BABY}\b",
    rf"\b(overlijden|dood|verlies|sterven) van {_OWN} {_BABY}\b",
    # Told indirectly: "geboren met 23 weken en heeft het niet gehaald", "leefde maar 3 dagen".
    r"\b(geboren|bevallen|te vroeg|couveuse|nicu|neonatologie)\b.{0,60}\b(heeft|hebben|had|hadden) (het|t) (helaas |toen |uiteindelijk )?"
    r"niet (gehaald|gered|overleefd|volgehouden)\b",
    rf"\b(leefde|leefden) (maar|slechts|nog maar|pas|net) {_SPAN}\b",
    rf"\b(maar|slechts) {_SPAN} (geleefd|mogen leven|bij ons geweest)\b",
    rf"\b(geboren|bevallen)\b.{{0,60}}\b(en|maar) (is )?(na|binnen) {_SPAN} (overleden|gestorven)\b",
]
_LOSS_RE = re.compile("|".join(_LOSS_PATTERNS))
_OTHER_RE = re.compile(rf"\b(verloren|verloor|kwijt|kwijtgeraakt)\b.{{0,25}}\b{_OTHER_OBJECTS}\b|\b{_OTHER_OBJECTS}\b.{{0,25}}\b(verloren|verloor|kwijt|kwijtgeraakt)\b")


def loss_signal(text: str) -> bool | None:
    """True: the text says a baby or pregnancy was lost. False: 'verloren'/'kwijt' about
    something else (a card, a game). None: no signal either way (leave it to the NLU)."""
    norm = normalise(text)
    if _LOSS_RE.search(norm):
        return True
    if _OTHER_RE.search(norm):
        return False
    return None


def loss_is_certain(text: str, slots: Mapping[str, Any]) -> bool:
    """Whether to answer as a loss without asking: she said it plainly, pressed the button that
    says so (a ``/`` payload), or said it earlier in this conversation. The classifier alone is
    not enough: crying, sadness and "hij huilt de hele dag" resemble a loss to it."""
    return text.startswith("/") or loss_signal(text) is True or in_loss_conversation(slots)


def in_loss_conversation(slots: Mapping[str, Any]) -> bool:
    return bool(slots.get(LOSS_SLOT))


def suppressed_cards() -> frozenset[str]:
    return frozenset(text_set("wellbeing/baby_loss").extra.get("suppressed_cards") or ())


def card_suppressed(card_id: str | None, slots: Mapping[str, Any]) -> bool:
    """A pregnancy or newborn card asked for after a loss: show a gentle note instead."""
    return in_loss_conversation(slots) and card_id in suppressed_cards()
