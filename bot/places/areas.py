"""Rotterdam's gebieden, wijken and their spellings (content/places/gebieden.yml)."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.places.postcode import PLACES_DIR

GEBIEDEN_FILE = PLACES_DIR / "gebieden.yml"


class AreasError(ValueError):
    """content/places/gebieden.yml is invalid."""


@dataclass(frozen=True)
class Wijk:
    name: str
    gebied: str
    spellings: tuple[str, ...] = ()
    unverified: bool = False


@dataclass(frozen=True)
class Gebied:
    name: str
    lat: float
    lon: float
    spellings: tuple[str, ...] = ()
    wijken: tuple[Wijk, ...] = ()


@dataclass(frozen=True)
class BBox:
    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.lat_min <= lat <= self.lat_max and self.lon_min <= lon <= self.lon_max


@dataclass(frozen=True)
class TooBroad:
    spellings: tuple[str, ...]
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Areas:
    gebieden: dict[str, Gebied]
    bbox: BBox
    too_broad: tuple[TooBroad, ...] = ()
    other_places: tuple[str, ...] = ()
    source: str = ""
    wijken: dict[str, Wijk] = field(default_factory=dict)
    # Names that are also everyday words: only their other spellings count.
    common_words: frozenset[str] = frozenset()

    def gebied_of_wijk(self, wijk: str) -> str | None:
        found = self.wijken.get(wijk)
        return found.gebied if found else None


def normalise(text: str) -> str:
    """Lower case, no accents or punctuation, 'ij' -> 'y', single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("ij", "y")
    text = re.sub(r"['’`´]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return text.strip()


def _coord(value: Any, lo: float, hi: float, what: str, problems: list[str]) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        problems.append(f"{what} is not a number")
        return math.nan
    if not (lo <= number <= hi) or math.isnan(number):
        problems.append(f"{what} {number} is outside {lo}..{hi}")
    return number


def load_areas(path: Path = GEBIEDEN_FILE) -> Areas:
    """Read and validate gebieden.yml; raise :class:`AreasError` listing every problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise AreasError(f"{path.name}: not valid YAML: {exc}") from exc
    problems: list[str] = []
    box = data.get("bbox") or {}
    bbox = BBox(
        _coord(box.get("lat_min"), 50.0, 54.0, "bbox lat_min", problems),
        _coord(box.get("lat_max"), 50.0, 54.0, "bbox lat_max", problems),
        _coord(box.get("lon_min"), 3.0, 8.0, "bbox lon_min", problems),
        _coord(box.get("lon_max"), 3.0, 8.0, "bbox lon_max", problems),
    )
    gebieden: dict[str, Gebied] = {}
    wijken: dict[str, Wijk] = {}
    seen_spellings: dict[str, str] = {}

    def claim(spelling: str, owner: str) -> None:
        key = normalise(spelling)
        if not key:
            problems.append(f"empty spelling for {owner}")
        elif key in seen_spellings and seen_spellings[key] != owner:
            problems.append(f"spelling '{spelling}' is used by {seen_spellings[key]} and {owner}")
        else:
            seen_spellings[key] = owner

    for raw in data.get("gebieden") or []:
        name = str((raw or {}).get("name") or "").strip()
        if not name:
            problems.append("a gebied has no name")
            continue
        centre = raw.get("centre") or {}
        lat = _coord(centre.get("lat"), 50.0, 54.0, f"{name}: centre lat", problems)
        lon = _coord(centre.get("lon"), 3.0, 8.0, f"{name}: centre lon", problems)
        if not math.isnan(lat) and not math.isnan(lon) and not bbox.contains(lat, lon):
            problems.append(f"{name}: centre lies outside the bbox")
        spellings = tuple(str(s) for s in raw.get("spellings") or [])
        for spelling in (name, *spellings):
            claim(spelling, f"gebied {name}")
        wijk_list: list[Wijk] = []
        for w in raw.get("wijken") or []:
            wname = str((w or {}).get("name") or "").strip()
            if not wname:
                problems.append(f"{name}: a wijk has no name")
                continue
            unverified = w.get("unverified", False)
            if not isinstance(unverified, bool):
                problems.append(f"{name}/{wname}: unverified must be yes or no")
            wijk = Wijk(wname, name, tuple(str(s) for s in w.get("spellings") or []), bool(unverified))
            for spelling in (wname, *wijk.spellings):
                claim(spelling, f"wijk {wname}")
            if wname in wijken:
                problems.append(f"wijk {wname} is listed twice")
            wijken[wname] = wijk
            wijk_list.append(wijk)
        if name in gebieden:
            problems.append(f"gebied {name} is listed twice")
        gebieden[name] = Gebied(name, lat, lon, spellings, tuple(wijk_list))
    too_broad: list[TooBroad] = []
    for raw in data.get("too_broad") or []:
        spellings = tuple(str(s) for s in (raw or {}).get("spellings") or [])
        examples = tuple(str(s) for s in (raw or {}).get("examples") or [])
        for spelling in spellings:
            claim(spelling, f"too_broad {spellings[0]}")
        too_broad.append(TooBroad(spellings, examples))
    other = tuple(str(s) for s in data.get("other_places") or [])
    for place in other:
        claim(place, f"other place {place}")
    if len(gebieden) != 14:
        problems.append(f"expected the 14 gebieden of FACTS.md, found {len(gebieden)}")
    if problems:
        raise AreasError(f"{path.name}: " + "; ".join(problems))
    common = frozenset(normalise(str(w)) for w in data.get("common_words") or [])
    return Areas(gebieden, bbox, tuple(too_broad), other, str(data.get("source") or ""), wijken, common)


@lru_cache(maxsize=1)
def areas() -> Areas:
    """The shipped areas, loaded once per process."""
    return load_areas()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))
