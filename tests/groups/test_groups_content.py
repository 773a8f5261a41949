"""The shipped groups file is valid and holds only sourced entries."""

from __future__ import annotations

import csv
import re

from bot.groups.model import AUDIENCES, COLUMNS, GROUPS_FILE, groups, load_groups
from bot.places.areas import areas


def test_shipped_groups_file_is_valid() -> None:
    loaded = load_groups()
    assert len(loaded) >= 11
    with GROUPS_FILE.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert tuple(header) == COLUMNS


def test_every_group_has_a_source_and_no_invented_contact_details() -> None:
    phone = re.compile(r"\b0\d{1,3}[ -]?\d{3}[ -]?\d{2}[ -]?\d{2}\b|\b06[ -]?\d{8}\b")
    for group in groups():
        assert group.source.strip(), group.id
        assert "seed" in group.source or "FACTS.md" in group.source, group.id
        # The seeds give no addresses, coordinates or schedules for any group.
        assert not group.address and group.lat is None and not group.schedule, group.id
        text = " ".join([group.description, group.how_to_join, group.contact])
        assert not phone.search(text), group.id
        assert set(group.audience) <= set(AUDIENCES)


def test_the_seed_groups_are_present() -> None:
    by_id = {g.id: g for g in groups()}
    for expected in ("samenspeelgroepen", "mamas_garden", "daddys_place", "buurtgezinnen", "cjg_themabijeenkomsten",
                     "centering_pendrecht", "centering_charlois", "centering_west", "centering_in_den_bolle_buik",
                     "centering_oost", "centering_bergweg"):
        assert expected in by_id, expected
    # Report trivia stays in the source, not in what parents read (fact-check 2026-11-30).
    assert "2024" not in by_id["samenspeelgroepen"].description and "19 wijken" in by_id["samenspeelgroepen"].source
    assert "kinderopvang" in by_id["samenspeelgroepen"].how_to_join
    assert not by_id["buurtgezinnen"].citywide and "proef" in by_id["buurtgezinnen"].description
    assert by_id["mamas_garden"].wijk is None and by_id["mamas_garden"].gebied == "Feijenoord"
    assert "gratis" not in by_id["daddys_place"].description and "Zuid" not in by_id["daddys_place"].description
    assert by_id["samenspeelgroepen"].citywide
    assert by_id["daddys_place"].audience == ("fathers",) and by_id["daddys_place"].gebied == "Feijenoord"
    # Practices: placed only where the name is unambiguous, and then still marked unverified.
    assert (by_id["centering_pendrecht"].gebied, by_id["centering_pendrecht"].wijk) == ("Charlois", "Pendrecht")
    assert by_id["centering_charlois"].gebied == "Charlois"
    for practice in ("west", "in_den_bolle_buik", "oost", "bergweg"):
        group = by_id[f"centering_{practice}"]
        assert group.gebied is None and not group.location_verified and not group.located
    for group in by_id.values():
        if group.kind == "centering":
            assert group.audience == ("pregnant",) and not group.location_verified


def test_group_gebieden_and_wijken_exist() -> None:
    for group in groups():
        if group.gebied and not group.citywide:
            assert group.gebied in areas().gebieden
        if group.wijk:
            assert areas().gebied_of_wijk(group.wijk) == group.gebied
