"""The contact registry (content/contacts.yml): schema, sources, coverage, rendering helpers."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.contacts import (
    CONTACTS_FILE,
    Contact,
    contact,
    contact_line,
    contacts,
    load_contacts,
    mentioned_contacts,
    routes_for,
    validate_contact,
    with_routes,
)
from bot.content import ContentError

ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = next((p / "shared" / "seeds" for p in ROOT.parents if (p / "shared" / "seeds").is_dir()), None)

SHIPPED = contacts()

# Routes the issue asks for (12 items 1, 3, 5) and the safety lines of FACTS.md.
REQUIRED_IDS = {
    "aanmeldpunt", "cjg", "gemeente", "vraagwijzer", "wijkteam", "svb", "toeslagen", "uwv",
    "huisarts", "huisartsenpost", "verloskundige", "alarm_112", "veilig_thuis", "zelfmoordpreventie_113",
    "ouders_overleden_kind", "steunpunt_nova",
}


def test_shipped_registry_loads_and_has_the_required_routes() -> None:
    assert REQUIRED_IDS <= set(SHIPPED)
    assert all(isinstance(c, Contact) for c in SHIPPED.values())


@pytest.mark.parametrize("cid", sorted(SHIPPED))
def test_every_contact_is_reachable_and_sourced(cid: str) -> None:
    c = SHIPPED[cid]
    assert c.phone or c.url or c.route
    assert c.sources and all(s.url or s.seed for s in c.sources)
    assert c.checked <= dt.date.today()


def test_numbers_match_facts_and_the_other_content() -> None:
    """One number per organisation across the project: registry, safety texts, registration."""
    from bot.registration.consent import AANMELDPUNT_PHONE

    assert contact("aanmeldpunt").phone == AANMELDPUNT_PHONE == "010 267 26 53"
    assert contact("alarm_112").phone == "112"
    assert contact("veilig_thuis").phone == "0800-2000"
    assert contact("zelfmoordpreventie_113").phone == "113"
    assert contact("gemeente").phone == "14 010"
    safety = (ROOT / "content" / "safety.yml").read_text(encoding="utf-8")
    for cid in ("alarm_112", "veilig_thuis", "zelfmoordpreventie_113"):
        assert contact(cid).phone in safety


def test_no_invented_number_for_organisations_without_a_sourced_one() -> None:
    # Our sources give no phone number for these: the route is given in words.
    for cid in ("cjg", "svb", "uwv", "huisartsenpost", "wijkteam", "huisarts", "verloskundige"):
        c = contact(cid)
        assert c.phone == "", cid
        assert not re.search(r"\d{3}[ \-]?\d{2,}", c.route), (cid, c.route)


def test_a_phone_sourced_only_by_seeds_appears_in_one_of_them() -> None:
    if SEEDS_DIR is None:
        pytest.skip("../shared/seeds is absent: cannot check the seed files")
    seed_only = [c for c in SHIPPED.values() if c.phone and all(s.seed and not s.url for s in c.sources)]
    checked = [c for c in SHIPPED.values() if c.phone and any(s.seed for s in c.sources)]
    assert checked, "the aanmeldpunt number is sourced by seed 001"
    for c in seed_only + [contact("aanmeldpunt")]:
        texts = [(SEEDS_DIR / s.seed).read_text(encoding="utf-8") for s in c.sources if s.seed]
        assert any(c.phone in t for t in texts), c.id


def test_texts_use_je_form_not_u() -> None:
    for c in SHIPPED.values():
        for text in (c.route, c.note, c.reachable):
            assert not re.search(r"\b(u|uw)\b", text, re.IGNORECASE), (c.id, text)


# ------------------------------------------------------------------ rendering
def test_contact_line_gives_the_number_or_the_route() -> None:
    assert contact_line("aanmeldpunt") == "*Aanmeldpunt Moeders van Rotterdam*: bel 010 267 26 53."
    assert contact_line("veilig_thuis").startswith("*Veilig Thuis*: bel 0800-2000. Gratis")
    cjg = contact_line("cjg")
    assert "cjgrijnmond.nl" in cjg and "bij jou in de buurt" in cjg
    assert contact("wijkteam").route in contact_line("wijkteam")
    assert "Advies en hulp" in contact_line("veilig_thuis", with_note=True)


def test_contact_for_unknown_id_names_it() -> None:
    with pytest.raises(KeyError, match="no contact 'bestaat_niet'"):
        contact("bestaat_niet")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Vraag het CJG of je verloskundige.", ["cjg"]),
        ("Het consultatiebureau van het Centrum voor Jeugd en Gezin", ["cjg"]),
        ("De Vraagwijzer of vrijwilligers in het buurthuis helpen.", ["vraagwijzer"]),
        ("Bel het aanmeldpunt of het wijkteam.", ["aanmeldpunt", "wijkteam"]),
        ("De SVB regelt de kinderbijslag, Dienst Toeslagen de zorgtoeslag.", ["svb", "toeslagen"]),
        ("Vraag het aan je werkgever of het UWV.", ["uwv"]),
        ("Niets om te verwijzen hier.", []),
        ("cjgrijnmond is geen woord voor de regex", []),
    ],
)
def test_mentioned_contacts(text: str, expected: list[str]) -> None:
    assert mentioned_contacts(text) == expected


def test_routes_for_adds_only_missing_routes() -> None:
    text = "Vraag het CJG. Of bel het aanmeldpunt: 010 267 26 53."
    assert routes_for(text) == [contact_line("cjg")]
    assert routes_for("Bel het aanmeldpunt: 010 267 26 53.") == []
    assert routes_for("Vraag het CJG.", exclude=("cjg",)) == []
    assert with_routes("Geen organisatie.") == "Geen organisatie."
    block = with_routes("Vraag het CJG.")
    assert block.startswith("Vraag het CJG.\n\n• ") and "cjgrijnmond.nl" in block


# ------------------------------------------------------------------ schema: invalid entries
def _valid() -> dict[str, Any]:
    return {
        "id": "testloket",
        "name": "Testloket",
        "phone": "010 267 26 53",
        "route": "Bel 010 267 26 53 op werkdagen.",
        "note": "Helpt ouders met kinderen tot 4 jaar.",
        "figures": [{"value": "4", "source": "seed 003"}],
        "sources": [{"ref": "Projecten Stevige Start", "seed": "001_eb423f63e596da97.txt"}],
        "checked": dt.date(2026, 1, 1),
    }


def _write(tmp_path: Path, entries: list[Any]) -> Path:
    path = tmp_path / "contacts.yml"
    path.write_text(yaml.safe_dump({"contacts": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_valid_fixture_loads(tmp_path: Path) -> None:
    loaded = load_contacts(_write(tmp_path, [_valid()]))
    assert loaded["testloket"].phone == "010 267 26 53"


def _drop(*keys: str):
    def mutate(entry: dict[str, Any]) -> None:
        for key in keys:
            entry.pop(key, None)
    return mutate


def _set(key: str, value: Any):
    def mutate(entry: dict[str, Any]) -> None:
        entry[key] = value
    return mutate


INVALID = [
    pytest.param(_drop("sources"), "field 'sources' is missing", id="no-sources"),
    pytest.param(_set("sources", []), "field 'sources' is missing", id="empty-sources"),
    pytest.param(_set("sources", [{"ref": "Een krant"}]), "needs a 'seed' file name or a 'url'", id="source-no-url"),
    pytest.param(_drop("checked"), "field 'checked' is missing", id="no-checked"),
    pytest.param(_set("checked", dt.date.today() + dt.timedelta(days=2)), "lies in the future", id="future"),
    pytest.param(_drop("phone", "route"), "needs a way to reach them", id="unreachable"),
    pytest.param(_set("phone", "bel 010 267 26 53"), "must be only the number", id="phone-with-words"),
    pytest.param(_set("phone", 112), "must be text", id="phone-not-quoted"),
    pytest.param(_set("route", "Bel 010 123 45 67."), "figure '010 123 45 67' in 'route'", id="unsourced-number"),
    pytest.param(_set("note", "Open tot 17 uur."), "figure '17' in 'note'", id="unsourced-hour"),
    pytest.param(_set("note", "Helpt ouders."), "figure '4' is declared but not used", id="unused-figure"),
    pytest.param(_set("url", "www.example.nl"), "must start with https://", id="bad-url"),
    pytest.param(_set("telefoon", "x"), "unknown field(s) telefoon", id="typo-field"),
    pytest.param(_set("id", "Test Loket"), "field 'id' may only use", id="bad-id"),
    pytest.param(_set("note", "Lang. " * 60), "keep it under", id="long-note"),
]


@pytest.mark.parametrize("mutate,message", INVALID)
def test_schema_rejects_invalid_contact(tmp_path: Path, mutate, message: str) -> None:
    entry = copy.deepcopy(_valid())
    mutate(entry)
    with pytest.raises(ContentError) as exc:
        load_contacts(_write(tmp_path, [entry]))
    assert message in str(exc.value)


def test_rejects_duplicate_ids_and_reports_every_broken_entry(tmp_path: Path) -> None:
    broken = _valid()
    broken.pop("sources")
    with pytest.raises(ContentError) as exc:
        load_contacts(_write(tmp_path, [_valid(), _valid(), broken]))
    assert "duplicate id 'testloket'" in str(exc.value)
    assert "entry 3" in str(exc.value)


@pytest.mark.parametrize("content", ["- een\n- twee\n", "contacts: geen lijst\n", "contacts: [niet dicht\n"])
def test_rejects_a_file_of_the_wrong_shape(tmp_path: Path, content: str) -> None:
    path = tmp_path / "contacts.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ContentError):
        load_contacts(path)


def test_validate_contact_rejects_a_non_mapping() -> None:
    with pytest.raises(ContentError, match="must be a mapping"):
        validate_contact(["id", "x"])


def test_shipped_file_is_the_default() -> None:
    assert CONTACTS_FILE == ROOT / "content" / "contacts.yml"
    assert load_contacts() == SHIPPED
