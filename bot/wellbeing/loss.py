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
# Three kinds of evidence:
#   1. a word or phrase that only means a loss ("miskraam", "stille geboorte", "lege vruchtzak");
#   2. the baby or the pregnancy, and near it a word for dying or losing ("onze baby is na de
#      geboorte op de nicu overleden", "we hebben afscheid moeten nemen van onze dochter");
#   3. told indirectly ("geboren met 23 weken en heeft het niet gehaald", "leefde maar 3 dagen").
# Not a loss: fear or a what-if ("ik ben bang dat mijn baby dood gaat": the safety net's), a wish
# to end a pregnancy ("ik wil de zwangerschap afbreken"), "verloren" about something else.
_BABY = (r"(baby|babi|babie|babytje|kindje|kindeke|kind|kleinkind|kleinkindje|zoontje|dochtertje|zoon|dochter|meisje|"
         r"jongetje|kleintje|zwangerschap|zwangerschappen|vrucht|vruchtje|foetus|tweeling|drieling|engeltje|mannetje|"
         r"meisje|prinsesje|wurm|wurmpje|hartje|hij|zij|ze)")
# "Verloren" / "kwijt" about something else: a card, keys, a game, a job, weight...
_OTHER_OBJECTS = (
    r"(pas|pasje|pinpas|betaalpas|bankpas|zorgpas|creditcard|ov ?chipkaart|oplader|bril|ring|horloge|hond|kat|poes|ov ?kaart|ov|kaart|kaartje|sleutel|sleutels|telefoon|mobiel|portemonnee|portemonee|"
    r"tas|paspoort|id ?kaart|rijbewijs|brief|brieven|formulier|papieren|papier|wedstrijd|spel|potje|game|match|"
    r"weddenschap|baan|werk|uitkering|huis|woning|kilo|kilos|gewicht|geld|tijd|hoop|vertrouwen|overzicht|code|"
    r"wachtwoord|inlog|digid|bon|bonnetje|speen|knuffel|schoen|schoentje|sok|sokje|muts|mutsje|fles|flesje|"
    r"aanvraag|afspraak|nummer|feyenoord|sparta|excelsior|ajax|psv|finale|ruzie)"
)
# A short span of life: "3 dagen", "een paar uurtjes", "een week".
_SPAN = r"(een |\d+ |enkele |een paar |paar |twee |drie |vier |vijf )?(uur|uurtje|uurtjes|uren|dag|dagje|dagen|week|weken|maand|maanden)"
_OWN = r"(mijn|ons|onze|m'n|mn|me|het|de|een|der|haar|zijn|jullie)"
# Dying or losing, said of the baby or the pregnancy (within a few words of it).
_DIED = (r"(verloren|verloor|verliezen|kwijtgeraakt|kwijt (\w+ )?geraakt|kwijt (is |was |zijn |waren )?(met|bij|na) \d+|overleden|overleed|overlijden|gestorven|stierf|sterven|"
         r"doodgegaan|dood gegaan|dood geboren|doodgeboren|stilgeboren|stil geboren|levenloos|"
         r"niet overleefd|niet gehaald|niet gered|niet kunnen redden|niet meer geleefd|leeft niet meer|leefde niet( meer)?|"
         r"niet meer leefde|niet meer leeft|niet (meer )?wakker geworden|niet blijven leven|(maar|nog maar) \w+ (\w+ )?volgehouden|"
         r"verlore|misgelopen|mis gelopen|misgegaan|mis gegaan|eindigde|groeide niet meer|leefde (maar|heel|te) kort|"
         r"is er niet meer|was er niet meer|niet meer bij ons|niet kon leven|niet kan leven|niet levensvatbaar|"
         r"laten gaan|afscheid (moeten |moest |gaan )?nemen|afscheid genomen|begraven|begrafenis|gecremeerd|crematie|"
         r"uitvaart|laten weghalen|weg laten halen|weggehaald|afgebroken|afbreken|beeindigd|beeindigen|"
         r"gestopt|(is|was|werd|lag|bleek) dood(?! (moe|op|ziek|nerveus|zenuwachtig|gelukkig|van het lachen))|dood in (mijn |de |haar )?buik|"
         r"(is|ging|was) (het )?(helemaal )?(mis ?gegaan|mis gegaan|fout gegaan|mis)\b)")
_LOSS_PATTERNS = [
    # 1. words that only mean a loss
    r"\bmis+ ?k+ra+m", r"\bmiskraam", r"\bstil kindje\b", r"\bzonder leven (geboren|ter wereld)\b",
    r"\bmedische (beeindiging|afbreking)\b", r"\b(abortus|afbreking|afgebroken)( \w+){0,3} (om|vanwege|wegens) medische\b", r"\b(verlies|verliezen|overlijden) van (mijn|ons|onze|een|je|jullie|haar) (baby|kindje|zoontje|dochtertje|zwangerschap)\b",
    r"\bgeen (baby|kindje|vruchtje)( \w+){0,2} (in|zat in) (het|de|mijn) (vruchtzak|vruchtzakje)\b", r"\bdood ?geboren\b", r"\bstil ?geboren\b", r"\bstil ?geboorte\b",
    r"\bstille (geboorte|bevalling)\b", r"\bdoodgeboorte\b", r"\blevenloos (geboren|ter wereld)\b",
    r"\bgeen hartje\b", r"\bhartje (klopt|klopte|klopten|sloeg)( \w+)? (niet|niet meer)\b",
    r"\b(klopt|klopte|sloeg) (het|t) hartje (niet|niet meer)\b", r"\bhartje (was |is )?(gestopt|stil)\b",
    r"\bgeen hartslag\b", r"\bsterren ?kind", r"\bzwangerschapsafbreking\b", r"\btfmr\b",
    r"\b(afgebroken|abortus|afbreken|beeindigd|beeindigen) (om|vanwege|wegens|door) (medische|een ernstige|ernstige|een afwijking|afwijking)",
    r"\bbuiten ?baarmoederlijke zwangerschap\b", r"\bbuitenbaarmoederlijk\b", r"\blege vruchtzak\b",
    r"\bmissed abortion\b", r"\bcur+et+age\b", r"\bcurretage\b", r"\bwiegen ?dood\b",
    r"\b(mama|mam|moeder|mams|papa|vader|ouders) van (een|ons|mijn|twee) (engeltje|engeltjes|sterretje)\b",
    r"\bengeltje (in de hemel|boven|daarboven)\b", r"\bin de hemel\b.{0,30}\b(baby|kindje|zoontje|dochtertje)\b",
    # English
    r"\bmiscarr(iage|ied|y)\b", r"\bstill ?(born|birth)\b", r"\b(lost|losing) (my|our|the|her) (baby|pregnancy|son|daughter|child)\b",
    r"\b(baby|son|daughter|child) (has |had )?(died|passed away|passed)\b", r"\bno heartbeat\b",
    r"\bheartbeat (stopped|was gone)\b",
    # 2. the baby or the pregnancy with dying or losing near it (not "ik ben bang dat ...": see _FEAR)
    rf"\b{_BABY}\b( \w+){{0,10}} {_DIED}",
    rf"\b{_DIED}( \w+){{0,3}} (van )?{_OWN} {_BABY}\b",
    # "was 14 weken en het is misgegaan", "bij 20 weken overleden"
    r"\b\d+ ?(weken|weke|wk|w)\b( \w+){0,6} (mis ?gegaan|mis gegaan|overleden|gestorven|gestopt|verloren|kwijtgeraakt|ging (het )?mis)\b",
    # "ik moest bevallen terwijl ik wist dat ze dood was"
    rf"\b{_BABY}\b( \w+){{0,3}} dood (is|was|bleek|lag|ging)\b",
    # "ik ben niet meer zwanger, het is fout gegaan" (not "ik wil niet meer zwanger worden")
    r"\bniet meer zwanger\b(?! (te )?(worden|raken|word|raak|wil|willen)\b)",
    # a termination for medical reasons told as a choice: "hij zou niet overleven, we hebben gekozen om te stoppen"
    r"\bniet (zou|zal|kon|kan|zouden) (overleven|blijven leven|leven)\b.{0,80}\b(gekozen|besloten|keuze|laten halen)\b",
    # 3. told indirectly: "geboren met 23 weken en heeft het niet gehaald", "leefde maar 3 dagen"
    r"\b(geboren|bevallen|bevalling|te vroeg|couveuse|nicu|neonatologie)\b.{0,60}\b(heeft|hebben|had|hadden) (het|t) (helaas |toen |uiteindelijk )?"
    r"niet (gehaald|gered|overleefd|volgehouden)\b",
    rf"\b(leefde|leefden) (maar|slechts|nog maar|pas|net) {_SPAN}\b",
    rf"\b(maar|slechts) {_SPAN} (geleefd|mogen leven|bij ons geweest)\b",
    rf"\b(is|werd) (maar|slechts|nog maar|pas|net )?{_SPAN} oud geworden\b",
    rf"\b(geboren|bevallen)\b.{{0,60}}\b(en|maar) (is )?(na|binnen) {_SPAN} (overleden|gestorven)\b",
]
_LOSS_RE = re.compile("|".join(_LOSS_PATTERNS))
_OTHER_RE = re.compile(
    rf"\b(verloren|verloor|kwijt|kwijtgeraakt)\b( \w+){{0,3}} {_OTHER_OBJECTS}\b|\b{_OTHER_OBJECTS}\b( \w+){{0,4}} (verloren|verloor|kwijt|kwijtgeraakt)\b"
    r"|\b(voel|voelde|voelt|ben|was) (me |mij |mezelf )?(zo |heel |erg |echt |helemaal |soms |vaak |zo ontzettend )?(verloren|lost)\b"
    r"|\bverloren gevoel\b|\b(feel|feeling|felt) (so |very )?lost\b")
# Fear, a what-if or a wish: not a loss that happened ("bang dat mijn baby dood gaat", "wat als ik
# mijn kindje verlies", "ik wil de zwangerschap afbreken"). The safety net reads fear for itself.
_FEAR_RE = re.compile(
    r"\b(bang|angst|angstig|bezorgd|ongerust|vrees|schrik|denk|denken|dacht|misschien|mogelijk|als|stel dat|wat als|"
    r"kans|risico|hoe groot|voorkomen|kan ik|kun je|wil|willen|overweeg|overwegen|twijfel|mag ik|worried|afraid|scared|"
    r"what if|bijna)\b")
_PLAIN_RE = re.compile("|".join(_LOSS_PATTERNS[:_LOSS_PATTERNS.index(rf"\b{_BABY}\b( \w+){{0,10}} {_DIED}")]))
# Pregnant again after a loss ("sinds mijn miskraam ben ik zo angstig in deze zwangerschap"): the
# loss is part of her story, but this conversation is about the pregnancy she has now.
_PREGNANT_AGAIN_RE = re.compile(
    r"(?<!als ik )(?<!wil )\b(weer|opnieuw|nu|alweer) (?!niet\b)(\w+ )?zwanger\b(?! (word|worden|te worden|raak|raken|wil|kan|mag))|\bdeze zwangerschap\b|\bzwanger (na|sinds)\b|\bnieuwe zwangerschap\b"
    r"|\b(ben|is) (nu )?\d+ weken( zwanger)?\b.{0,60}\b(vorige|vorig|eerdere|eerste)\b|\bpregnant again\b")
# The baby pronouns (hij, zij, ze) and "hartje" count only in a message that is about a baby or pregnancy.
_PRONOUN_ONLY_RE = re.compile(r"^(hij|zij|ze|hartje)$")
_ABOUT_BABY_RE = re.compile(r"\b(baby|kindje|zwanger|zwangerschap|weken|echo|bevalling|bevallen|geboren|geboorte|buik|"
                            r"zoontje|dochtertje|tweeling|verloskundige|nicu|couveuse)\b")


def loss_signal(text: str) -> bool | None:
    """True: the text says a baby or pregnancy was lost. False: 'verloren'/'kwijt' about
    something else (a card, a game, feeling lost). None: no signal either way (leave it to the NLU)."""
    norm = normalise(text)
    if not norm:
        return None
    if _PREGNANT_AGAIN_RE.search(norm):
        return False  # she is pregnant now: no condolence, no silence about the pregnancy
    if _PLAIN_RE.search(norm):
        return True  # a word that only means a loss: fear or a question does not undo it
    for match in _LOSS_RE.finditer(norm):
        if _said_as_loss(norm, match):
            return True
    if _OTHER_RE.search(norm):
        return False
    return None


def _said_as_loss(norm: str, match: re.Match[str]) -> bool:
    """A baby word with a word for dying near it: a loss that happened, not a fear, a wish or a
    loss of something the baby had ("mijn zoontje heeft zijn knuffel verloren")."""
    span = match.group(0)
    start = max(0, match.start() - 40)
    if _FEAR_RE.search(norm[start:match.start()]) or _FEAR_RE.search(span):
        return False
    if _OTHER_RE.search(norm[start:match.end()]) or re.search(rf"\b{_OTHER_OBJECTS}\b", span):
        return False
    first = span.split()[0]
    return not (_PRONOUN_ONLY_RE.match(first) and not _ABOUT_BABY_RE.search(norm))


_SOMEONE_ELSE_RE = re.compile(
    r"\b(mijn|mn|m n|onze) (vrouw|vriendin|partner|dochter|zus|zusje|schoonzus|nicht|collega|buurvrouw|moeder|"
    r"schoondochter|vriend)\b( \w+){0,3} (heeft|had|is|was|kreeg|verloor|moest)\b|\b(kleinkind|kleinkindje|kleinzoon|"
    r"kleindochter|neefje|nichtje)\b|\b(my|our) (wife|girlfriend|partner|daughter|sister|friend) (has|had|lost)\b")


def told_about_someone_else(text: str) -> bool:
    """The loss is of a partner, daughter or friend who is not writing ("mijn vriendin heeft een
    miskraam gehad"): the acknowledgement then speaks of 'jullie', not of 'je kindje'."""
    return bool(_SOMEONE_ELSE_RE.search(normalise(text)))


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
