"""Several needs, bare numbers and 'wat is X en hoe meld ik me aan' (bot/nlu/interpret.py)."""

from __future__ import annotations

import pytest
import yaml

from bot.content import cards
from bot.nlu.interpret import (
    BARE_NUMBER,
    ROOT,
    SEVERAL_NEEDS,
    _named_positions,
    asked_aspect,
    decide,
    is_bare_number,
    load_need_phrases,
    load_offering_names,
    named_offerings,
    profession_sought,
    settle_toddler_programme,
    several_needs,
)

NAMES = load_offering_names(cards=cards())
KNOWN = set(cards())


def seg(intent: str, confidence: float) -> dict:
    return {"start": 0, "end": 2, "intent": intent, "confidence": confidence}


@pytest.mark.parametrize("text", ["24", " 36 ", "3072", "24.", "1450,50"])
def test_bare_numbers(text: str) -> None:
    assert is_bare_number(text)
    decision = decide(text, text, "give_location", 0.9, [], NAMES, KNOWN)
    assert decision is not None and decision.intent == BARE_NUMBER


@pytest.mark.parametrize("text", ["24 weken", "3072 AB", "week 36", "ik ben 24", ""])
def test_not_bare_numbers(text: str) -> None:
    assert not is_bare_number(text)


def test_safety_is_never_overridden() -> None:
    assert decide("24", "24", "safety_medical", 1.0, [], NAMES, KNOWN) is None


def test_several_needs_from_parts() -> None:
    segments = [seg("feel_lonely", 0.7), seg("kraamzorg_check", 0.95), seg("info_babystartpakket", 0.9),
                seg("greet", 0.99), seg("info_homestart", 0.3)]
    needs, exclusive = several_needs("kraamzorg_check", 0.6, segments)
    assert exclusive is None
    assert needs == ["kraamzorg_check", "info_babystartpakket", "feel_lonely"]
    decision = decide("x", "x", "kraamzorg_check", 0.6, segments, NAMES, KNOWN)
    assert decision is not None and decision.intent == SEVERAL_NEEDS and decision.needs == needs


def test_can_you_help_after_a_need_is_not_a_need_of_its_own() -> None:
    """"I'm pregnant and I have no money for baby things, can you help?" (issue 11): the card, not
    the capabilities text; "wat kun je allemaal?" alone stays a question about the assistant."""
    segments = [seg("info_babystartpakket", 0.87), seg("ask_capabilities", 0.9)]
    assert several_needs("info_babystartpakket", 0.87, segments)[0] == ["info_babystartpakket"]
    assert decide("x", "x", "info_babystartpakket", 0.87, segments, NAMES, KNOWN) is None
    two = [seg("info_babystartpakket", 0.87), seg("find_group", 0.8), seg("ask_capabilities", 0.9)]
    assert several_needs("info_babystartpakket", 0.87, two)[0] == ["info_babystartpakket", "find_group"]
    alone = [seg("ask_capabilities", 0.9), seg("greet", 0.9)]
    assert several_needs("ask_capabilities", 0.8, alone)[0] == ["ask_capabilities"]


def test_one_need_in_several_parts_is_one_need() -> None:
    segments = [seg("kraamzorg_check", 0.9), seg("kraamzorg_check", 0.8), seg("info_kraamzorg", 0.7)]
    assert several_needs("kraamzorg_check", 0.9, segments)[0] == ["kraamzorg_check"]  # info_kraamzorg merged
    assert decide("x", "x", "kraamzorg_check", 0.9, segments, NAMES, KNOWN) is None


def test_an_exclusive_part_decides_the_message() -> None:
    # as sure as the safety net's classifier takeover (bot/safety.CLASSIFIER_TAKEOVER)
    segments = [seg("info_kraamzorg", 0.9), seg("safety_medical", 0.95)]
    decision = decide("x", "x", "info_kraamzorg", 0.9, segments, NAMES, KNOWN)
    assert decision is not None and decision.intent == "safety_medical" and not decision.needs


@pytest.mark.parametrize(("text", "offering", "aspect"), [
    ("wat is home start en hoe meld ik me aan", "homestart", "how"),
    ("hoe kan ik me aanmelden voor voorzorg", "voorzorg", "how"),
    ("wat is centering pregnancy, en hoe kom ik daar", "centering", "how"),
    ("is opstapje ook voor mij", "opstapje", "for_whom"),
])
def test_named_offering_with_a_question_gets_that_offering(text: str, offering: str, aspect: str) -> None:
    decision = decide(text, text, "request_registration", 0.9, [], NAMES, KNOWN)
    assert decision is not None
    assert (decision.intent, decision.aspect, decision.offering) == (f"info_{offering}", aspect, offering)


@pytest.mark.parametrize(("text", "intent", "offering", "aspect"), [
    ("wat kost home start", "info_homestart", "homestart", "for_whom"),
    ("is shantala gratis", "info_shantala", "shantala", "for_whom"),
    ("moet ik voor voorzorg iets betalen", "nlu_fallback", "voorzorg", "for_whom"),
    ("telefoonnummer van home start", "nlu_fallback", "homestart", "how"),
    ("waar is het borstvoedingscafe", "info_borstvoeding", "borstvoeding", "how"),
    ("hoe bereik ik moeders van rotterdam", "info_moeders_van_rotterdam", "moeders_van_rotterdam", "how"),
])
def test_costs_or_contact_of_a_named_offering_get_that_card(text: str, intent: str, offering: str,
                                                            aspect: str) -> None:
    decision = decide(text, text, intent, 0.7, [], NAMES, KNOWN)
    assert decision is not None
    assert (decision.intent, decision.aspect, decision.offering) == (f"info_{offering}", aspect, offering)


@pytest.mark.parametrize(("text", "intent"), [
    ("moet ik de kraamzorg zelf betalen", "kraamzorg_check"),  # the everyday word: the check stands
    ("telefoonnummer aanmeldpunt", "request_human"),  # a confident hand-off stays the hand-off
    ("kan iemand van home start mij bellen", "request_callback"),
])
def test_costs_or_contact_questions_leave_other_intents(text: str, intent: str) -> None:
    assert decide(text, text, intent, 0.7, [], NAMES, KNOWN) is None


def test_moeders_van_rotterdam_registration_stays_registration() -> None:
    text = "hoe meld ik me aan bij moeders van rotterdam"
    assert decide(text, text, "request_registration", 0.9, [], NAMES, KNOWN) is None


def test_a_confident_feature_intent_is_kept() -> None:
    text = "hoe krijg ik de kraamzorg vergoed"
    assert decide(text, text, "kraamzorg_check", 0.95, [], NAMES, KNOWN) is None


def test_named_offerings_whole_words_in_order() -> None:
    assert named_offerings("eerst voorzorg en dan home start", NAMES, KNOWN) == ["voorzorg", "homestart"]
    assert named_offerings("ik heb geld voor zorg nodig", NAMES, KNOWN) == []


@pytest.mark.parametrize(("text", "aspect"), [
    ("hoe meld ik me aan", "how"), ("waar kan ik me inschrijven", "how"), ("hoe vraag ik het aan", "how"),
    ("voor wie is dat", "for_whom"), ("kom ik in aanmerking", "for_whom"), ("wat is dat", None),
])
def test_asked_aspect(text: str, aspect: str | None) -> None:
    assert asked_aspect(text) == aspect


def test_how_question_with_registration_part_is_one_offering() -> None:
    text = "wat is home start en hoe meld ik me aan"
    segments = [seg("info_homestart", 0.9), seg("request_registration", 0.95)]
    decision = decide(text, text, "info_homestart", 0.64, segments, NAMES, KNOWN)
    assert decision is not None and (decision.intent, decision.aspect) == ("info_homestart", "how")


def test_how_question_plus_another_need_is_several_needs() -> None:
    text = "wat is home start en hoe meld ik me aan, ik kan ook de kraamzorg niet betalen"
    segments = [seg("info_homestart", 0.9), seg("request_registration", 0.95), seg("kraamzorg_check", 0.97)]
    decision = decide(text, text, "info_homestart", 0.6, segments, NAMES, KNOWN)
    assert decision is not None and decision.intent == SEVERAL_NEEDS
    assert decision.needs == ["info_homestart", "kraamzorg_check"]


@pytest.mark.parametrize("text", ["👶", "?", "!!", "🙏🙏"])
def test_no_words_is_vague(text: str) -> None:
    decision = decide(text, text, "affirm", 0.9, [], NAMES, KNOWN)
    assert decision is not None and decision.intent == "vague"


def test_a_plainly_said_loss_is_always_answered() -> None:
    decision = decide("x", "x", "info_kraamzorg", 0.4, [], NAMES, KNOWN, baby_loss=True)
    assert decision is not None and decision.intent == "baby_loss"
    both = decide("x", "x", "info_nu_niet_zwanger", 0.9, [], NAMES, KNOWN, baby_loss=True)
    assert both is not None and both.intent == SEVERAL_NEEDS and both.needs[0] == "baby_loss"
    assert decide("x", "x", "baby_loss", 0.9, [], NAMES, KNOWN, baby_loss=True) is None


def test_a_registration_question_in_another_clause_is_not_about_the_named_offering() -> None:
    text = "hoi! ik ben zwanger, kan ik me ergens aanmelden voor hulp en wat kost kraamzorg eigenlijk"
    segments = [seg("request_registration", 0.9), seg("info_kraamzorg", 0.8)]
    decision = decide(text, text, "request_registration", 0.6, segments, NAMES, KNOWN)
    assert decision is not None and decision.intent == SEVERAL_NEEDS
    assert set(decision.needs) == {"request_registration", "info_kraamzorg"}


def test_an_offering_named_in_a_long_message_is_a_need() -> None:
    text = "is er babymassage in een groep in de buurt van prins alexander"
    decision = decide(text, text, "find_group", 0.9, [], NAMES, KNOWN)
    assert decision is not None and decision.needs == ["find_group", "info_shantala"]
    short = "babymassage groep"
    assert decide(short, short, "find_group", 0.9, [], NAMES, KNOWN) is None


def test_gibberish_goes_to_the_fallback_whatever_the_classifier_guessed() -> None:
    decision = decide("blarp zorgle fnuk", "blarp zorg le fnuk", "info_voorzorg", 0.74, [], NAMES, KNOWN,
                      gibberish=True)
    assert decision is not None and decision.intent == "nlu_fallback"
    assert decide("qwrtz", "qwrtz", "nlu_fallback", 0.4, [], NAMES, KNOWN, gibberish=True) is None
    # a safety intent is never overridden
    assert decide("x y", "x y", "safety_life", 1.0, [], NAMES, KNOWN, gibberish=True) is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [("ik zoek een verloskundige in Charlois", "info_verloskundige_vinden"),
     ("waar is een verloskundigenpraktijk bij mij in ijsselmonde", "info_verloskundige_vinden"),
     ("heb nog geen huisarts in delfshaven", "info_huisarts_vinden")],
)
def test_a_profession_sought_in_a_place_is_not_a_group_search(text: str, intent: str) -> None:
    for classified in ("find_group", "give_location", "nlu_fallback"):
        decision = decide(text, text, classified, 0.8, [{"intent": "give_location", "confidence": 0.9}], NAMES, KNOWN)
        assert decision is not None and decision.intent == intent
    assert profession_sought(text) == intent


def test_a_profession_with_a_group_question_stays_a_group_search() -> None:
    text = "ik zoek een groep voor zwangeren bij de verloskundige in feijenoord"
    assert profession_sought(text) is None
    assert decide(text, text, "find_group", 0.9, [], NAMES, KNOWN) is None
    # Only naming her own verloskundige is no search for one.
    assert profession_sought("mijn verloskundige zegt dat ik moet rusten") is None


def test_a_profession_sought_plus_another_need_is_several_needs() -> None:
    text = "ik zoek een verloskundige in feijenoord en heb geen geld voor babyspullen"
    segments = [{"intent": "find_group", "confidence": 0.7}, {"intent": "info_babystartpakket", "confidence": 0.8}]
    decision = decide(text, text, "find_group", 0.7, segments, NAMES, KNOWN)
    assert decision is not None and decision.intent == "several_needs"
    assert decision.needs[0] == "info_verloskundige_vinden" and "info_babystartpakket" in decision.needs
    assert "find_group" not in decision.needs


def test_a_profession_named_in_another_question_is_left_to_the_classifier() -> None:
    text = "welke dag komt de verloskundige op huisbezoek in de zwangerschap"
    assert decide(text, text, "info_prenataal_huisbezoek", 0.9, [], NAMES, KNOWN) is None


@pytest.mark.parametrize("text", [
    "ik ben 12 weken zwanger en wil me aanmelden bij moeders van rotterdam",
    "hoe meld ik me aan bij moeders van rotterdam",
])
def test_signing_up_with_moeders_van_rotterdam_is_the_registration(text: str) -> None:
    decision = decide(text, text, "nlu_fallback", 0.4, [], NAMES, KNOWN)
    assert decision is not None and decision.intent == "request_registration"


def test_a_confident_other_intent_is_kept_when_moeders_van_rotterdam_is_named() -> None:
    text = "hoe meld ik me aan bij moeders van rotterdam"
    assert decide(text, text, "safety_life", 1.0, [], NAMES, KNOWN) is None


def test_one_clear_part_of_an_unclear_long_message_is_answered() -> None:
    text = "ik ben 6 maanden zwanger mijn vriend is weg ik heb geen geld voor babyspullen"
    parts = [seg("kz_answer", 0.42), seg("nlu_fallback", 0.4), seg("info_babyspullen", 0.9)]
    decision = decide(text, text, "nlu_fallback", 0.4, parts, NAMES, KNOWN)
    assert decision is not None and decision.intent == "info_babyspullen"


def test_an_unsure_part_of_an_unclear_message_still_clarifies() -> None:
    text = "ik weet het allemaal niet meer wat moet ik nou met alles"
    parts = [seg("vague", 0.55), seg("info_babyspullen", 0.6)]
    decision = decide(text, text, "nlu_fallback", 0.4, parts, NAMES, KNOWN)
    assert decision is None


def test_an_unsure_emergency_or_loss_part_does_not_take_the_message() -> None:
    text = "ik wil mijn kind laten vaccineren en weet niet waar, mijn vriend doet moeilijk"
    parts = [seg("info_kinkhoest", 0.8), seg("safety_violence", 0.6), seg("baby_loss", 0.7)]
    decision = decide(text, text, "info_kinkhoest", 0.6, parts, NAMES, KNOWN)
    assert decision is None or decision.intent == "info_kinkhoest"
    sure = [seg("info_kinkhoest", 0.8), seg("safety_violence", 0.95)]
    decision = decide(text, text, "info_kinkhoest", 0.6, sure, NAMES, KNOWN)
    assert decision is not None and decision.intent == "safety_violence"


def test_without_loss_takes_the_next_intent_for_verloren_in_another_sense() -> None:
    from bot.nlu.interpret import without_loss
    ranking = [{"name": "baby_loss", "confidence": 0.5}, {"name": "info_babystartpakket", "confidence": 0.45},
               {"name": "info_homestart", "confidence": 0.05}]
    segments = [{"intent": "baby_loss", "confidence": 0.9}, {"intent": "info_babystartpakket", "confidence": 0.8}]
    intent, parts = without_loss(ranking[0], ranking, segments)
    assert intent["name"] == "info_babystartpakket"
    assert [p["intent"] for p in parts] == ["info_babystartpakket"]
    low = [{"name": "baby_loss", "confidence": 0.9}, {"name": "info_homestart", "confidence": 0.05}]
    assert without_loss(low[0], low, [])[0]["name"] == "nlu_fallback"  # unsure: ask, as the fallback would
    other = {"name": "low_mood", "confidence": 0.8}
    assert without_loss(other, [other], segments)[0] is other  # only the loss guess is taken out


def test_a_call_back_asked_with_another_need_is_one_of_the_needs() -> None:
    segments = [seg("feel_lonely", 0.9), seg("low_mood", 0.95), seg("request_callback", 0.94)]
    assert several_needs("low_mood", 0.9, segments)[0] == ["low_mood", "request_callback", "feel_lonely"]


def test_capabilities_with_small_talk_are_both_answered() -> None:
    """"wat kun je allemaal en ben je een robot?" asks two things; small talk is no concrete need."""
    segments = [seg("greet", 0.97), seg("ask_capabilities", 0.81), seg("bot_challenge", 0.97)]
    assert several_needs("bot_challenge", 0.97, segments)[0] == ["bot_challenge", "ask_capabilities"]


def test_a_how_question_about_one_offering_and_the_registration_named_by_name() -> None:
    """The registration asked for is Moeders van Rotterdam's own: a need next to the kraamzorg answer."""
    text = "hoe werkt de eigen bijdrage van de kraamzorg en moet ik me nog aanmelden bij moeders van rotterdam"
    segments = [seg("info_kraamzorg", 0.7), seg("request_registration", 0.91)]
    decision = decide(text, text, "info_kraamzorg", 0.95, segments, NAMES, KNOWN)
    assert decision is not None and decision.intent == SEVERAL_NEEDS
    assert "request_registration" in decision.needs
    # "wat is home start en hoe meld ik me aan" stays Home-Start's how-to (no other offering named)
    text = "wat is home start en hoe meld ik me aan"
    decision = decide(text, text, "request_registration", 0.6,
                      [seg("info_homestart", 0.9), seg("request_registration", 0.95)], NAMES, KNOWN)
    assert decision is not None and decision.intent == "info_homestart"


def test_a_close_call_within_one_family_is_no_reason_to_ask() -> None:
    from bot.nlu.interpret import settle_close_call
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "request_callback", "confidence": 0.49},
               {"name": "request_human", "confidence": 0.47}]
    assert settle_close_call(ranking)["name"] == "request_callback"
    groups = [{"name": "find_group", "confidence": 0.47}, {"name": "more_groups", "confidence": 0.42}]
    assert settle_close_call(groups)["name"] == "find_group"
    # two different needs close together: ask (clarify stays the answer)
    apart = [{"name": "info_homestart", "confidence": 0.45}, {"name": "info_voorzorg", "confidence": 0.44}]
    assert settle_close_call(apart) is None
    # unsure as a whole, even together: ask
    low = [{"name": "request_callback", "confidence": 0.2}, {"name": "request_human", "confidence": 0.15},
           {"name": "info_homestart", "confidence": 0.1}]
    assert settle_close_call(low) is None


def test_a_family_that_together_is_the_best_guess_settles_with_its_summed_confidence() -> None:
    from bot.nlu.interpret import settle_close_call
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "info_shantala", "confidence": 0.24},
               {"name": "more_groups", "confidence": 0.24}, {"name": "find_group", "confidence": 0.18}]
    settled = settle_close_call(ranking)
    assert settled is not None and settled["name"] == "more_groups"
    assert abs(settled["confidence"] - 0.42) < 1e-9
    # one member alone is no family: the fallback stands
    alone = [{"name": "find_group", "confidence": 0.38}, {"name": "info_shantala", "confidence": 0.36}]
    assert settle_close_call(alone) is None
    # another intent ahead of the family's sum: ask
    behind = [{"name": "info_shantala", "confidence": 0.45}, {"name": "more_groups", "confidence": 0.2},
              {"name": "find_group", "confidence": 0.2}]
    assert settle_close_call(behind) is None


def test_more_groups_beside_a_named_offering_is_a_group_search_and_that_offering() -> None:
    text = "is er babymassage in een groep in de buurt van prins alexander"
    decision = decide(text, text, "more_groups", 0.5, [], NAMES, KNOWN)
    assert decision is not None and decision.intent == SEVERAL_NEEDS
    assert set(decision.needs) == {"find_group", "info_shantala"}


def test_an_off_topic_message_with_one_clear_named_need_answers_that_need() -> None:
    text = "feyenoord heeft weer verloren haha maar ff serieus wanneer krijg ik die sleutel van rotterdam"
    decision = decide(text, text, "out_of_scope", 0.67, [seg("out_of_scope", 0.95)], NAMES, KNOWN)
    assert decision is not None and decision.intent == "info_sleutel_van_rotterdam"
    # off-topic without a clear need stays off-topic
    other = "ik ben mijn ov kaart verloren in de tram vandaag"
    assert decide(other, other, "out_of_scope", 0.8, [seg("out_of_scope", 0.95)], NAMES, KNOWN) is None


PHRASES = load_need_phrases()


def test_a_need_named_in_plain_words_stands_beside_the_classifiers() -> None:
    text = "ik heb postnatale depressie en ik voel me ook heel alleen, mijn man werkt altijd"
    decision = decide(text, text, "low_mood", 1.0, [seg("low_mood", 1.0)], NAMES, KNOWN, need_phrases=PHRASES)
    assert decision is not None and decision.intent == SEVERAL_NEEDS
    assert decision.needs == ["low_mood", "feel_lonely"]


def test_need_phrases_never_exceed_three_needs_and_never_join_a_loss() -> None:
    text = "ik ben somber en eenzaam, ik heb schulden, geen huisarts en geen zorgverzekering"
    decision = decide(text, text, "low_mood", 0.9, [seg("low_mood", 0.9)], NAMES, KNOWN, need_phrases=PHRASES)
    assert decision is not None and len(decision.needs) == 3 and decision.needs[0] == "low_mood"
    loss = "sinds de miskraam voel ik me zo alleen en somber"
    decision = decide(loss, loss, "baby_loss", 0.95, [], NAMES, KNOWN, baby_loss=True, need_phrases=PHRASES)
    assert decision is None or decision.intent == "baby_loss"


def test_a_need_phrase_alone_decides_only_what_the_classifier_could_not_place() -> None:
    text = "hallo ik zoek een groepje in de buurt om andere moeders te zien"
    decision = decide(text, text, "nlu_fallback", 0.4, [], NAMES, KNOWN, need_phrases=PHRASES)
    assert decision is not None and decision.intent == "find_group"
    # a sure classifier: the phrase adds nothing
    sure = "ik voel me zo eenzaam de hele dag thuis"
    assert decide(sure, sure, "feel_lonely", 0.95, [], NAMES, KNOWN, need_phrases=PHRASES) is None


TOPICS = load_need_phrases("alone")


@pytest.mark.parametrize(("text", "expected"), [
    ("wat betekent cjg", "info_cjg"), ("cjg telefoonnummer pls", "info_cjg"), ("kost home start geld?", "info_homestart"),
    ("is er een lactatiekundige die bij je thuis komt", "info_borstvoeding"), ("schulden", "info_debts"),
    ("belnummer??", "request_human"), ("belnummer van het consultatiebureau", "info_consultatiebureau"),
])
def test_a_message_the_classifier_could_not_place_that_names_one_thing_gets_that_thing(text: str, expected: str) -> None:
    decision = decide(text, text, "nlu_fallback", 0.4, [], NAMES, KNOWN, need_phrases=PHRASES, topic_names=TOPICS)
    assert decision is not None and decision.intent == expected


def test_topic_names_never_decide_beside_the_classifier_or_when_two_are_named() -> None:
    passing = "kan ik voor de bevalling al een huisbezoek krijgen van het cjg"
    assert decide(passing, passing, "info_prenataal_huisbezoek", 0.9, [], NAMES, KNOWN, need_phrases=PHRASES,
                  topic_names=TOPICS) is None
    two = "cjg of consultatiebureau"
    assert decide(two, two, "nlu_fallback", 0.4, [], NAMES, KNOWN, need_phrases=PHRASES, topic_names=TOPICS) is None


def test_every_need_phrase_names_an_intent_of_the_domain() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}
    assert set(PHRASES.values()) | set(TOPICS.values()) <= intents


# ---------------------------------------------------------------- her own words settle a guess (round 5)


def _decide(text: str, intent: str, confidence: float, segments: list | None = None):
    return decide(text, text, intent, confidence, segments or [], NAMES, KNOWN, need_phrases=PHRASES,
                  topic_names=TOPICS)


@pytest.mark.parametrize(("text", "guess", "expected"), [
    ("ik voel me zo alleen", "low_mood", "feel_lonely"),
    ("kraamzorg boeken hoe", "kraamzorg_check", "info_kraamzorg_boeken"),
    ("wil me aanmelden graag", "ask_registration_status", "request_registration"),
])
def test_in_a_short_message_her_words_settle_a_rival_guess(text: str, guess: str, expected: str) -> None:
    decision = _decide(text, guess, 0.9)
    assert decision is not None and decision.intent == expected


def test_a_rival_guess_stands_when_her_words_name_it_too() -> None:
    text = "ik ben somber en voel me alleen"  # both named: both needs
    decision = _decide(text, "low_mood", 0.9)
    assert decision is not None and set(decision.needs) == {"low_mood", "feel_lonely"}
    assert _decide("ik voel me zo depressief", "low_mood", 0.9) is None


def test_booking_kraamzorg_replaces_the_money_check_unless_she_talks_about_money() -> None:
    booking = "ik ben 34 weken en heb nog geen kraamzorg geregeld, hoe doe ik dat"
    decision = _decide(booking, "kraamzorg_check", 0.8, [seg("info_kraamzorg", 0.6)])
    assert decision is not None and decision.intent == "info_kraamzorg_boeken"
    money = "ik heb nog geen kraamzorg geregeld en de eigen bijdrage kan ik niet betalen"
    decision = _decide(money, "kraamzorg_check", 0.8)
    assert decision is not None and set(decision.needs) == {"kraamzorg_check", "info_kraamzorg_boeken"}


def test_a_topic_asked_about_in_a_longer_message_is_a_need_a_topic_said_in_passing_is_not() -> None:
    asked = "hoe lang is het partnerverlof en moet mijn man de baby aangeven of mag ik dat"
    decision = _decide(asked, "info_partnerverlof", 0.9)
    assert decision is not None and set(decision.needs) == {"info_partnerverlof", "info_geboorteaangifte"}
    passing = "de zuster van het consultatiebureau zei dat ik borstvoeding moet blijven geven"
    decision = _decide(passing, "info_borstvoeding", 0.9)
    assert decision is None or "info_consultatiebureau" not in decision.needs


def test_a_need_said_in_so_many_words_decides_a_message_the_classifier_was_unsure_of() -> None:
    text = "wanneer moet je kraamzorg boeken en bij wie"
    decision = _decide(text, "nlu_fallback", 0.4, [seg("info_kraamzorg_boeken", 0.45)])
    assert decision is not None and decision.intent == "info_kraamzorg_boeken"
    text = "goedemiddag ik wil me graag aanmelden, hoe gaat dat verder"
    decision = _decide(text, "ask_registration_status", 0.44)
    assert decision is not None and decision.intent == "request_registration"


def test_the_fallback_threshold_in_code_is_the_one_in_config() -> None:
    from bot.nlu.interpret import FALLBACK_THRESHOLD

    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    fallback = next(c for c in config["pipeline"] if c["name"] == "FallbackClassifier")
    assert fallback["threshold"] == FALLBACK_THRESHOLD


def test_a_need_said_beside_a_profession_sought_is_kept() -> None:
    text = "ik heb nog geen verloskundige en ik weet niet of ik kraamzorg moet regelen"
    decision = _decide(text, "info_verloskundige_vinden", 0.9)
    assert decision is not None and set(decision.needs) == {"info_verloskundige_vinden", "info_kraamzorg_boeken"}


def test_leave_for_him_is_partnerverlof_not_pregnancy_leave() -> None:
    text = "hoe kan mijn vriend het kind erkennen en krijgt hij ook verlof als de baby er is"
    decision = _decide(text, "info_erkenning", 0.9, [seg("info_zwangerschapsverlof", 0.7)])
    assert decision is not None and set(decision.needs) == {"info_erkenning", "info_partnerverlof"}


@pytest.mark.parametrize("text, expected", [
    ("wat is kraamzorg eigenlijk, komt er dan iemand bij je thuis", "info_kraamzorg"),
    ("ok en wat betekent borstvoeding hier", "info_borstvoeding"),
])
def test_asked_what_an_everyday_name_is_gives_its_card_when_the_classifier_is_unsure(text: str, expected: str) -> None:
    decision = decide(text, text, "nlu_fallback", 0.4, [], NAMES, KNOWN, need_phrases=PHRASES, topic_names=TOPICS)
    assert decision is not None and decision.intent == expected
    # said in passing, not asked what it is: no decision on the everyday word alone
    assert decide("de kraamzorg komt morgen", "de kraamzorg komt morgen", "nlu_fallback", 0.4, [], NAMES, KNOWN,
                  need_phrases=PHRASES, topic_names=TOPICS) is None


def test_a_phrase_inside_a_longer_phrase_of_another_need_is_not_a_need_of_its_own() -> None:
    names = {"andere zwangeren": "find_group", "controles in een groep met andere zwangeren": "info_centering",
             "kraamzorg": "info_kraamzorg"}
    found = [need for _, need in _named_positions("ik wil mijn controles in een groep met andere zwangeren doen",
                                                   names, None)]
    assert found == ["info_centering"]
    # apart from each other both count
    found = [need for _, need in _named_positions("andere zwangeren ontmoeten en kraamzorg", names, None)]
    assert found == ["find_group", "info_kraamzorg"]


@pytest.mark.parametrize("needs, text, expected", [
    (["info_instapje", "info_ouders_inc"], "iets om te spelen en leren voor mijn dochter van 3", ["info_opstapje", "info_ouders_inc"]),
    (["info_opstapje"], "mijn zoon is 1 jaar, wat kan ik met hem doen", ["info_instapje"]),
    (["info_opstapje"], "onze dreumes moet meer leren", ["info_instapje"]),
    (["info_instapje"], "mijn kind van 2 jaar", ["info_instapje"]),  # 2 fits both: unchanged
    (["info_instapje"], "ik heb 3 kinderen", ["info_instapje"]),  # no child's age
])
def test_the_childs_age_settles_instapje_or_opstapje(needs: list[str], text: str, expected: list[str]) -> None:
    assert settle_toddler_programme(needs, text) == expected


def test_a_single_toddler_programme_guess_that_does_not_fit_the_age_is_replaced() -> None:
    text = "is er iets voor mijn zoontje van 3 jaar om te leren voor de basisschool"
    decision = decide(text, text, "info_instapje", 0.9, [], NAMES, KNOWN, need_phrases=PHRASES, topic_names=TOPICS)
    assert decision is not None and decision.intent == "info_opstapje"
