"""Follow-up terms (content/terms.yml): schema, matching in context, the context of the last answer."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import ContentError, cards
from bot.referrals import referrals
from bot.terms import (
    CONTEXT_TURNS,
    context_from_events,
    find_terms,
    load_terms,
    normalise,
    render_term,
    terms,
    terms_for_context,
)

SHIPPED = terms()
CARD_IDS = set(cards()) | set(referrals())


def test_shipped_terms_load_with_existing_cards_and_contacts() -> None:
    assert load_terms(card_ids=CARD_IDS) == SHIPPED
    assert len(SHIPPED) >= 12
    assert {"pro_formafactuur", "formulier_bijzondere_bijstand", "vraagwijzer", "wanneer_aanvragen", "cjg"} <= set(SHIPPED)


@pytest.mark.parametrize(
    "question,context,expected",
    [
        # the persona test's questions after the kraamzorg outcome (issue 12)
        ("wat is een pro formafactuur", "kraamzorg_outcome", "pro_formafactuur"),
        ("wat is een pro forma factuur?", "kraamzorg_outcome", "pro_formafactuur"),
        ("Proforma??", "kraamzorg_outcome", "pro_formafactuur"),
        ("waar vind ik dat formulier", "kraamzorg_outcome", "formulier_bijzondere_bijstand"),
        ("wat is de vraagwijzer", "kraamzorg_outcome", "vraagwijzer"),
        ("moet ik het voor de bevalling aanvragen of erna", "kraamzorg_outcome", "wanneer_aanvragen"),
        ("wat is bijzondere bijstand", "kraamzorg_outcome", "bijzondere_bijstand"),
        ("wat is een schuldregeling", "kraamzorg_outcome", "schuldregeling"),
        # terms in cards
        ("wat is een bsn", "card:kinderbijslag", "bsn"),
        ("wat is het LRK", "card:kinderopvangtoeslag", "lrk"),
        ("wat is een proefberekening", "card:zorgtoeslag", "proefberekening"),
        ("wat is een zwangerschapsverklaring", "card:zwangerschapsverlof", "zwangerschapsverklaring"),
        # global terms without a context
        ("wat is de vraagwijzer", None, "vraagwijzer"),
        ("wat is het cjg", None, "cjg"),
        ("hoe bereik ik het Centrum voor Jeugd en Gezin", None, "cjg"),
        ("wat is een wijkteam", None, "wijkteam"),
    ],
)
def test_find_terms(question: str, context: str | None, expected: str) -> None:
    found = find_terms(question, context)
    assert found and found[0].id == expected, [t.id for t in found]


@pytest.mark.parametrize(
    "question,context",
    [
        ("waar vind ik dat formulier", None),  # no context: the formulier is not a global term
        ("wat is een pro formafactuur", "card:kinderbijslag"),
        ("hoe gaat het met je", "kraamzorg_outcome"),
        ("", "kraamzorg_outcome"),
    ],
)
def test_find_terms_outside_its_context_finds_nothing(question: str, context: str | None) -> None:
    assert find_terms(question, context) == []


def test_context_terms_come_before_global_ones() -> None:
    found = [t.id for t in find_terms("wat is bijzondere bijstand en de vraagwijzer", "kraamzorg_outcome")]
    assert found.index("bijzondere_bijstand") < found.index("vraagwijzer")


def test_terms_for_context() -> None:
    ids = [t.id for t in terms_for_context("kraamzorg_outcome")]
    assert ids[:3] == ["pro_formafactuur", "formulier_bijzondere_bijstand", "wanneer_aanvragen"]
    assert terms_for_context(None) == []


def test_render_term_has_contact_route_and_source() -> None:
    text = render_term(SHIPPED["formulier_bijzondere_bijstand"])
    assert "categorie 7" in text and "14 010" in text and text.rstrip().endswith(")")
    tag = render_term(SHIPPED["pro_formafactuur"]).rsplit("\n", 1)[-1]
    assert re.fullmatch(r"Bron: gemeente Rotterdam \(\d\d-\d\d-\d{4}\)", tag)  # the short tag, never a file name


def test_normalise() -> None:
    assert normalise("Wat is een PRO-FORMA factuur?!") == "wat is een pro-forma factuur"
    assert normalise("Wat is 'n BSN? ") == "wat is n bsn"
    assert normalise("café") == "cafe"


# ------------------------------------------------------------------ context of the last answer
def _action(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


def _user(text: str = "x") -> dict[str, Any]:
    return {"event": "user", "text": text}


def test_context_after_the_kraamzorg_outcome_and_follow_ups() -> None:
    events = [_user("kraamzorg"), _action("kraamzorg_form"), _action("action_kraamzorg_result"),
              _action("action_listen"), _user("wat is een pro forma")]
    assert context_from_events(events, {}) == "kraamzorg_outcome"
    events += [_action("action_explain_term"), _action("action_listen"), _user("en waar vind ik dat formulier")]
    assert context_from_events(events, {}) == "kraamzorg_outcome"


def test_context_of_a_card_uses_the_offering_slot() -> None:
    events = [_user(), _action("action_show_referral"), _action("action_listen"), _user()]
    assert context_from_events(events, {"offering": "kinderbijslag"}) == "card:kinderbijslag"
    assert context_from_events(events, {"offering": None}) is None


def test_newest_answer_wins_and_context_expires() -> None:
    events = [_user(), _action("action_kraamzorg_result"), _user(), _action("action_show_referral"), _user()]
    assert context_from_events(events, {"offering": "zorgtoeslag"}) == "card:zorgtoeslag"
    old = [_user(), _action("action_kraamzorg_result")] + [_user(), _action("utter_thank")] * (CONTEXT_TURNS + 1) + [_user()]
    assert context_from_events(old, {}) is None
    recent = [_user(), _action("action_kraamzorg_result"), _user(), _action("utter_thank"), _user()]
    assert context_from_events(recent, {}) == "kraamzorg_outcome"
    new_topic = [_user(), _action("action_kraamzorg_result"), _user(), _action("utter_capabilities"), _user()]
    assert context_from_events(new_topic, {}) is None
    restarted = [_user(), _action("action_kraamzorg_result"), {"event": "restart"}, _user()]
    assert context_from_events(restarted, {}) is None
    assert context_from_events([], {}) is None


# ------------------------------------------------------------------ schema: invalid terms
def _valid() -> dict[str, Any]:
    return {
        "id": "testwoord", "name": "Testwoord", "patterns": ["test ?woord"], "contexts": ["kraamzorg_outcome"],
        "explanation": "Een testwoord.", "sources": [{"ref": "x", "url": "https://example.org/x"}],
        "checked": dt.date(2026, 1, 1),
    }


def _load(tmp_path: Path, entry: dict[str, Any]) -> dict:
    path = tmp_path / "terms.yml"
    path.write_text(yaml.safe_dump({"terms": [entry]}, allow_unicode=True), encoding="utf-8")
    return load_terms(path, card_ids={"kinderbijslag"})


@pytest.mark.parametrize(
    "change,message",
    [
        ({"patterns": ["("]}, "not a valid regular expression"),
        ({"patterns": [".*"]}, "matches an empty message"),
        ({"contexts": ["overal"]}, "field 'contexts' must list"),
        ({"contexts": ["card:bestaat_niet"]}, "context 'card:bestaat_niet' names no card"),
        ({"card": "bestaat_niet"}, "card 'bestaat_niet' does not exist"),
        ({"contacts": ["bestaat_niet"]}, "bestaat_niet not in content/contacts.yml"),
        ({"explanation": "Bel 010 123 45 67."}, "figure '0101234567' in the texts is not declared"),
        ({"name": "Een veel te lange naam voor een knop"}, "must fit a button"),
        ({"sources": [{"ref": "x"}]}, "needs a 'seed' file name or a 'url'"),
        ({"explanation": ""}, "field 'explanation' is missing"),
        ({"uitleg": "typo"}, "unknown field(s) uitleg"),
    ],
)
def test_schema_rejects_invalid_term(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    entry = {**_valid(), **change}
    with pytest.raises(ContentError) as exc:
        _load(tmp_path, entry)
    assert message in str(exc.value)


def test_valid_term_loads(tmp_path: Path) -> None:
    loaded = _load(tmp_path, {**_valid(), "contexts": ["card:kinderbijslag", "global"], "contacts": ["svb"]})
    assert loaded["testwoord"].contexts == ("card:kinderbijslag", "global")
