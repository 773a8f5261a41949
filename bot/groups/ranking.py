"""Which groups to show first: filters from the question, then distance, then audience match.

Groups of a kind named in the question ('samenspeelgroep') come first. Then, with the
parent's location known:
1. groups with a place (coordinates, or the centre of their gebied) by distance from the
   parent's gebied centre, rounded to whole km; within the same distance a group in the
   parent's own wijk first, then the better audience match;
2. city-wide offers (gebied 'Rotterdam': in many wijken, ask where);
3. groups whose place is unknown (e.g. a practice named 'West').
Without a parent location the city-wide offers come first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.groups.model import Group
from bot.places.areas import haversine_km, normalise
from bot.places.resolve import LocationResult

PAGE_SIZE = 3

# Words in the question -> audience filter. Matched on the start of a word.
_FILTER_WORDS: dict[str, tuple[str, ...]] = {
    "fathers": ("vader", "papa", "pappa", "paps", "daddy", "daddies"),
    "mothers": ("moeder", "mama", "mamma", "mams", "moeders"),
    "pregnant": ("zwanger", "aanstaande", "verwachting", "uitgerekend"),
    "toddler": ("peuter", "dreumes", "dreumis", "peutertje"),
    "baby": ("baby", "pasgeboren", "zuigeling"),
}
# Words in the question -> kinds of group shown first ('is er een samenspeelgroep ...').
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "samenspeelgroep": ("samenspeel", "speelgroep", "speelochtend"),
    "centering": ("centering", "groepszorg", "groepscontrole"),
    "buurtgezin": ("buurtgezin", "steungezin", "maatjesgezin"),
    "themabijeenkomst": ("themabijeenkomst", "voorlichting", "informatieavond", "cursus"),
    "community": ("community", "daddy", "daddys", "mamas", "garden"),
}
# Which audiences satisfy a wanted filter ('parents' = open to every parent).
_ACCEPTS: dict[str, set[str]] = {
    "fathers": {"fathers", "parents"},
    "mothers": {"mothers", "parents", "pregnant"},
    "pregnant": {"pregnant"},
    "toddler": {"toddler"},
    "baby": {"baby"},
}


def audience_from_text(text: object) -> frozenset[str]:
    """The audience filter a question asks for ('ik zoek andere vaders' -> {'fathers'})."""
    if not isinstance(text, str):
        return frozenset()
    words = normalise(text[:1000]).split()
    wanted = {aud for aud, stems in _FILTER_WORDS.items() if any(w.startswith(stems) for w in words)}
    if "fathers" in wanted:
        # 'aanstaande vader': the father is not the pregnant one; keep groups for fathers.
        wanted.discard("pregnant")
    return frozenset(wanted)


def kinds_from_text(text: object) -> frozenset[str]:
    """Kinds of group the question names ('samenspeelgroep in charlois' -> {'samenspeelgroep'})."""
    if not isinstance(text, str):
        return frozenset()
    words = normalise(text[:1000]).split()
    return frozenset(kind for kind, stems in _KIND_WORDS.items() if any(w.startswith(stems) for w in words))


def matches(group: Group, wanted: Iterable[str]) -> bool:
    """True when the group is for everyone the question asks about."""
    audience = set(group.audience)
    return all(audience & _ACCEPTS.get(w, {w}) for w in wanted)


def audience_score(group: Group, wanted: Iterable[str]) -> int:
    """How many wanted audiences the group names explicitly (fathers > parents)."""
    return sum(1 for w in wanted if w in group.audience)


@dataclass(frozen=True)
class Ranked:
    group: Group
    distance_km: float | None
    tier: int
    score: int


# After a parent told us she lost her baby: no groups for pregnant women or for babies
# (content/wellbeing/baby_loss.yml keeps the same cards silent).
AFTER_LOSS_HIDDEN_AUDIENCES = frozenset({"pregnant", "baby"})
AFTER_LOSS_HIDDEN_KINDS = frozenset({"centering"})


def shown_after_loss(group: Group) -> bool:
    """Whether a group may be shown to a parent who lost her baby."""
    return not (set(group.audience) & AFTER_LOSS_HIDDEN_AUDIENCES) and group.kind not in AFTER_LOSS_HIDDEN_KINDS


def fits_stage(group: Group, stage: str | None, kinds: frozenset[str] = frozenset()) -> bool:
    """Whether a group fits where the parent is: once her baby is born, groups only for pregnant
    women (CenteringPregnancy) are left out, unless she asks for that kind by name."""
    if stage != "born" or group.kind in kinds:
        return True
    return not set(group.audience) <= {"pregnant"}


def for_fathers_only(group: Group) -> bool:
    return set(group.audience) == {"fathers"}


def rank_groups(
    groups: Iterable[Group], location: LocationResult | None, wanted: Iterable[str] = (), kinds: Iterable[str] = (),
    after_loss: bool = False, stage: str | None = None,
) -> tuple[list[Ranked], bool]:
    """Rank the groups for a parent. Returns (ranked list, whether the filter matched anything).

    When no group fits the filter, all groups are ranked (and the flag is False) so the parent
    still gets an answer. Groups of a kind the question names come first. ``after_loss``: groups
    for pregnant women and babies are left out (:func:`shown_after_loss`). ``stage`` ('pregnant',
    'born' or None, from her earlier messages): see :func:`fits_stage`. Groups for fathers only go
    last unless fathers are asked for (most who ask are mothers).
    """
    wanted = frozenset(wanted)
    kinds = frozenset(kinds)
    pool = [g for g in groups if shown_after_loss(g)] if after_loss else list(groups)
    pool = [g for g in pool if fits_stage(g, stage, kinds)]
    fitting = [g for g in pool if matches(g, wanted)]
    filter_ok = bool(fitting) or not wanted
    if fitting:
        pool = fitting
    # A border postcode has two centres: a group counts as near when it is near either of them.
    here = location.centres if location is not None else []
    ranked: list[tuple[tuple, Ranked]] = []
    for index, group in enumerate(pool):
        point = group.point()
        distance = min(haversine_km(lat, lon, point[0], point[1]) for lat, lon in here) if here and point else None
        if here:
            tier = 0 if point is not None else (1 if group.citywide else 2)
        else:
            tier = 0 if group.citywide else (1 if point is not None else 2)
        same_wijk = bool(location and location.wijk and group.wijk == location.wijk)
        score = audience_score(group, wanted)
        fathers_last = 1 if for_fathers_only(group) and "fathers" not in wanted and group.kind not in kinds else 0
        key = (0 if group.kind in kinds or not kinds else 1, fathers_last, tier, round(distance) if distance is not None else 0, 0 if same_wijk else 1, -score, index)
        ranked.append((key, Ranked(group, distance, tier, score)))
    ranked.sort(key=lambda item: item[0])
    return [r for _, r in ranked], filter_ok


def page(ranked: list[Ranked], offset: int, size: int = PAGE_SIZE) -> tuple[list[Ranked], bool]:
    """The groups on one page and whether more follow."""
    offset = max(0, int(offset))
    return ranked[offset:offset + size], len(ranked) > offset + size
