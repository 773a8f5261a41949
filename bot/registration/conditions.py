"""Who can register (seed 001): a pregnant woman who is staying in Rotterdam, until the birth.

Anyone else is told where to go instead: after the birth the CJG, outside Rotterdam her own
gemeente. Nothing is stored in those cases.
"""

from __future__ import annotations

import re

from bot.parsing.common import is_dont_know, normalise, yes_no
from bot.privacy.texts import nothing_kept_text
from bot.registration.texts import text

PREGNANT = "pregnant"
BORN = "born"
NOT_PREGNANT = "not_pregnant"

PREGNANT_BUTTONS = [
    {"title": "Ja, ik ben zwanger", "payload": "Ja, ik ben zwanger"},
    {"title": "Mijn baby is geboren", "payload": "Nee, mijn baby is al geboren"},
    {"title": "Nee", "payload": "Nee, ik ben niet zwanger"},
]
ROTTERDAM_BUTTONS = [
    {"title": "Ja, in Rotterdam", "payload": "Ja, ik woon in Rotterdam"},
    {"title": "Nee", "payload": "Nee, niet in Rotterdam"},
]

_BORN = re.compile(
    r"\b(bevallen|geboren|gekregen|al een baby|baby is er|kindje is er|kraamtijd|kraamweek|bevalling was|"
    r"net moeder|pas moeder|(is|zijn) (\d+ )?(dagen|weken|maanden) oud|"
    r"born|gave birth|given birth|had (my|the|our) baby|(is|are) (\d+ )?(days|weeks|months) old)\b"
)
_PREGNANT = re.compile(r"\b(zwanger|in verwachting|uitgerekend|baby komt|verwacht (een|ons|mijn)|pregnant|expecting|"
                       r"due in|due on)\b")
_NOT_ROTTERDAM = re.compile(
    r"\b(schiedam|vlaardingen|capelle|barendrecht|ridderkerk|spijkenisse|maassluis|krimpen|lansingerland|"
    r"albrandswaard|nissewaard|den haag|delft|dordrecht|gouda|zoetermeer|amsterdam|utrecht|buiten rotterdam)\b"
)
_ROTTERDAM = re.compile(
    r"\b(rotterdam|r'?dam|010|centrum|delfshaven|overschie|noord|hillegersberg|schiebroek|kralingen|crooswijk|"
    r"feijenoord|ijsselmonde|pernis|prins alexander|ommoord|charlois|hoogvliet|hoek van holland|rozenburg|"
    r"zuid|west|oost|afrikaanderwijk|bloemhof|hillesluis|katendrecht|kop van zuid|lombardijen|pendrecht|"
    r"tarwewijk|carnisse|zuidwijk|spangen|bospolder|tussendijken|nieuwe westen|middelland|oude westen|"
    r"blijdorp|bergpolder|liskwartier|agniesebuurt|provenierswijk|oude noorden|lombardijen|beverwaard|"
    r"groot ijsselmonde|vreewijk|bloemhof|het lage land|zevenkamp|nesselande|oosterflank|prinsenland)\b"
)


def parse_pregnant(text: str | None) -> str | None:
    """``pregnant``, ``born`` (the baby is already born), ``not_pregnant`` or None (unclear)."""
    norm = normalise(text)
    if not norm or norm.startswith("/") or is_dont_know(norm):
        return None
    if _BORN.search(norm) and not re.search(r"\b(nog niet|niet) (bevallen|geboren)\b|\bnot (yet )?born\b", norm):
        return BORN
    if re.search(r"\b(niet|geen|nog niet) zwanger\b|\bnot pregnant\b", norm):
        return NOT_PREGNANT
    if _PREGNANT.search(norm):
        return PREGNANT
    answer = yes_no(norm)
    if answer is None:
        return None
    return PREGNANT if answer else NOT_PREGNANT


def parse_rotterdam(text: str | None) -> bool | None:
    """Is she staying in Rotterdam? True, False or None (unclear)."""
    norm = normalise(text)
    if not norm or norm.startswith("/") or is_dont_know(norm):
        return None
    if _NOT_ROTTERDAM.search(norm):
        return False
    answer = yes_no(norm)
    if answer is not None:
        return answer
    if _ROTTERDAM.search(norm):
        return True
    return None


def born_text(lang: str = "nl") -> str:
    return f"{text('conditions.born', lang)} {nothing_kept_text(lang)}"


def not_pregnant_text(lang: str = "nl") -> str:
    return f"{text('conditions.not_pregnant', lang)} {nothing_kept_text(lang)}"


def outside_rotterdam_text(lang: str = "nl") -> str:
    return f"{text('conditions.outside_rotterdam', lang)} {nothing_kept_text(lang)}"
