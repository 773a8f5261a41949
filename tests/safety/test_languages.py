"""English gets the same tiers (English answers); the other languages get their emergency line."""

from __future__ import annotations

import pytest

from bot.safety import assess, emergency_text
from bot.safety.foreign import KINDS, emergency_words
from bot.safety.texts import safety_texts

ENGLISH = {  # our own phrasings
    "life": ["my baby is not breathing", "she collapsed and is unconscious", "my son is having a seizure"],
    "pregnancy_urgent": ["i'm 30 weeks pregnant and bleeding", "i think my waters broke", "the baby is moving much less today"],
    "sick_baby": ["my baby is floppy and won't feed", "my baby is breathing fast and grunting"],
    "violence": ["my husband hits me", "my boyfriend threatened to kill me", "i don't feel safe at home"],
    "suicide": ["i want to die", "i want to end my life", "everyone would be better off without me"],
    "mental_crisis": ["i'm having a panic attack", "i'm scared i will hurt my baby", "i keep hearing voices"],
}


@pytest.mark.parametrize(("tier", "message"), [(t, m) for t, ms in ENGLISH.items() for m in ms])
def test_english_same_tiers_answered_in_english(tier: str, message: str) -> None:
    found = assess(message)
    assert (found.tier, found.lang) == (tier, "en"), found
    assert emergency_text(tier, "en") != emergency_text(tier)


@pytest.mark.parametrize("message", ["where can i get baby clothes", "how much does maternity care cost",
                                     "what is the key of rotterdam"])
def test_ordinary_english_is_no_emergency(message: str) -> None:
    assert not assess(message).is_emergency


# One message per language and kind (written by the team; reviewed: false like the texts).
FOREIGN = {
    "tr": {"bleeding": "çok kanamam var", "violence": "kocam beni dövüyor", "suicide": "intihar etmek istiyorum",
           "not_breathing": "bebeğim nefes almıyor"},
    "ar": {"bleeding": "عندي نزيف", "violence": "زوجي يضربني", "suicide": "أريد أن أموت", "not_breathing": "طفلي لا يتنفس"},
    "pl": {"bleeding": "mam krwawienie", "violence": "mąż mnie bije mnie", "suicide": "chcę umrzeć",
           "not_breathing": "moje dziecko nie oddycha"},
    "es": {"bleeding": "tengo un sangrado", "violence": "mi marido me pega", "suicide": "quiero morir",
           "not_breathing": "mi bebé no respira"},
    "fr": {"bleeding": "je saigne beaucoup", "violence": "mon mari me frappe", "suicide": "je veux mourir",
           "not_breathing": "mon bébé ne respire pas"},
    "pt": {"bleeding": "estou a sangrar muito", "violence": "o meu marido bate-me", "suicide": "eu quero morrer",
           "not_breathing": "o meu bebé não respira"},
    "pap": {"bleeding": "mi ta sangra hopi", "violence": "mi kasá ta bati mi", "suicide": "mi ke muri",
            "not_breathing": "mi yu no ta hala rosea"},
}


def test_every_language_has_words_texts_and_a_review_flag() -> None:
    texts = safety_texts()["other_languages"]
    assert set(emergency_words()) == set(texts) == set(FOREIGN)
    assert all(texts[lang]["reviewed"] is False for lang in texts), "nobody has checked them yet"


@pytest.mark.parametrize(("lang", "kind"), [(lang, kind) for lang in FOREIGN for kind in KINDS])
def test_emergency_word_gets_the_line_in_that_language(lang: str, kind: str) -> None:
    found = assess(FOREIGN[lang][kind])
    assert (found.tier, found.lang) == (KINDS[kind], lang), found
    assert emergency_text(found.tier, lang) == " ".join(str(safety_texts()["other_languages"][lang][found.tier]).split())
