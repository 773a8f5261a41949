"""Postcode and wijk resolution (bot.places): every PC4 in the table, typos, outside, bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.places import gebied_for_pc4, location_from_key, location_key, parse_postcode, resolve_location
from bot.places.areas import AreasError, areas, haversine_km, load_areas
from bot.places.postcode import PC4_FILE, Pc4TableError, load_pc4_table, pc4_table

ROOT = Path(__file__).resolve().parents[2]

# FACTS.md 'Rotterdam areas': postcodes of the gemeente and PC4 -> gebied.
FACTS_RANGES = {
    "Centrum": range(3011, 3017), "Delfshaven": range(3021, 3030), "Noord": range(3031, 3040),
    "Overschie": range(3041, 3048), "Hillegersberg-Schiebroek": range(3051, 3057),
    "Kralingen-Crooswijk": range(3061, 3064), "Feijenoord": range(3071, 3076), "IJsselmonde": range(3076, 3080),
    "Charlois": range(3081, 3090), "Hoek van Holland": range(3151, 3152), "Rozenburg": range(3181, 3182),
    "Hoogvliet": range(3191, 3195), "Pernis": range(3195, 3196),
}
PRINS_ALEXANDER = [3059, *range(3064, 3070)]
GEMEENTE = [*range(3011, 3017), *range(3021, 3030), *range(3031, 3040), *range(3041, 3048), *range(3051, 3057),
            3059, *range(3061, 3070), *range(3071, 3080), *range(3081, 3090), 3151, 3181, *range(3191, 3200)]


# FACTS.md 'Corrections and additions (fact-check 2026-11-30)': 3034 is Crooswijk; these PC4s
# lie in two gebieden and must never be guessed.
CORRECTED = {3034: "Kralingen-Crooswijk"}
SPLIT = {3032: ("Noord", "Centrum"), 3071: ("Feijenoord", "IJsselmonde"), 3083: ("Charlois", "Feijenoord")}
# Rows checked against a public source (the rest stays marked unverified).
VERIFIED = {*range(3011, 3017), 3032, 3034, *range(3071, 3080), 3083}


def expected_gebied(pc4: int) -> str | None:
    if pc4 in SPLIT:
        return None
    if pc4 in CORRECTED:
        return CORRECTED[pc4]
    if pc4 in PRINS_ALEXANDER:
        return "Prins Alexander"
    return next((g for g, r in FACTS_RANGES.items() if pc4 in r), None)


# ----------------------------------------------------------------- the table
def test_table_lists_every_pc4_of_the_gemeente_and_the_po_boxes() -> None:
    table = pc4_table()
    assert set(table) == {str(p) for p in [*range(3001, 3010), *GEMEENTE]}


@pytest.mark.parametrize("pc4", GEMEENTE)
def test_every_pc4_resolves_as_facts_md_says(pc4: int) -> None:
    gebied = expected_gebied(pc4)
    assert gebied_for_pc4(str(pc4)) == gebied
    result = resolve_location(f"{pc4} XY")
    if pc4 in SPLIT:  # never guessed: both gebieden, no single one
        assert (result.kind, result.gebied, result.alternatives) == ("postcode", None, SPLIT[pc4])
        assert result.found and len(result.centres) == 2
        return
    if gebied is None:  # 3196-3199: in the gemeente, but FACTS.md names no gebied
        assert result.kind == "unknown" and result.in_rotterdam and result.reason == "no_gebied"
        return
    assert (result.kind, result.gebied, result.pc4) == ("postcode", gebied, str(pc4))
    centre = areas().gebieden[gebied]
    assert (result.lat, result.lon) == (centre.lat, centre.lon)
    assert result.unverified == (pc4 not in VERIFIED)  # the rest stays as FACTS.md marks it: UNVERIFIED


def test_every_verified_row_names_a_public_source() -> None:
    for pc4, entry in pc4_table().items():
        if not entry.unverified and entry.residential == "yes":
            assert "https://" in entry.source, pc4


@pytest.mark.parametrize("pc4,gebieden", sorted(SPLIT.items()))
def test_split_pc4_is_kept_as_both_gebieden_in_the_slot(pc4: int, gebieden: tuple[str, str]) -> None:
    key = location_key(resolve_location(f"{pc4} AB"))
    assert key == "pc-split:" + "|".join(gebieden) and str(pc4) not in key
    back = location_from_key(key)
    assert back is not None and back.alternatives == gebieden and back.gebied is None
    assert back.place_label == " of ".join(gebieden)


def test_crafted_split_keys_are_refused() -> None:
    for key in ("pc-split:Noord", "pc-split:Noord|Noord", "pc-split:Noord|Atlantis", "pc-split:"):
        assert location_from_key(key) is None


@pytest.mark.parametrize("pc4", range(3001, 3010))
def test_po_boxes_are_not_residential(pc4: int) -> None:
    assert gebied_for_pc4(str(pc4)) is None
    result = resolve_location(f"mijn postcode is {pc4} AA")
    assert result.kind == "unknown" and result.reason == "po_box"


def test_boundary_crossing_pc4s_carry_a_note() -> None:
    notes = {pc4: e.note for pc4, e in pc4_table().items()}
    assert all("Kralingen-Crooswijk" in notes[str(p)] for p in range(3031, 3040) if p not in (3032, 3034))
    assert all("twee gebieden" in notes[str(p)] for p in SPLIT)


FACTS_CENTRES = {
    "Centrum": (51.9157, 4.4769), "Delfshaven": (51.9124, 4.4455), "Overschie": (51.9529, 4.4264),
    "Noord": (51.9318, 4.4638), "Hillegersberg-Schiebroek": (51.9576, 4.4874), "Kralingen-Crooswijk": (51.9272, 4.5157),
    "Feijenoord": (51.8989, 4.5015), "IJsselmonde": (51.8878, 4.5434), "Charlois": (51.8795, 4.4757),
    "Pernis": (51.8876, 4.3882), "Hoogvliet": (51.8617, 4.3633), "Hoek van Holland": (51.9798, 4.1235),
    "Prins Alexander": (51.9534, 4.5573), "Rozenburg": (51.9156, 4.2318),
}


def test_gebied_centres_match_facts_md() -> None:
    assert {name: (g.lat, g.lon) for name, g in areas().gebieden.items()} == FACTS_CENTRES


def test_every_wijk_and_spelling_resolves_to_its_gebied() -> None:
    for gebied in areas().gebieden.values():
        for wijk in gebied.wijken:
            for spelling in (wijk.name, *wijk.spellings):
                result = resolve_location(f"ik woon in {spelling}")
                assert (result.kind, result.wijk, result.gebied) == ("wijk", wijk.name, gebied.name), spelling
                assert result.unverified == wijk.unverified
        for spelling in (gebied.name, *gebied.spellings):
            result = resolve_location(spelling.upper())
            assert (result.kind, result.gebied) == ("gebied", gebied.name), spelling


def test_bad_pc4_table_is_reported_by_line(tmp_path: Path) -> None:
    bad = tmp_path / "pc4.csv"
    bad.write_text(
        "pc4,gebied,residential,unverified,note,source,checked\n"
        "3071,Feijenoord,yes,yes,,FACTS.md,2026-11-23\n"
        "3071,Feijenoord,yes,yes,,FACTS.md,2026-11-23\n"
        "30x2,Feijenoord,yes,yes,,FACTS.md,2026-11-23\n"
        "3073,Atlantis,yes,maybe,,,2026-11-23\n",
        encoding="utf-8",
    )
    with pytest.raises(Pc4TableError) as exc:
        load_pc4_table(bad, gebieden=set(areas().gebieden))
    text = str(exc.value)
    assert "line 3: duplicate pc4 3071" in text
    assert "line 4: pc4 '30x2'" in text
    assert "line 5: unverified must be yes or no" in text
    assert "line 5: unknown gebied 'Atlantis'" in text
    assert "line 5: source is missing" in text


def test_shipped_pc4_file_is_valid() -> None:
    rows = list(csv.DictReader(PC4_FILE.open(encoding="utf-8")))
    assert rows and all(r["source"] and r["checked"] for r in rows)


def test_bad_areas_file_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "gebieden.yml"
    bad.write_text(
        "bbox: {lat_min: 51.84, lat_max: 52.01, lon_min: 3.95, lon_max: 4.62}\n"
        "gebieden:\n"
        "  - {name: Charlois, centre: {lat: 52.5, lon: 4.47}, wijken: [{name: Pendrecht}]}\n"
        "  - {name: Noord, centre: {lat: 51.93, lon: 4.46}, wijken: [{name: Pendrecht}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(AreasError) as exc:
        load_areas(bad)
    assert "outside" in str(exc.value) and "Pendrecht" in str(exc.value) and "14 gebieden" in str(exc.value)


# ----------------------------------------------------------------- postcodes
@pytest.mark.parametrize(
    "text, expected",
    [
        ("3072 AB", "3072 AB"), ("3072ab", "3072 AB"), ("mijn postcode is 3072 ab.", "3072 AB"),
        ("3072-AB", "3072 AB"), ("3072", "3072"), ("postcode 3081, charlois", "3081"),
        ("3072 en ik zoek een groep", "3072"), ("3072 SA", "3072"), ("bel 0102672653", None),
        ("123", None), ("0123 AB", None), ("30721", None), ("", None), ("geen postcode", None),
    ],
)
def test_parse_postcode(text: str, expected: str | None) -> None:
    assert parse_postcode(text) == expected


def test_parsers_accept_non_strings() -> None:
    for value in (None, 3072, 3.5, b"3072 AB", ["3072"], {"a": 1}):
        assert parse_postcode(value) is None
        assert gebied_for_pc4(value) is None
        assert resolve_location(value).kind == "unknown"


def test_gebied_for_pc4_needs_exactly_a_postcode() -> None:
    assert gebied_for_pc4("3072") == "Feijenoord"
    assert gebied_for_pc4(" 3072 AB ") == "Feijenoord"
    assert gebied_for_pc4("30721") is None
    assert gebied_for_pc4("ik woon in 3072") is None
    assert gebied_for_pc4("9999") is None


# ----------------------------------------------------------------- names and typos
@pytest.mark.parametrize(
    "text, kind, gebied, wijk",
    [
        ("charloys", "gebied", "Charlois", None),
        ("delfshave", "gebied", "Delfshaven", None),
        ("Delftshaven", "gebied", "Delfshaven", None),
        ("ijselmonde", "gebied", "IJsselmonde", None),
        ("Ijsselmonde", "gebied", "IJsselmonde", None),
        ("hillegersberg", "gebied", "Hillegersberg-Schiebroek", None),
        ("hilegersberg", "gebied", "Hillegersberg-Schiebroek", None),
        ("kralingen", "gebied", "Kralingen-Crooswijk", None),
        ("Feyenoord", "gebied", "Feijenoord", None),
        ("is er een samenspeelgroep in charlois", "gebied", "Charlois", None),
        ("ik woon in oud charlois", "wijk", "Charlois", "Oud-Charlois"),
        ("ik woon in rotterdam, in hillesluis", "wijk", "Feijenoord", "Hillesluis"),
        ("hilesluis", "wijk", "Feijenoord", "Hillesluis"),
        ("afrikaanderbuurt", "wijk", "Feijenoord", "Afrikaanderwijk"),
        ("kop van zuid", "wijk", "Feijenoord", "Kop van Zuid"),
        ("pendreht", "wijk", "Charlois", "Pendrecht"),
        ("Hoek van Holand", "gebied", "Hoek van Holland", None),
        ("sinds 2024 woon ik in pendrecht", "wijk", "Charlois", "Pendrecht"),
    ],
)
def test_names_and_typos(text: str, kind: str, gebied: str, wijk: str | None) -> None:
    result = resolve_location(text)
    assert (result.kind, result.gebied, result.wijk) == (kind, gebied, wijk)
    assert 0.5 < result.confidence <= 1.0


def test_typo_has_lower_confidence_than_exact() -> None:
    assert resolve_location("charloys").confidence < resolve_location("charlois").confidence == 1.0


@pytest.mark.parametrize("text", ["2511 CK", "ik woon in 1012 AB", "schiedam", "ik woon in Capelle aan den IJssel",
                                  "Vlaardingen", "barendregt"])
def test_outside_rotterdam(text: str) -> None:
    result = resolve_location(text)
    assert result.kind == "outside" and result.in_rotterdam is False and result.gebied is None


def test_postcode_beats_name_and_bare_number_does_not_beat_a_name() -> None:
    assert resolve_location("2511 CK, niet charlois").kind == "outside"
    assert resolve_location("3072 AB charlois").gebied == "Feijenoord"
    assert resolve_location("in 2024 naar charlois verhuisd").gebied == "Charlois"


@pytest.mark.parametrize("text", ["rotterdam", "Rotterdam-Zuid", "ik woon in zuid"])
def test_too_broad_asks_again_with_examples(text: str) -> None:
    result = resolve_location(text)
    assert result.kind == "unknown" and result.reason == "too_broad" and result.examples


@pytest.mark.parametrize(
    "text",
    ["", "   ", "zijn er groepen voor moeders bij mij in de buurt?", "ik zoek andere vaders", "spannend",
     "bla bla", "🙂🙂", "ik ben 30 weken zwanger", "groep", "cool", "west"],
)
def test_no_location(text: str) -> None:
    result = resolve_location(text)
    assert not result.found and result.kind in {"unknown"}


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_parsers_never_raise(text: str) -> None:
    parse_postcode(text)
    gebied_for_pc4(text)
    result = resolve_location(text)
    assert result.kind in {"postcode", "wijk", "gebied", "outside", "unknown"}
    location_from_key(text)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1000, max_value=9999), st.sampled_from(["", " AB", "xy", "-ZZ"]))
def test_any_postcode_is_rotterdam_or_outside(pc4: int, letters: str) -> None:
    result = resolve_location(f"{pc4}{letters}")
    if pc4 in GEMEENTE and expected_gebied(pc4):
        assert result.kind == "postcode" and result.gebied == expected_gebied(pc4)
    elif pc4 in SPLIT:  # a postcode in two gebieden: both are offered
        assert result.kind == "postcode" and result.gebied is None and len(result.alternatives) == 2
    elif 3001 <= pc4 <= 3009 or pc4 in GEMEENTE:
        assert result.kind == "unknown" and result.in_rotterdam
    else:
        assert result.kind == "outside"


def test_long_input_is_fast_and_safe() -> None:
    result = resolve_location("ik woon in " + "heel erg ver weg " * 5000 + " charlois")
    assert result.kind in {"unknown", "gebied"}


# ----------------------------------------------------------------- slot keys
def test_slot_key_round_trip_keeps_no_postcode() -> None:
    pc = resolve_location("3072 AB")
    key = location_key(pc)
    assert key == "pc-gebied:Feijenoord" and "3072" not in key
    assert location_from_key(key).gebied == "Feijenoord"
    assert location_key(resolve_location("pendrecht")) == "wijk:Pendrecht"
    assert location_from_key("wijk:Pendrecht").gebied == "Charlois"
    assert location_key(resolve_location("schiedam")) == "outside"
    assert location_key(resolve_location("bla")) is None
    assert location_from_key("gebied:Atlantis") is None
    assert location_from_key("wijk:") is None


def test_haversine() -> None:
    assert haversine_km(51.8795, 4.4757, 51.8795, 4.4757) == 0
    # Charlois -> Feijenoord centres: a few km
    assert 2 < haversine_km(51.8795, 4.4757, 51.8989, 4.5015) < 3


@pytest.mark.parametrize("pc4", sorted(SPLIT))
def test_a_postcode_in_two_gebieden_offers_both(pc4: int) -> None:
    result = resolve_location(str(pc4))
    assert result.kind == "postcode" and result.gebied is None and set(result.alternatives) == set(SPLIT[pc4])
