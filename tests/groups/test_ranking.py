"""Ranking: filters from the question, distance, audience match, 'meer' paging, texts."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.groups.answer import groups_answer, read_location
from bot.groups.model import Group
from bot.groups.ranking import audience_from_text, kinds_from_text, page, rank_groups
from bot.places import resolve_location
from bot.readability import MAX_MESSAGE_WORDS, words


def make(gid: str, audience: str = "parents", gebied: str | None = None, wijk: str | None = None,
         lat: float | None = None, lon: float | None = None, kind: str = "ontmoetingsgroep") -> Group:
    return Group(
        id=gid, name=gid, kind=kind, description="Tekst.", audience=tuple(audience.split(";")),
        gebied=gebied, wijk=wijk, address="", lat=lat, lon=lon, schedule="", how_to_join="Vraag het CJG.",
        contact="het CJG", source="test", checked=dt.date(2026, 11, 1), location_verified=True,
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ik zoek andere vaders", {"fathers"}),
        ("zijn er groepen voor papa's", {"fathers"}),
        ("ik ben zwanger", {"pregnant"}),
        ("groep voor zwangere vrouwen", {"pregnant"}),
        ("iets voor mijn peuter", {"toddler"}),
        ("speelgroep met mijn dreumes", {"toddler"}),
        ("zijn er groepen voor moeders bij mij in de buurt?", {"mothers"}),
        ("ik ben aanstaande vader", {"fathers"}),
        ("is er een samenspeelgroep in charlois", set()),
        ("", set()),
    ],
)
def test_audience_from_text(text: str, expected: set[str]) -> None:
    assert audience_from_text(text) == expected


def test_audience_from_text_accepts_anything() -> None:
    assert audience_from_text(None) == frozenset()
    assert audience_from_text(42) == frozenset()


def test_nearest_first_then_audience_match() -> None:
    groups = [
        make("far_ijsselmonde", gebied="IJsselmonde"),
        make("near_same_gebied", gebied="Charlois"),
        make("feijenoord_parents", gebied="Feijenoord"),
        make("feijenoord_fathers", audience="fathers", gebied="Feijenoord"),
        make("citywide", gebied="Rotterdam"),
        make("unknown_place"),
        make("hoek", gebied="Hoek van Holland"),
    ]
    here = resolve_location("charlois")
    ranked, ok = rank_groups(groups, here)
    assert ok
    ids = [r.group.id for r in ranked]
    # a group for fathers only goes last when nobody asked for fathers
    assert ids == ["near_same_gebied", "feijenoord_parents", "far_ijsselmonde", "hoek",
                   "citywide", "unknown_place", "feijenoord_fathers"]
    assert ranked[0].distance_km == 0 and ranked[-2].distance_km is None
    # the fathers filter keeps groups for fathers or all parents; exact match first at equal distance
    ranked, ok = rank_groups(groups, here, audience_from_text("ik zoek andere vaders"))
    ids = [r.group.id for r in ranked]
    assert ok and ids[:3] == ["near_same_gebied", "feijenoord_fathers", "feijenoord_parents"]


def test_filter_excludes_groups_for_others() -> None:
    groups = [make("moms", "mothers", "Charlois"), make("dads", "fathers", "IJsselmonde"), make("bumps", "pregnant",
                                                                                             "Charlois")]
    here = resolve_location("pendrecht")
    assert [r.group.id for r in rank_groups(groups, here, {"fathers"})[0]] == ["dads"]
    assert [r.group.id for r in rank_groups(groups, here, {"pregnant"})[0]] == ["bumps"]
    assert {r.group.id for r in rank_groups(groups, here, {"mothers"})[0]} == {"moms", "bumps"}


def test_no_match_for_filter_falls_back_to_all_groups() -> None:
    groups = [make("moms", "mothers", "Charlois")]
    ranked, ok = rank_groups(groups, resolve_location("charlois"), {"toddler"})
    assert not ok and [r.group.id for r in ranked] == ["moms"]


def test_group_coordinates_beat_the_gebied_centre() -> None:
    # a group in gebied Noord but with coordinates right at Charlois' centre
    groups = [make("feijenoord", gebied="Feijenoord"), make("coords", gebied="Noord", lat=51.8795, lon=4.4757)]
    assert [r.group.id for r in rank_groups(groups, resolve_location("charlois"))[0]] == ["coords", "feijenoord"]


def test_same_wijk_first_within_a_gebied() -> None:
    groups = [make("charlois_other", gebied="Charlois", wijk="Carnisse"), make("pendrecht", gebied="Charlois",
                                                                                wijk="Pendrecht")]
    assert rank_groups(groups, resolve_location("pendrecht"))[0][0].group.id == "pendrecht"


def test_without_location_citywide_first() -> None:
    groups = [make("located", gebied="Charlois"), make("unknown"), make("citywide", gebied="Rotterdam")]
    assert [r.group.id for r in rank_groups(groups, None)[0]] == ["citywide", "located", "unknown"]


def test_kind_named_in_the_question_comes_first() -> None:
    assert kinds_from_text("is er een samenspeelgroep in charlois") == {"samenspeelgroep"}
    assert kinds_from_text("ik zoek andere vaders") == frozenset()
    groups = [make("near", gebied="Charlois"), make("citywide_play", gebied="Rotterdam", kind="samenspeelgroep")]
    ranked, _ = rank_groups(groups, resolve_location("charlois"), (), kinds_from_text("samenspeelgroep?"))
    assert [r.group.id for r in ranked] == ["citywide_play", "near"]


def test_paging() -> None:
    items = list(range(7))
    assert page(items, 0) == ([0, 1, 2], True)
    assert page(items, 3) == ([3, 4, 5], True)
    assert page(items, 6) == ([6], False)
    assert page(items, 9) == ([], False)


# ------------------------------------------------------------ the shipped data, as a parent sees it
def test_charlois_answer_shows_three_groups_with_all_fields_and_a_more_button() -> None:
    answer, next_offset = groups_answer("gebied:Charlois")
    assert next_offset == 3
    text = answer.text
    assert text.count("Voor:") == 3 and text.count("Waar:") == 3 and text.count("Meedoen:") == 3
    assert text.count("Bron:") == 1 and "Bron: gemeente Rotterdam (" in answer.messages[-1]
    assert "Pendrecht" in text.split("*2.")[0]  # the Pendrecht practice (in Charlois) first
    assert answer.buttons[0] == {"title": "Meer groepen", "payload": "/more_groups"}
    assert len(answer.buttons) <= 3
    assert "[seed" not in text and "FACTS" not in text
    # short messages for a phone: a header, then one message per group
    assert all(len(words(m)) <= MAX_MESSAGE_WORDS for m in answer.messages), answer.messages
    assert [m.startswith(f"*{i}.") for i, m in enumerate(answer.messages[1:4], 1)] == [True] * 3


def test_border_postcode_shows_groups_near_both_gebieden() -> None:
    answer, _ = groups_answer("pc-split:Feijenoord|IJsselmonde")
    assert answer.messages[0].startswith("Je postcode ligt deels in Feijenoord en deels in IJsselmonde.")
    assert "waarschijnlijk bij" not in answer.text


def test_more_pages_until_the_end() -> None:
    seen: list[str] = []
    offset: int | None = 0
    pages = 0
    while offset is not None:
        answer, offset = groups_answer("gebied:Charlois", (), offset)
        seen += [line for line in answer.text.splitlines() if line.startswith("*")]
        pages += 1
    assert pages == 4 and len(seen) == 11 and len(set(seen)) == 11
    assert "Meer groepen" not in str(answer.buttons)
    assert "alle groepen" in answer.text


def test_fathers_in_feijenoord_get_daddys_place_first() -> None:
    answer, _ = groups_answer("wijk:Hillesluis", ["fathers"])
    first = answer.text.split("*2.")[0]
    assert "Daddy's Place" in first and "vaders" in answer.text.splitlines()[0]
    assert "Mama's Garden" not in answer.text
    assert "CenteringPregnancy" not in answer.text


def test_pregnant_filter_shows_centering_and_unlocated_practices_last() -> None:
    offset: int | None = 0
    names: list[str] = []
    while offset is not None:
        answer, offset = groups_answer("gebied:Noord", ["pregnant"], offset)
        names += [line for line in answer.text.splitlines() if line.startswith("*")]
    assert all("West" not in n and "Oost" not in n and "Bergweg" not in n for n in names[:2])
    assert any("Bergweg" in n for n in names[-4:])


def test_postcode_header_says_the_mapping_is_approximate() -> None:
    answer, _ = groups_answer("pc-gebied:Feijenoord")
    assert answer.text.startswith("Je postcode hoort waarschijnlijk bij Feijenoord.")
    assert "3072" not in answer.text


def test_outside_answer_points_to_cjg_or_own_gemeente() -> None:
    answer, next_offset = groups_answer("outside")
    assert next_offset is None
    assert "niet in Rotterdam" in answer.text and "CJG" in answer.text and "gemeente" in answer.text


def test_read_location_replies() -> None:
    assert read_location("3072 AB").key == "pc-gebied:Feijenoord"
    assert read_location("weet ik niet").key == "rotterdam"
    assert read_location("2511 CK").key == "outside"
    unknown = read_location("blabladorp")
    assert unknown.key is None and "ken ik niet" in unknown.message
    broad = read_location("rotterdam zuid")
    assert broad.key is None and "Charlois" in broad.message
    assert read_location("3001 AB").key is None and "postbus" in read_location("3001 AB").message
    assert read_location("3198").key is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_question_parsers_never_raise(text: str) -> None:
    audience_from_text(text)
    kinds_from_text(text)
    reply = read_location(text)
    assert reply.key is not None or reply.message
    answer, _ = groups_answer(text, [text], 0)
    assert answer.text and len(answer.buttons) <= 3


def test_after_a_loss_no_groups_for_pregnant_women_or_babies() -> None:
    groups = [make("bumps", "pregnant", "Charlois"), make("babies", "baby;parents", "Charlois"),
              make("centering", "parents", "Charlois", kind="centering"), make("moms", "mothers", "Charlois")]
    here = resolve_location("charlois")
    assert [r.group.id for r in rank_groups(groups, here, after_loss=True)[0]] == ["moms"]
    assert len(rank_groups(groups, here)[0]) == 4


def test_after_birth_groups_only_for_pregnant_women_are_left_out() -> None:
    groups = [make("centering", "pregnant", "Charlois", kind="centering"), make("moms", "mothers", "Charlois"),
              make("bumps_and_babies", "pregnant;baby", "Charlois")]
    here = resolve_location("charlois")
    ids = [r.group.id for r in rank_groups(groups, here, stage="born")[0]]
    assert ids == ["moms", "bumps_and_babies"]
    # she names the kind herself: it stays
    assert "centering" in [r.group.id for r in rank_groups(groups, here, kinds={"centering"}, stage="born")[0]]
    # pregnant or unknown: everything
    assert len(rank_groups(groups, here, stage="pregnant")[0]) == 3
    assert len(rank_groups(groups, here)[0]) == 3


def test_groups_for_fathers_only_go_last_unless_fathers_are_asked_for() -> None:
    groups = [make("dads", "fathers", "Charlois"), make("far_parents", "parents", "Hoek van Holland")]
    here = resolve_location("charlois")
    assert [r.group.id for r in rank_groups(groups, here)[0]] == ["far_parents", "dads"]
    assert [r.group.id for r in rank_groups(groups, here, {"fathers"})[0]][0] == "dads"


@pytest.mark.parametrize("text", ["308", "30 8", "postcode 30", "3a"])
def test_part_of_a_postcode_is_asked_for_the_four_digits(text: str) -> None:
    reply = read_location(text)
    assert reply.key is None and "4 cijfers" in reply.message and "weet ik niet" in reply.message


def test_a_postcode_typed_halfway_counts_by_its_digits() -> None:
    assert read_location("3072a").key == read_location("3072 AB").key == "pc-gebied:Feijenoord"
