"""A baby loss she tells about is no sign of reduced movement now (issue 12, third round).

"mijn kindje leeft niet meer" after a diagnosis or a termination describes the loss: the parent
gets the "bel bij twijfel" line and the baby-loss answer, not "bel nu je verloskundige". When she
says what she feels or since when, she may not know yet: the emergency answer stays. Our own
phrasings, never an evaluation set's."""

from __future__ import annotations

import pytest

from bot.safety import assess

TOLD_LOSS = [
    "bij de echo zagen ze dat ons kindje niet kon leven, we hebben de zwangerschap laten beeindigen",
    "we hebben het kindje laten weghalen want het was erg ziek, nu voel ik me zo leeg",
    "ik krijg nog brieven over de kraamzorg maar ons kindje leeft niet meer",
    "ons zoontje is overleden, hij bewoog niet meer toen we in het ziekenhuis kwamen",
]
STILL_URGENT = [
    "mijn kindje leeft niet meer denk ik, ik voel niks meer bewegen",
    "ik voel hem niet meer, ik ben bang dat mijn kindje niet meer leeft",
    "sinds vanochtend beweegt de baby niet meer, leeft hij nog wel",
    "ik ben 33 weken en de baby beweegt niet meer",
    "ik heb hem sinds gisteren niet gevoeld, is hij overleden?",
]
NO_SLEEP_SIGN = [
    "ons zoontje is na 5 dagen in het ziekenhuis overleden, heeft mijn partner recht op verlof?",
    "na 3 dagen op de afdeling mag ik naar huis, heb ik recht op kraamzorg",
]


@pytest.mark.parametrize("text", TOLD_LOSS)
def test_a_told_loss_gets_the_maybe_line_not_the_movement_emergency(text: str) -> None:
    found = assess(text)
    assert not found.is_emergency, found


@pytest.mark.parametrize("text", STILL_URGENT)
def test_fear_or_what_she_feels_stays_urgent(text: str) -> None:
    found = assess(text)
    assert found.is_emergency, found


@pytest.mark.parametrize("text", NO_SLEEP_SIGN)
def test_op_in_recht_op_is_not_awake_for_days(text: str) -> None:
    assert assess(text).tier not in {"mental_crisis", "suicide"}


def test_awake_for_days_in_hours_still_fires() -> None:
    assert assess("ik ben al 60 uur op en alles voelt raar").tier == "mental_crisis"
    assert assess("sinds 50 uur op, ik slaap gewoon niet").tier == "mental_crisis"
    assert assess("ik ben al 3 dagen op").tier == "mental_crisis"
