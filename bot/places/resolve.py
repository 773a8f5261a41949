"""Resolve free text ('3072 AB', 'ik woon in charloys') to a Rotterdam gebied/wijk.

Order: a full postcode (with letters) wins; then a wijk, gebied or other-gemeente name
(exact, then with small typos via rapidfuzz); a bare 4-digit number counts as a postcode
when no name was found or when it is a Rotterdam PC4. Never raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Levenshtein

from bot.places.areas import Areas, areas, normalise
from bot.places.postcode import parse_postcode, pc4_entry

KINDS = ("postcode", "wijk", "gebied", "outside", "unknown")
_MAX_TOKENS = 80
_MAX_GRAM = 4


@dataclass(frozen=True)
class LocationResult:
    """Where the parent is, as far as the text tells.

    kind: postcode | wijk | gebied | outside | unknown. ``lat``/``lon`` are the gebied's
    centre. ``unverified`` is set when the PC4 -> gebied or wijk -> gebied mapping is not
    verified. ``reason`` explains an 'unknown' ('empty', 'no_match', 'po_box', 'no_gebied',
    'too_broad'); ``examples`` are names to suggest when asking again.
    """

    kind: str
    gebied: str | None = None
    wijk: str | None = None
    pc4: str | None = None
    lat: float | None = None
    lon: float | None = None
    unverified: bool = False
    confidence: float = 0.0
    in_rotterdam: bool | None = None
    reason: str | None = None
    matched: str | None = None
    examples: tuple[str, ...] = ()
    # A postcode on the border of two gebieden: both (then ``gebied`` is None: never guessed).
    alternatives: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        """True when a Rotterdam gebied (or, for a border postcode, both gebieden) is known."""
        return self.kind in {"postcode", "wijk", "gebied"} and (self.gebied is not None or bool(self.alternatives))

    @property
    def centres(self) -> list[tuple[float, float]]:
        """The point(s) to measure distances from: the gebied centre, or both centres."""
        if self.lat is not None and self.lon is not None:
            return [(self.lat, self.lon)]
        data = areas()
        return [(data.gebieden[g].lat, data.gebieden[g].lon) for g in self.alternatives if g in data.gebieden]

    @property
    def place_label(self) -> str:
        """'Hillesluis (Feijenoord)', 'Charlois' or 'Feijenoord of IJsselmonde'."""
        if self.kind == "wijk" and self.wijk:
            return f"{self.wijk} ({self.gebied})"
        if self.gebied:
            return self.gebied
        return " of ".join(self.alternatives)


@dataclass(frozen=True)
class _Target:
    kind: str  # wijk | gebied | outside | broad
    name: str
    gebied: str | None
    unverified: bool = False
    examples: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _aliases() -> dict[str, _Target]:
    data: Areas = areas()
    table: dict[str, _Target] = {}
    skip = data.common_words
    for gebied in data.gebieden.values():
        target = _Target("gebied", gebied.name, gebied.name)
        for spelling in (gebied.name, *gebied.spellings):
            table[normalise(spelling)] = target
        for wijk in gebied.wijken:
            wt = _Target("wijk", wijk.name, gebied.name, wijk.unverified)
            for spelling in (wijk.name, *wijk.spellings):
                if normalise(spelling) not in skip:
                    table[normalise(spelling)] = wt
    for broad in data.too_broad:
        bt = _Target("broad", broad.spellings[0] if broad.spellings else "", None, examples=broad.examples)
        for spelling in broad.spellings:
            table[normalise(spelling)] = bt
    for place in data.other_places:
        table[normalise(place)] = _Target("outside", place, None)
    return table


def _max_typos(length: int) -> int:
    if length <= 5:
        return 0
    return 1 if length <= 8 else 2


def _best_name(text: str) -> tuple[_Target, int, str] | None:
    """The best alias found in ``text``: (target, edit distance, alias)."""
    tokens = normalise(text).split()[:_MAX_TOKENS]
    table = _aliases()
    best: tuple[tuple[int, int, int], _Target, int, str] | None = None
    for n in range(1, _MAX_GRAM + 1):
        for i in range(len(tokens) - n + 1):
            gram = " ".join(tokens[i:i + n])
            candidates: list[tuple[str, int]] = []
            if gram in table:
                candidates.append((gram, 0))
            elif len(gram) > 5:
                for alias in table:
                    allowed = _max_typos(len(alias))
                    if not allowed or alias[0] != gram[0] or abs(len(alias) - len(gram)) > allowed:
                        continue
                    dist = Levenshtein.distance(gram, alias, score_cutoff=allowed)
                    if dist <= allowed:
                        candidates.append((alias, dist))
            for alias, dist in candidates:
                target = table[alias]
                key = (1 if target.kind == "broad" else 0, dist, -len(alias))
                if best is None or key < best[0]:
                    best = (key, target, dist, alias)
    return (best[1], best[2], best[3]) if best else None


def _from_gebied(gebied: str, **kwargs: Any) -> LocationResult:
    centre = areas().gebieden[gebied]
    return LocationResult(gebied=gebied, lat=centre.lat, lon=centre.lon, in_rotterdam=True, **kwargs)


def _from_postcode(postcode: str) -> LocationResult:
    pc4 = postcode[:4]
    entry = pc4_entry(pc4)
    if entry is None:
        return LocationResult("outside", pc4=pc4, confidence=1.0, in_rotterdam=False)
    if entry.residential == "no":
        return LocationResult("unknown", pc4=pc4, confidence=1.0, in_rotterdam=True, reason="po_box")
    if entry.residential == "yes" and entry.split and all(g in areas().gebieden for g in entry.gebieden):
        return LocationResult("postcode", pc4=pc4, confidence=1.0, in_rotterdam=True, unverified=entry.unverified,
                              alternatives=entry.gebieden)
    if entry.residential != "yes" or not entry.gebied or entry.gebied not in areas().gebieden:
        return LocationResult("unknown", pc4=pc4, confidence=1.0, in_rotterdam=True, reason="no_gebied")
    return _from_gebied(entry.gebied, kind="postcode", pc4=pc4, unverified=entry.unverified, confidence=1.0)


def _from_name(target: _Target, dist: int, alias: str) -> LocationResult:
    confidence = round(1.0 - dist / max(len(alias), 1), 3)
    if target.kind == "outside":
        return LocationResult("outside", confidence=confidence, in_rotterdam=False, matched=target.name)
    if target.kind == "broad":
        return LocationResult("unknown", confidence=confidence, in_rotterdam=True, reason="too_broad",
                              matched=target.name, examples=target.examples)
    if target.kind == "wijk" and target.gebied:
        return _from_gebied(target.gebied, kind="wijk", wijk=target.name, unverified=target.unverified,
                            confidence=confidence, matched=target.name)
    return _from_gebied(target.name, kind="gebied", confidence=confidence, matched=target.name)


def resolve_location(text: Any) -> LocationResult:
    """Resolve a parent's message to a location; ``kind='unknown'`` when nothing is found."""
    try:
        return _resolve(text)
    except Exception:  # noqa: BLE001 - a parser must never break the conversation
        return LocationResult("unknown", reason="error")


def _resolve(text: Any) -> LocationResult:
    if not isinstance(text, str) or not text.strip():
        return LocationResult("unknown", reason="empty")
    text = text[:1000]
    postcode = parse_postcode(text)
    if postcode and len(postcode) > 4:
        return _from_postcode(postcode)
    name = _best_name(text)
    if postcode and (name is None or name[0].kind == "broad" or pc4_entry(postcode) is not None):
        return _from_postcode(postcode)
    if name is not None:
        return _from_name(*name)
    return LocationResult("unknown", reason="no_match")


# ------------------------------------------------------------ slot keys
# The conversation keeps only the area (never the postcode) in a slot: 'wijk:<name>',
# 'gebied:<name>' (prefixed 'pc-' when it came from a postcode), 'pc-split:<a>|<b>' (a
# postcode in two gebieden), 'outside' or 'rotterdam' (the parent does not know; search the
# whole city).
CITYWIDE = "rotterdam"
OUTSIDE = "outside"


def location_key(result: LocationResult) -> str | None:
    """The slot value for a resolved location, or ``None`` when it cannot be used."""
    if result.kind == "outside":
        return OUTSIDE
    if not result.found:
        return None
    if result.kind == "wijk" and result.wijk:
        return f"wijk:{result.wijk}"
    if result.alternatives and result.gebied is None:
        return "pc-split:" + "|".join(result.alternatives)
    prefix = "pc-gebied" if result.kind == "postcode" else "gebied"
    return f"{prefix}:{result.gebied}"


def location_from_key(key: Any) -> LocationResult | None:
    """Turn a slot value back into a :class:`LocationResult`; ``None`` for anything unknown."""
    if not isinstance(key, str):
        return None
    if key == OUTSIDE:
        return LocationResult("outside", in_rotterdam=False, confidence=1.0)
    if key == CITYWIDE:
        return LocationResult("unknown", in_rotterdam=True, reason="citywide", confidence=1.0)
    kind, _, name = key.partition(":")
    data = areas()
    if kind == "wijk" and name in data.wijken:
        wijk = data.wijken[name]
        return _from_gebied(wijk.gebied, kind="wijk", wijk=wijk.name, unverified=wijk.unverified, confidence=1.0)
    if kind == "pc-split":
        names = tuple(n for n in name.split("|") if n)
        if len(names) > 1 and len(set(names)) == len(names) and all(n in data.gebieden for n in names):
            return LocationResult("postcode", in_rotterdam=True, confidence=1.0, alternatives=names)
        return None
    if kind in {"gebied", "pc-gebied"} and name in data.gebieden:
        return _from_gebied(name, kind="postcode" if kind == "pc-gebied" else "gebied", confidence=1.0,
                            unverified=kind == "pc-gebied")
    return None
