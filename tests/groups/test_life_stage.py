"""life_stage: pregnant or baby born, from her messages (newest first)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.parsing.dates import BORN_STAGE, PREGNANT_STAGE, life_stage

TODAY = dt.date(2026, 12, 2)


@pytest.mark.parametrize(
    "texts, expected",
    [
        (["ik ben 20 weken zwanger"], PREGNANT_STAGE),
        (["mijn baby is 3 weken oud"], BORN_STAGE),
        (["ik ben vorige week bevallen van een zoon"], BORN_STAGE),
        (["zijn er groepen in charlois", "mn dochtertje is 2 maanden"], BORN_STAGE),
        # the newest message that tells wins
        (["ons kindje is er! 5 dagen oud", "ik was 38 weken zwanger"], BORN_STAGE),
        (["ik ben nu zwanger van de tweede", "mijn zoon is 3 maanden"], PREGNANT_STAGE),
        # someone else, a negation or nothing: no stage
        (["mijn zus is zwanger"], None),
        (["ik ben niet zwanger"], None),
        (["groepen in feijenoord"], None),
        ([], None),
    ],
)
def test_life_stage(texts: list[str], expected: str | None) -> None:
    assert life_stage(texts, TODAY) == expected
