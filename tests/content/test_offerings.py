"""Offering cards (content/offerings/*.yml): schema, coverage of the domain, sources, rendering."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import (
    APPLIES_VALUES,
    MAX_BUTTON_TITLE,
    MAX_BUTTONS,
    MAX_MESSAGE_TEXT,
    MAX_MESSAGE_WORDS,
    OFFERINGS_DIR,
    REQUIRED_FIELDS,
    Card,
    ContentError,
    _figures_in,
    cards,
    load_cards,
    render_detail,
    render_summary,
    source_tag,
    validate_card,
)
from bot.readability import words

ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
SEED_MISSING = f"{SEEDS_DIR} is absent (checkout without ../shared): cannot check the seed files"


def _domain_intents() -> list[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]]


SHIPPED = load_cards()


# ------------------------------------------------------------------ shipped cards
def test_all_shipped_cards_load() -> None:
    files = sorted(p.stem for p in OFFERINGS_DIR.glob("*.yml"))
    assert sorted(SHIPPED) == files
    assert len(files) == 20
    assert cards() == SHIPPED


def test_every_info_intent_has_exactly_one_card_and_vice_versa() -> None:
    from bot.referrals import referrals  # referral cards (content/referrals/) own their info_ intents

    referral_intents = {r.intent for r in referrals().values()}
    info_intents = [i for i in _domain_intents() if i.startswith("info_") and i not in referral_intents]
    per_intent = Counter(c.intent for c in SHIPPED.values())
    assert sorted(per_intent) == sorted(info_intents)
    assert all(n == 1 for n in per_intent.values()), per_intent


def test_every_card_intent_has_a_rule_that_shows_the_card() -> None:
    shown: set[str] = set()
    for path in (ROOT / "data" / "stories").glob("*.yml"):
        for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or []:
            steps = rule.get("steps") or []
            for first, second in zip(steps, steps[1:], strict=False):
                if second.get("action") == "action_show_offering" and "intent" in first:
                    shown.add(first["intent"])
    assert {c.intent for c in SHIPPED.values()} - shown == set()


def test_next_step_intents_exist_in_domain() -> None:
    intents = set(_domain_intents())
    steps = {c.id: c.next_step[1] for c in SHIPPED.values() if c.next_step}
    assert steps, "at least the kraamzorg card links to the kraamzorg check"
    assert {cid: i for cid, i in steps.items() if i not in intents} == {}


def test_kraamzorg_card_leads_to_the_check_and_the_aanmeldpunt() -> None:
    card = SHIPPED["kraamzorg"]
    assert card.next_step == ("Kraamzorg betalen", "kraamzorg_check")
    assert card.related == ("moeders_van_rotterdam",)
    assert "24" in card.summary and "80" in card.summary
    assert "bijzondere bijstand" in card.costs


def test_babystartpakket_is_requested_by_a_professional() -> None:
    card = SHIPPED["babystartpakket"]
    assert card.applies == "professional"
    assert "niet zelf" in card.how_to_get
    assert "aanmeldpunt" in card.how_to_get


def test_shipped_figures_name_a_seed_or_url() -> None:
    bad = {
        (c.id, value): source
        for c in SHIPPED.values()
        for value, source in c.figures
        if not re.search(r"\bseed \d{3}\b|https?://", source)
    }
    assert bad == {}


def test_texts_use_je_form_not_u() -> None:
    offenders = {
        (c.id, key)
        for c in SHIPPED.values()
        for key in ("name", "summary", "for_whom", "costs", "how_to_get", "contact")
        if re.search(r"\b(u|uw)\b", getattr(c, key), re.IGNORECASE)
    }
    assert offenders == set()


def test_no_phone_number_for_the_cjg() -> None:
    # Our sources give the CJG no phone number: a number right after 'CJG' would be invented.
    for c in SHIPPED.values():
        for key in ("how_to_get", "contact"):
            assert not re.search(r"CJG[^.]{0,40}\d{3}", getattr(c, key)), (c.id, key)


def _seed_files() -> dict[str, Path]:
    return {p.name: p for p in SEEDS_DIR.glob("*.txt")}


def test_every_named_seed_file_exists() -> None:
    if not SEEDS_DIR.is_dir():
        pytest.skip(SEED_MISSING)
    seeds = _seed_files()
    named = {s.seed for c in SHIPPED.values() for s in c.sources if s.seed}
    assert named, "the cards name seed files"
    assert named - set(seeds) == set()


def _standalone_number(value: str) -> re.Pattern[str]:
    body = r"[\s\-]*".join(re.escape(part) for part in re.split(r"[\s\-]+", value))
    return re.compile(rf"(?<![\d.,]){body}(?![\d]|[.,]\d)")


def test_every_figure_appears_in_the_seed_it_names() -> None:
    if not SEEDS_DIR.is_dir():
        pytest.skip(SEED_MISSING)
    by_number = {name[:3]: path for name, path in _seed_files().items()}
    missing = []
    for c in SHIPPED.values():
        for value, source in c.figures:
            for number in re.findall(r"\bseed (\d{3})\b", source):
                text = by_number[number].read_text(encoding="utf-8")
                if not _standalone_number(value).search(text):
                    missing.append((c.id, value, number))
    assert missing == []


def test_standalone_number_pattern() -> None:
    assert _standalone_number("010 267 26 53").search("bel 010 267 26 53.")
    assert not _standalone_number("22").search("in 2022")
    assert not _standalone_number("1").search("1,5 uur")
    assert _standalone_number("1,5").search("1 tot 1,5 uur")


# ------------------------------------------------------------------ facts (fact-check 2026-11-30)
def test_kinkhoest_card_says_free_own_appointment_from_22_weeks_every_pregnancy() -> None:
    card = SHIPPED["kinkhoest"]
    text = " ".join([card.summary, card.for_whom, card.costs, card.how_to_get])
    assert "gratis" in text and "zelf een afspraak" in text and "22 weken" in text
    assert "elke zwangerschap" in text
    assert any(s.url and "rijksvaccinatieprogramma.nl" in s.url for s in card.sources)


def test_moeders_van_rotterdam_does_not_promise_a_home_visit_to_everyone() -> None:
    card = SHIPPED["moeders_van_rotterdam"]
    text = " ".join([card.summary, card.for_whom, card.how_to_get])
    assert "zo snel mogelijk iemand bij je thuis" not in text
    assert "advies" in text and "coach" in text and "wijkteam" in text


def test_rotterdampakket_compact_is_named_where_the_rotterdampakket_is() -> None:
    card = SHIPPED["kraamzorg"]
    assert "Rotterdampakket Compact" in card.costs
    assert "wordt de eigen bijdrage al vergoed" not in card.costs


def test_no_unsupported_claims_from_the_fact_check() -> None:
    texts = {c.id: " ".join([c.summary, c.for_whom, c.costs, c.how_to_get, c.contact]) for c in SHIPPED.values()}
    assert "Je meldt je niet zelf aan" not in texts["nu_niet_zwanger"]
    assert "gemeente of het CJG" not in texts["sleutel_van_rotterdam"]
    assert "4 gebieden" in texts["borstvoeding"]
    assert SHIPPED["prenataal_huisbezoek"].name == "Huisbezoek als je zwanger bent"
    assert not any("Onze bronnen" in text for text in texts.values())


def test_new_offerings_have_cards() -> None:
    assert SHIPPED["kraamhotel"].intent == "info_kraamhotel"
    assert SHIPPED["babyspullen"].intent == "info_babyspullen"
    assert "drie" in SHIPPED["kraamhotel"].summary
    assert "2025" in SHIPPED["babyspullen"].summary


# ------------------------------------------------------------------ rendering
def test_source_tag_names_publishers_never_a_file() -> None:
    for card in SHIPPED.values():
        tag = card.source_tag
        assert tag.startswith("Bron: ") and f"{card.checked:%d-%m-%Y}" in tag
        assert not re.search(r"\.(txt|md|yml|csv)\b|FACTS|seed", tag), (card.id, tag)
        assert len(words(tag)) <= 12, (card.id, tag)
    assert "gemeente Rotterdam" in SHIPPED["babystartpakket"].source_tag
    assert "rijksvaccinatieprogramma.nl" in SHIPPED["kinkhoest"].source_tag


def test_source_tag_deduplicates_publishers() -> None:
    sources = SHIPPED["homestart"].sources
    assert source_tag(sources, dt.date(2026, 1, 2)) == "Bron: gemeente Rotterdam (02-01-2026)"


@pytest.mark.parametrize("card_id", sorted(SHIPPED))
def test_render_summary_fits_whatsapp(card_id: str) -> None:
    card = SHIPPED[card_id]
    text, buttons = render_summary(card)
    assert card.name in text and card.summary in text and card.source_tag in text
    assert card.source_line not in text
    assert len(text) <= MAX_MESSAGE_TEXT and len(words(text)) <= MAX_MESSAGE_WORDS
    assert 1 <= len(buttons) <= MAX_BUTTONS
    assert all(0 < len(b["title"]) <= MAX_BUTTON_TITLE for b in buttons), buttons
    assert len({b["title"] for b in buttons}) == len(buttons)
    assert all(b["payload"].startswith("/") for b in buttons)


@pytest.mark.parametrize("aspect,field", [("how", "how_to_get"), ("for_whom", "for_whom")])
@pytest.mark.parametrize("card_id", sorted(SHIPPED))
def test_render_detail_is_short_messages_with_a_source_tag(card_id: str, aspect: str, field: str) -> None:
    card = SHIPPED[card_id]
    messages, buttons = render_detail(card, aspect)
    assert messages[-1].endswith(card.source_tag)
    joined = " ".join(" ".join(m.split()) for m in messages)
    assert " ".join(getattr(card, field).split()) in joined
    assert " ".join((card.contact if aspect == "how" else card.costs).split()) in joined
    assert all(len(m) <= MAX_MESSAGE_TEXT and len(words(m)) <= MAX_MESSAGE_WORDS for m in messages), messages
    assert 1 <= len(buttons) <= MAX_BUTTONS
    assert all(0 < len(b["title"]) <= MAX_BUTTON_TITLE for b in buttons), buttons


def test_summary_buttons_follow_up_the_card() -> None:
    _, buttons = render_summary(SHIPPED["babystartpakket"])
    assert buttons[0]["payload"] == '/offering_how{"offering": "babystartpakket"}'
    assert buttons[1]["payload"] == '/offering_for_whom{"offering": "babystartpakket"}'
    assert buttons[2] == {"title": "Babyspullenbank", "payload": "/info_babyspullen"}
    _, buttons = render_summary(SHIPPED["kraamzorg"])
    assert buttons[2] == {"title": "Kraamzorg betalen", "payload": "/kraamzorg_check"}
    _, buttons = render_summary(SHIPPED["shantala"])
    assert buttons[2]["payload"] == "/request_human"


def test_detail_buttons_offer_the_other_aspect() -> None:
    _, how = render_detail(SHIPPED["kraamzorg"], "how")
    _, for_whom = render_detail(SHIPPED["kraamzorg"], "for_whom")
    assert how[0]["payload"].startswith("/offering_for_whom")
    assert for_whom[0]["payload"].startswith("/offering_how")
    assert [b["payload"] for b in how[1:]] == ["/kraamzorg_check", "/info_moeders_van_rotterdam"]
    _, plain = render_detail(SHIPPED["shantala"], "how")
    assert [b["payload"] for b in plain[1:]] == ["/ask_capabilities", "/request_human"]


# ------------------------------------------------------------------ schema: invalid cards
def _valid_card() -> dict[str, Any]:
    return {
        "id": "testhulp",
        "intent": "info_testhulp",
        "name": "Testhulp",
        "summary": "Testhulp helpt je. Bel 010 267 26 53.",
        "for_whom": "Voor ouders met kinderen tot 6 jaar.",
        "costs": "Onze bronnen noemen geen kosten.",
        "how_to_get": "Vraag het CJG.",
        "applies": "parent",
        "contact": "Het CJG.",
        "figures": [
            {"value": "010 267 26 53", "source": "seed 001"},
            {"value": "6", "source": "seed 003"},
        ],
        "sources": [{"ref": "Voortgangsbrief", "seed": "003_5a0fde9bb2cd66c4.txt"}],
        "checked": dt.date(2026, 1, 1),
        "related": [],
    }


def _write(directory: Path, data: Any, name: str | None = None) -> Path:
    name = name or (data.get("id") if isinstance(data, dict) and isinstance(data.get("id"), str) else "card")
    path = directory / f"{name}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_valid_fixture_card_loads(tmp_path: Path) -> None:
    _write(tmp_path, _valid_card())
    loaded = load_cards(tmp_path)
    assert isinstance(loaded["testhulp"], Card)
    assert loaded["testhulp"].figures == (("010 267 26 53", "seed 001"), ("6", "seed 003"))


def _without(key: str):
    def mutate(card: dict[str, Any]) -> None:
        del card[key]
    return mutate


def _set(key: str, value: Any):
    def mutate(card: dict[str, Any]) -> None:
        card[key] = value
    return mutate


def _tomorrow(card: dict[str, Any]) -> None:
    card["checked"] = dt.date.today() + dt.timedelta(days=1)


def _figure_without_source(card: dict[str, Any]) -> None:
    card["figures"][1] = {"value": "6"}


def _source_without_seed_or_url(card: dict[str, Any]) -> None:
    card["sources"] = [{"ref": "Een krant"}]


def _undeclared_figure(card: dict[str, Any]) -> None:
    card["costs"] = "Het kost € 25 per maand."


def _undeclared_phone(card: dict[str, Any]) -> None:
    card["contact"] = "Het CJG: 010 123 45 67."


def _unused_figure(card: dict[str, Any]) -> None:
    card["figures"].append({"value": "200", "source": "seed 001"})


def _long_name(card: dict[str, Any]) -> None:
    card["name"] = "Een heel lange naam voor een knop"


def _four_sentences(card: dict[str, Any]) -> None:
    card["summary"] = "Een. Twee. Drie. Vier."


def _huge_text(card: dict[str, Any]) -> None:
    card["for_whom"] = "Voor ouders met kinderen tot 6 jaar " + "en voor ouders " * 90


def _long_summary_message(card: dict[str, Any]) -> None:
    card["summary"] = ("Ga je er nu al of pas als je het wil en kan, of als we er met z'n al zijn of als je "
                       "er zin in hebt en of je er al was of bent of nog gaat of je met ons of met hen mee "
                       "wil of niet, dat is aan jou. Bel 010 267 26 53.")


def _bad_next_step(card: dict[str, Any]) -> None:
    card["next_step"] = {"title": "Een knoptitel die te lang is", "intent": "kraamzorg_check"}


INVALID = [
    *[pytest.param(_without(k), f"field '{k}' is missing", id=f"missing-{k}") for k in REQUIRED_FIELDS],
    *[pytest.param(_set(k, ""), f"field '{k}' is missing or empty", id=f"empty-{k}")
      for k in REQUIRED_FIELDS if k not in ("sources", "checked")],
    pytest.param(_set("sources", []), "field 'sources' is missing or empty", id="empty-sources"),
    pytest.param(_set("checked", ""), "field 'checked' is missing or empty", id="empty-checked"),
    pytest.param(_set("summary", "   "), "field 'summary' is missing or empty", id="blank-summary"),
    pytest.param(_set("applies", "everyone"), "field 'applies' must be one of", id="bad-applies"),
    pytest.param(_set("applies", "Parent"), "field 'applies' must be one of", id="applies-case"),
    pytest.param(_undeclared_figure, "figure '25' in 'costs' is not declared", id="undeclared-figure"),
    pytest.param(_undeclared_phone, "figure '010 123 45 67' in 'contact' is not declared", id="undeclared-phone"),
    pytest.param(_figure_without_source, "figure '6' has no source", id="figure-without-source"),
    pytest.param(_source_without_seed_or_url, "source 1 needs a 'seed' file name or a 'url'", id="source-no-seed-url"),
    pytest.param(_tomorrow, "field 'checked' lies in the future", id="future-date"),
    pytest.param(_set("checked", "23-11-2026"), "must be a date like", id="bad-date"),
    pytest.param(_set("checked", 2026), "must be a date like", id="date-not-a-date"),
    pytest.param(_set("intent", "homestart"), "field 'intent' must start with 'info_'", id="bad-intent"),
    pytest.param(_set("summary", ["a", "b"]), "field 'summary' must be text", id="text-is-list"),
    pytest.param(_set("sumary", "typo"), "unknown field(s) sumary", id="unknown-field"),
    pytest.param(_unused_figure, "figure '200' is declared but not used", id="unused-figure"),
    pytest.param(_set("figures", [{"value": "€ 200", "source": "seed 001"}]), "must be only the number",
                 id="figure-with-text"),
    pytest.param(_set("sources", [{"ref": "x", "seed": "003.txt"}]), "must be a seed file name", id="bad-seed"),
    pytest.param(_set("sources", [{"ref": "x", "url": "rotterdam.nl"}]), "must start with https://", id="bad-url"),
    pytest.param(_long_name, "add a short 'label'", id="long-name-no-label"),
    pytest.param(_set("label", "Een label dat te lang is"), "field 'label' must be text of 1 to 20", id="long-label"),
    pytest.param(_four_sentences, "has 4 sentences", id="summary-too-many-sentences"),
    pytest.param(_set("summary", "Lang " * 80), "keep it under", id="summary-too-long"),
    pytest.param(_huge_text, "WhatsApp allows 1024", id="rendered-text-too-long"),
    pytest.param(_long_summary_message, "first message has", id="summary-message-too-many-words"),
    pytest.param(_set("related", ["a", "b"]), "at most 1 card", id="too-many-related"),
    pytest.param(_set("related", ["testhulp"]), "must not name the card itself", id="related-self"),
    pytest.param(_set("related", "homestart"), "must be a list of card ids", id="related-not-list"),
    pytest.param(_bad_next_step, "next_step title must have 1 to 20", id="bad-next-step-title"),
    pytest.param(_set("next_step", {"title": "Kijk", "intent": "info_homestart"}), "not info_*",
                 id="next-step-to-card"),
    pytest.param(_set("id", "Test Hulp"), "field 'id' may only use", id="bad-id"),
]


@pytest.mark.parametrize("mutate,message", INVALID)
def test_schema_rejects_invalid_card(tmp_path: Path, mutate, message: str) -> None:
    data = copy.deepcopy(_valid_card())
    mutate(data)
    _write(tmp_path, data, name="testhulp")
    with pytest.raises(ContentError) as exc:
        load_cards(tmp_path)
    assert message in str(exc.value)
    assert "testhulp.yml" in str(exc.value)


def test_rejects_id_not_matching_file_name(tmp_path: Path) -> None:
    _write(tmp_path, _valid_card(), name="andere_naam")
    with pytest.raises(ContentError, match="id 'testhulp' must equal the file name 'andere_naam'"):
        load_cards(tmp_path)


def test_rejects_unknown_related_id(tmp_path: Path) -> None:
    data = _valid_card()
    data["related"] = ["bestaat_niet"]
    _write(tmp_path, data)
    with pytest.raises(ContentError, match="related card 'bestaat_niet' does not exist"):
        load_cards(tmp_path)


def test_rejects_two_cards_with_one_intent(tmp_path: Path) -> None:
    _write(tmp_path, _valid_card())
    other = _valid_card()
    other["id"] = "tweede"
    _write(tmp_path, other)
    with pytest.raises(ContentError, match="intent 'info_testhulp' is used by more than one card"):
        load_cards(tmp_path)


def test_rejects_a_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    (tmp_path / "lijst.yml").write_text("- een\n- twee\n", encoding="utf-8")
    with pytest.raises(ContentError, match="lijst.yml: a card must be a mapping"):
        load_cards(tmp_path)


def test_rejects_broken_yaml(tmp_path: Path) -> None:
    (tmp_path / "kapot.yml").write_text("id: kapot\nname: [niet dicht\n", encoding="utf-8")
    with pytest.raises(ContentError):
        load_cards(tmp_path)


def test_load_reports_every_broken_file(tmp_path: Path) -> None:
    for name in ("een", "twee"):
        data = _valid_card()
        data.update(id=name, intent=f"info_{name}", applies="iedereen")
        _write(tmp_path, data)
    with pytest.raises(ContentError) as exc:
        load_cards(tmp_path)
    assert "een.yml" in str(exc.value) and "twee.yml" in str(exc.value)


def test_related_resolves_within_given_catalogue(tmp_path: Path) -> None:
    first = _valid_card()
    second = _valid_card()
    second.update(id="tweede", intent="info_tweede", name="Tweede hulp")
    first["related"] = ["tweede"]
    _write(tmp_path, first)
    _write(tmp_path, second)
    catalogue = load_cards(tmp_path)
    _, buttons = render_summary(catalogue["testhulp"], catalogue)
    assert buttons[2] == {"title": "Tweede hulp", "payload": "/info_tweede"}
    # A related id that the catalogue lacks falls back to a human, never crashes.
    _, buttons = render_summary(catalogue["testhulp"], {})
    assert buttons[2]["payload"] == "/request_human"


def test_validate_card_accepts_iso_string_and_datetime() -> None:
    data = _valid_card()
    data["checked"] = "2026-01-01"
    assert validate_card(data).checked == dt.date(2026, 1, 1)
    data["checked"] = dt.datetime(2026, 1, 1, 9, 30)
    assert validate_card(data).checked == dt.date(2026, 1, 1)


def test_applies_values_are_the_documented_ones() -> None:
    assert APPLIES_VALUES == ("parent", "professional", "parent_or_professional")
    assert {c.applies for c in SHIPPED.values()} <= set(APPLIES_VALUES)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Bel 010 267 26 53.", ["010 267 26 53"]),
        ("Veilig Thuis: 0800-2000", ["0800-2000"]),
        ("na week 32, 8 weken", ["32", "8"]),
        ("1 tot 1,5 uur", ["1", "1,5"]),
        ("maximaal € 200.", ["200"]),
        ("de eerste 1.000 dagen", ["1.000"]),
        ("geen cijfers", []),
    ],
)
def test_figure_detection(text: str, expected: list[str]) -> None:
    assert _figures_in(text) == expected
