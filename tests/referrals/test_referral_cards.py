"""Referral cards (content/referrals/): schema (a card without a sourced contact fails), coverage,
rendering limits, and their place in domain, NLU and rules."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.contacts import contact_line, contacts
from bot.content import MAX_BUTTON_TITLE, MAX_BUTTONS, MAX_MESSAGE_TEXT, ContentError, cards
from bot.referrals import (
    REFERRALS_DIR,
    Referral,
    load_referrals,
    referral_for_intent,
    referrals,
    render_referral,
    render_referral_detail,
)

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = referrals()
# The card ids the issue asks for (issue 12 item 3 and the brief), plus the CJG card (item 5).
REQUIRED = {
    "kinderbijslag", "kindgebonden_budget", "zorgtoeslag", "kinderopvangtoeslag", "geboorteaangifte", "erkenning",
    "zwangerschapsverlof", "partnerverlof", "consultatiebureau", "verloskundige_vinden", "huisarts_vinden",
    "kraamzorg_boeken", "lening_babyspullen", "housing", "debts", "zorgverzekering", "cjg",
}


def test_at_least_fifteen_cards_with_the_required_ids() -> None:
    assert len(SHIPPED) >= 15
    assert REQUIRED <= set(SHIPPED)
    assert sorted(SHIPPED) == sorted(p.stem for p in REFERRALS_DIR.glob("*.yml"))


@pytest.mark.parametrize("card_id", sorted(SHIPPED))
def test_every_card_names_sourced_contacts(card_id: str) -> None:
    ref = SHIPPED[card_id]
    assert ref.contacts
    for cid in ref.contacts:
        c = contacts()[cid]
        assert c.sources and (c.phone or c.url or c.route)
    assert all(s.url or s.seed for s in ref.card.sources)
    for _, source in ref.card.figures:
        assert re.search(r"\bseed \d{3}\b|https?://", source), (card_id, source)


@pytest.mark.parametrize("card_id", sorted(SHIPPED))
def test_rendering_fits_whatsapp_and_shows_how_to_reach_them(card_id: str) -> None:
    ref = SHIPPED[card_id]
    for text, buttons in (render_referral(ref), render_referral_detail(ref, "how"), render_referral_detail(ref, "for_whom")):
        assert len(text) <= MAX_MESSAGE_TEXT
        assert 1 <= len(buttons) <= MAX_BUTTONS
        assert all(0 < len(b["title"]) <= MAX_BUTTON_TITLE for b in buttons)
        assert len({b["title"] for b in buttons}) == len(buttons)
        assert text.endswith(ref.card.source_tag) and ref.card.source_line not in text
    summary, buttons = render_referral(ref)
    assert ref.card.summary in summary and ref.card.contact in summary
    for cid in ref.contacts:
        assert contact_line(cid) in summary
    assert buttons[0]["payload"] == f'/offering_how{{"offering": "{card_id}"}}'
    assert buttons[-1]["payload"] == "/request_human"
    how, _ = render_referral_detail(ref, "how")
    assert ref.card.how_to_get in how and all(contact_line(cid) in how for cid in ref.contacts)
    for_whom, _ = render_referral_detail(ref, "for_whom")
    assert ref.card.for_whom in for_whom and ref.card.costs in for_whom


def test_answer_ids() -> None:
    assert SHIPPED["kinderbijslag"].answer_id == "referral:kinderbijslag"
    assert SHIPPED["cjg"].answer_id == "cjg"


def test_texts_use_je_form_and_no_cjg_phone_number() -> None:
    for ref in SHIPPED.values():
        c = ref.card
        for text in (c.name, c.summary, c.for_whom, c.costs, c.how_to_get, c.contact):
            assert not re.search(r"\b(u|uw)\b", text, re.IGNORECASE), (c.id, text)
            assert not re.search(r"CJG[^.]{0,40}\d{3}", text), (c.id, text)


def test_known_facts_on_the_cards() -> None:
    assert "14 010" in SHIPPED["geboorteaangifte"].card.how_to_get  # stil geboren: bel 14 010
    assert "3 dagen" in SHIPPED["geboorteaangifte"].card.summary
    assert "4 maanden" in SHIPPED["zorgverzekering"].card.summary
    assert "16 weken" in SHIPPED["zwangerschapsverlof"].card.summary
    assert SHIPPED["kraamzorg_boeken"].card.next_step == ("Kraamzorg betalen", "kraamzorg_check")
    assert "aanmeldpunt" in SHIPPED["housing"].contacts and "vraagwijzer" in SHIPPED["housing"].contacts
    assert "hulpteam_geldzaken" in SHIPPED["debts"].contacts
    assert render_referral(SHIPPED["cjg"])[0].count("cjgrijnmond.nl") >= 1


def test_related_buttons_open_referral_cards() -> None:
    _, buttons = render_referral(SHIPPED["kinderbijslag"])
    assert buttons[1] == {"title": "Kindgebonden budget", "payload": "/info_kindgebonden_budget"}
    _, buttons = render_referral(SHIPPED["debts"])
    assert buttons[1]["payload"] == "/ask_capabilities"


def test_every_card_has_intent_rule_and_training_data() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    intents = set(domain["intents"])
    rules = yaml.safe_load((ROOT / "data" / "stories" / "referrals.yml").read_text(encoding="utf-8"))["rules"]
    shown = {r["steps"][0]["intent"] for r in rules if r["steps"][-1].get("action") == "action_show_referral"}
    nlu = yaml.safe_load((ROOT / "data" / "nlu" / "referrals.yml").read_text(encoding="utf-8"))["nlu"]
    trained = {b["intent"] for b in nlu}
    for ref in SHIPPED.values():
        assert ref.intent in intents and ref.intent in shown and ref.intent in trained, ref.id
        assert referral_for_intent(ref.intent) == ref
    assert {"action_show_referral", "action_human", "action_explain_term"} <= set(domain["actions"])


def test_no_clash_with_the_offering_cards() -> None:
    offering_intents = {c.intent for c in cards().values()}
    assert not offering_intents & {r.intent for r in SHIPPED.values()}
    assert not set(cards()) & set(SHIPPED)


# ------------------------------------------------------------------ schema: invalid cards
def _valid() -> dict[str, Any]:
    return {
        "id": "testvraag",
        "intent": "info_testvraag",
        "name": "Testvraag",
        "summary": "De SVB regelt dit.",
        "for_whom": "Voor ouders.",
        "costs": "Gratis.",
        "how_to_get": "Vraag het aan in Mijn SVB.",
        "applies": "parent",
        "contact": "De SVB.",
        "contacts": ["svb"],
        "sources": [{"ref": "Rijksoverheid", "url": "https://www.rijksoverheid.nl/x"}],
        "checked": dt.date(2026, 1, 1),
    }


def _write(directory: Path, data: dict[str, Any], name: str = "testvraag") -> None:
    (directory / f"{name}.yml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_valid_fixture_loads(tmp_path: Path) -> None:
    _write(tmp_path, _valid())
    loaded = load_referrals(tmp_path, offerings={})
    assert isinstance(loaded["testvraag"], Referral) and loaded["testvraag"].contacts == ("svb",)


def _without_contacts(d: dict[str, Any]) -> None:
    del d["contacts"]


INVALID = [
    pytest.param(_without_contacts, "field 'contacts' must list at least one contact", id="no-contact"),
    pytest.param(lambda d: d.update(contacts=[]), "must list at least one contact", id="empty-contacts"),
    pytest.param(lambda d: d.update(contacts="svb"), "must list at least one contact", id="contacts-not-list"),
    pytest.param(lambda d: d.update(contacts=["bestaat_niet"]), "bestaat_niet not in content/contacts.yml",
                 id="unknown-contact"),
    pytest.param(lambda d: d.update(contacts=["svb", "svb"]), "names a contact twice", id="twice"),
    pytest.param(lambda d: d.update(contacts=["svb", "uwv", "cjg", "gemeente", "huisarts"]), "at most 4",
                 id="too-many"),
    pytest.param(lambda d: d.update(how_to_get="Bel 030 123 45 67."), "figure '030 123 45 67' in 'how_to_get'",
                 id="unsourced-number"),
    pytest.param(lambda d: d.update(sources=[{"ref": "krant"}]), "needs a 'seed' file name or a 'url'",
                 id="unsourced-card"),
    pytest.param(lambda d: d.update(intent="kinderbijslag"), "must start with 'info_'", id="bad-intent"),
    pytest.param(lambda d: d.update(summary="Een. Twee. Drie. Vier."), "has 4 sentences", id="long-summary"),
]


@pytest.mark.parametrize("mutate,message", INVALID)
def test_schema_rejects_invalid_card(tmp_path: Path, mutate, message: str) -> None:
    data = copy.deepcopy(_valid())
    mutate(data)
    _write(tmp_path, data)
    with pytest.raises(ContentError) as exc:
        load_referrals(tmp_path, offerings={})
    assert message in str(exc.value) and "testvraag.yml" in str(exc.value)


def test_rejects_clash_with_an_offering_and_unknown_related(tmp_path: Path) -> None:
    clash = _valid()
    clash.update(id="homestart", intent="info_homestart")
    _write(tmp_path, clash, "homestart")
    related = _valid()
    related["related"] = ["bestaat_niet"]
    _write(tmp_path, related)
    with pytest.raises(ContentError) as exc:
        load_referrals(tmp_path)
    assert "intent 'info_homestart' is used by another card" in str(exc.value)
    assert "also an offering card" in str(exc.value)
    assert "related card 'bestaat_niet' is not a referral card" in str(exc.value)


def test_rejects_id_not_matching_the_file_name(tmp_path: Path) -> None:
    _write(tmp_path, _valid(), "andere_naam")
    with pytest.raises(ContentError, match="must equal the file name 'andere_naam'"):
        load_referrals(tmp_path, offerings={})


def test_rejects_a_rendered_message_that_is_too_long(tmp_path: Path) -> None:
    data = _valid()
    data["for_whom"] = "Voor ouders. " * 90
    _write(tmp_path, data)
    with pytest.raises(ContentError, match="WhatsApp allows 1024"):
        load_referrals(tmp_path, offerings={})
