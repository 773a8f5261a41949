"""Kinds of messages an independent evaluation found missed or falsely alarmed (issue 15, second
round), each with several phrasings of our own (never the evaluator's messages): the detector must
generalise over the kind, not memorise a sentence."""

from __future__ import annotations

import pytest

from bot.safety import assess
from bot.safety.rules import SignError, _rule
from bot.safety.text import read_numbers, tokenise

MUST_FIRE: dict[str, tuple[str, list[str]]] = {
    "ongoing fluid loss asked as a question": ("pregnancy_urgent", [
        "ik ben 34 weken en er blijft steeds een beetje water uit me lopen, is dat normaal?",
        "sinds vanmiddag druppelt er steeds water uit, hoort dat?",
        "er sijpelt al een paar uur helder vocht weg, is dat normaal in de zwangerschap",
        "er komt de hele tijd een beetje water uit, is dat normaal? ik ben 31 weken",
        "mijn inlegkruisje is steeds nat van helder vocht, normaal?",
        "het loopt steeds een beetje langs mijn benen, 35 weken, is dit normaal",
    ]),
    "kicks in informal words with a time": ("pregnancy_urgent", [
        "ik heb sinds gisteravond geen trappen meer gevoeld",
        "sinds vannacht geen trappels meer van de kleine",
        "geen trapjes sinds gisteren, is dat erg?",
        "ik heb haar sinds het ontbijt niet meer voelen bewegen",
        "ze schopt sinds vanochtend helemaal niet meer",
        "minder trapjes dan normaal sinds gisteren",
    ]),
    "goodbye-like statements in a practical message": ("suicide", [
        "hoi, ik heb een vraag over de kinderbijslag want ik wil dat alles geregeld is. binnenkort ben ik er "
        "niet meer, dus dan moet mijn moeder het weten. waar moet ze zijn?",
        "kun je me vertellen hoe ik de voogdij regel, ik heb alles al geregeld voor als ik er straks niet meer ben",
        "de verzekering is geregeld en mijn vriendin neemt de baby, ik ben er over een paar dagen niet meer",
        "dit is mijn laatste bericht, zorg goed voor mijn dochter",
        "ik neem vast afscheid van jullie allemaal",
        "heb mijn spullen weggegeven en de baby gaat naar mijn zus, straks ben ik er niet meer",
    ]),
    "shaking a baby hard": ("violence", [
        "mijn vriend schudt de baby heel hard door elkaar als hij huilt",
        "ik heb de baby geschud, heel hard, ik weet niet wat ik moet doen",
        "hij rammelt het kindje heen en weer als hij boos is",
        "de vader van mijn kind schudt haar heen en weer als ze huilt",
    ]),
    "sexual coercion by a partner": ("violence", [
        "mijn man dwingt me tot seks ook al wil ik niet",
        "ik word door mijn vriend gedwongen om seks te hebben",
        "mijn partner forceert seks terwijl ik nee zeg",
        "hij dwingt me elke avond, ook nu ik net bevallen ben",
    ]),
    "violence against someone else at home": ("violence", [
        "mijn vader slaat mijn moeder en ik ben zwanger en woon nog thuis",
        "mijn stiefvader schopt mijn moeder als hij dronken is",
        "mijn man slaat onze oudste zoon met een riem",
        "mijn partner schopt mijn zoontje",
    ]),
    "losing control and shouting at the baby": ("mental_crisis", [
        "ik kan mezelf niet stoppen met schreeuwen tegen mijn kindje, ik ben bang van mezelf",
        "ik word helemaal gek van het huilen, ik weet niet wat ik ga doen",
        "ik kan me niet inhouden en schreeuw tegen mijn baby, ik weet niet wat ik ga doen",
        "ik verlies mijn zelfbeheersing, ik krijs tegen mijn zoontje, ik vertrouw mezelf niet meer",
    ]),
    "fear of hurting the baby in weak words": ("mental_crisis", [
        "ik ben bang dat ik mijn baby pijn ga doen",
        "soms denk ik dat ik de baby iets ga doen",
        "ik heb het gevoel dat ik mijn kind iets ga doen",
        "soms wil ik mijn baby pijn doen",
    ]),
    "no sleep counted in hours": ("mental_crisis", [
        "ik heb al 70 uur niet geslapen en alles voelt niet echt",
        "al 72 uur geen slaap gehad, ik voel me alsof ik naast mezelf sta",
        "ik ben al 56 uur wakker en alles voelt onwerkelijk",
        "36 uur niet geslapen en het is alsof ik droom",
    ]),
    "someone collapsed in a long message": ("life", [
        "ik wilde even vragen hoe het zit met de kraamzorg want ik ben 38 weken, en nu ligt mijn man op de grond "
        "en hij reageert niet meer, wat moet ik doen, ook nog een vraag over de kinderbijslag",
        "we waren aan het eten en toen viel mijn oma om, ze ligt nu op de grond en doet niks meer",
        "mijn vriendin ligt op de grond en ze geeft geen antwoord meer",
        "hij ligt in de keuken op de vloer en beweegt niet meer",
    ]),
}

NO_TAKEOVER: dict[str, list[str]] = {
    "idioms of joy or exaggeration": [
        "ik ontplof van trots op mijn dochter",
        "ik lag dubbel, ik huilde bloed van het lachen",
        "ik ga dood van verveling in het kraambed haha",
        "ik ontplof bijna van geluk",
    ],
    "minutes and money that are no emergency": [
        "ik heb 5 minuten, kun je snel uitleggen hoe de kraamzorg werkt",
        "om de 10 minuten vraagt mijn peuter om koekjes",
        "ik ben broke lol, wat kost kraamzorg",
    ],
    "past events": [
        "vorig jaar had ik veel bloedverlies na de bevalling, kan dat nu weer?",
        "bij mijn vorige bevalling braken mijn vliezen bij 35 weken, hoe groot is de kans dat het weer gebeurt",
        "3 jaar geleden had mijn zoontje een koortsstuip, ik wil weten wat ik moet doen",
        "3 jaar geleden ben ik bij mijn ex weggegaan omdat hij me sloeg, nu ben ik zwanger van mijn nieuwe vriend",
        "vorig jaar dacht ik aan zelfmoord maar nu gaat het goed, ik wil hulp bij de aanmelding",
        "3 jaar geleden werd mijn dochter blauw toen ze zich verslikte",
    ],
    "money, baby loss, bonding and low mood": [
        "ik heb geen geld voor luiers en kleertjes voor de baby",
        "ik kan geen flesvoeding betalen",
        "ons kindje leefde maar twee dagen",
        "ons dochtertje is stil geboren met 31 weken, hoe doe ik de aangifte",
        "bij de echo bleek dat het kindje niet meer leefde",
        "ik voel niks voor mijn kindje, ik ben een slechte moeder",
        "mijn vrouw is somber en lusteloos sinds de bevalling",
    ],
    "ordinary look-alikes of the new signs": [
        "hoe lang moet ik het flesje schudden",
        "straks ben ik er niet meer want ik ga op vakantie, wie regelt de kraamzorg",
        "ik ben bang dat ik de baby pijn doe als ik zijn nageltjes knip",
        "ik word gek van al die formulieren",
        "mijn man speelt met mijn zoon en ze trappen een balletje",
        "ik heb vannacht niet geslapen, het voelt nog niet echt dat ik moeder ben",
        "ik ben 15 weken en voel nog geen schopjes",
    ],
}


@pytest.mark.parametrize("kind", sorted(MUST_FIRE))
def test_every_phrasing_of_the_kind_fires_with_its_tier(kind: str) -> None:
    tier, messages = MUST_FIRE[kind]
    wrong = [(m, assess(m).tier) for m in messages if assess(m).tier != tier]
    assert not wrong, wrong


@pytest.mark.parametrize("kind", sorted(NO_TAKEOVER))
def test_no_takeover(kind: str) -> None:
    wrong = [(m, assess(m).tier) for m in NO_TAKEOVER[kind] if assess(m).is_emergency]
    assert not wrong, wrong


def test_idioms_get_no_line_either() -> None:
    assert assess("ik ontplof van trots op mijn dochter").tier is None
    assert assess("ik huilde bloed van het lachen").tier is None
    # ... but a sign in another clause still counts
    assert assess("ik lag dubbel van het lachen, maar nu bloed ik heel erg").is_emergency


def test_hours_are_read_as_days_but_clock_times_are_not() -> None:
    assert read_numbers(tokenise("al 60 uur niet geslapen")).days == pytest.approx(2.5)
    assert read_numbers(tokenise("sinds 10 uur niet geslapen")).days is None


def test_even_if_takes_harmless_contexts_only() -> None:
    with pytest.raises(SignError):
        _rule({"catches": "x", "all": ["BLEED"], "even_if": ["BLEED"]}, "test", {"BLEED"})
    assert _rule({"catches": "x", "all": ["BLEED"], "even_if": ["HYPO"]}, "test", {"BLEED"}).even_if == {"HYPO"}


@pytest.mark.parametrize("text", [
    "ik heb 5 minuten, kun je snel uitleggen hoe de kraamzorg werkt",
    "we hebben geen geld voor luiers",
    "vorig jaar had ik een heftige bloeding",
    "ons zoontje is stil geboren vorige maand",
    "ik lag dubbel van het lachen om de baby",
])
def test_no_lexical_cue_for_the_classifier(text: str) -> None:
    """Without a cue a confident classifier gets only the maybe line (bot.safety.decide)."""
    assert not assess(text).cues


def test_a_lexical_cue_where_sign_words_occur_apart() -> None:
    assert "sick_baby" in assess("mijn baby is zo anders, hij ademt").cues
