"""Meeting groups: the data model and the validation shared by the app and the importer.

The groups live in content/groups/groups.csv (see content/groups/README.md). Every row
is validated; a problem is reported with the CSV line number and the reason, so a
municipal editor can fix the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.places.areas import areas, normalise

GROUPS_FILE = Path(__file__).resolve().parents[2] / "content" / "groups" / "groups.csv"

COLUMNS = (
    "id", "name", "kind", "description", "audience", "gebied", "wijk", "address", "lat", "lon",
    "schedule", "how_to_join", "contact", "source", "checked", "location_verified",
)
REQUIRED = ("id", "name", "kind", "description", "audience", "how_to_join", "source", "checked", "location_verified")
KINDS = ("samenspeelgroep", "centering", "community", "buurtgezin", "themabijeenkomst", "ontmoetingsgroep", "overig")
AUDIENCES = ("pregnant", "baby", "toddler", "mothers", "fathers", "parents")
# 'gebied' may also be this value: the offer exists all over the city (where exactly: ask).
CITYWIDE_GEBIED = "Rotterdam"
_YES = {"yes", "ja", "true", "1"}
_NO = {"no", "nee", "false", "0"}
_ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    kind: str
    description: str
    audience: tuple[str, ...]
    gebied: str | None  # one of the 14 gebieden, CITYWIDE_GEBIED, or None (unknown)
    wijk: str | None
    address: str
    lat: float | None
    lon: float | None
    schedule: str
    how_to_join: str
    contact: str
    source: str
    checked: dt.date
    location_verified: bool

    @property
    def citywide(self) -> bool:
        return self.gebied == CITYWIDE_GEBIED

    @property
    def located(self) -> bool:
        """True when the group has a place on the map (coordinates or a gebied centre)."""
        return self.lat is not None or (self.gebied is not None and not self.citywide)

    def point(self) -> tuple[float, float] | None:
        """The group's coordinates, or the centre of its gebied."""
        if self.lat is not None and self.lon is not None:
            return self.lat, self.lon
        if self.gebied and not self.citywide:
            centre = areas().gebieden[self.gebied]
            return centre.lat, centre.lon
        return None

    def as_row(self) -> dict[str, str]:
        return {
            "id": self.id, "name": self.name, "kind": self.kind, "description": self.description,
            "audience": ";".join(self.audience), "gebied": self.gebied or "", "wijk": self.wijk or "",
            "address": self.address, "lat": "" if self.lat is None else f"{self.lat:.6f}".rstrip("0").rstrip("."),
            "lon": "" if self.lon is None else f"{self.lon:.6f}".rstrip("0").rstrip("."),
            "schedule": self.schedule, "how_to_join": self.how_to_join, "contact": self.contact,
            "source": self.source, "checked": self.checked.isoformat(),
            "location_verified": "yes" if self.location_verified else "no",
        }


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class GroupsError(ValueError):
    """The groups file is invalid; ``errors`` lists every problem by line."""

    def __init__(self, errors: list[RowError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def _canonical_gebied(value: str) -> str | None:
    key = normalise(value)
    if key == normalise(CITYWIDE_GEBIED):
        return CITYWIDE_GEBIED
    for gebied in areas().gebieden.values():
        if key in {normalise(gebied.name), *(normalise(s) for s in gebied.spellings)}:
            return gebied.name
    return None


def _canonical_wijk(value: str) -> str | None:
    key = normalise(value)
    for wijk in areas().wijken.values():
        if key in {normalise(wijk.name), *(normalise(s) for s in wijk.spellings)}:
            return wijk.name
    return None


def _float(value: str) -> float | None:
    try:
        number = float(value.replace(",", ".")) if value else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


def validate_row(row: dict[str, Any], line: int, today: dt.date | None = None) -> tuple[Group | None, list[RowError]]:
    """Validate one CSV row (as read by csv.DictReader). Returns the group or the errors."""
    today = today or dt.date.today()
    values = {k: ("" if row.get(k) is None else str(row.get(k)).strip()) for k in COLUMNS}
    errors: list[RowError] = []

    def bad(reason: str) -> None:
        errors.append(RowError(line, reason))

    for key in REQUIRED:
        if not values[key]:
            bad(f"missing required field '{key}'" + (" (every group needs a source)" if key == "source" else ""))
    if values["id"] and not _ID_RE.fullmatch(values["id"]):
        bad(f"id '{values['id']}' may only hold a-z, 0-9, '_' and '-'")
    if values["kind"] and values["kind"] not in KINDS:
        bad(f"unknown kind '{values['kind']}' (use one of: {', '.join(KINDS)})")
    audience: list[str] = []
    for part in re.split(r"[;,]", values["audience"]):
        part = part.strip().lower()
        if not part:
            continue
        if part not in AUDIENCES:
            bad(f"bad audience '{part}' (use: {', '.join(AUDIENCES)}, separated by ';')")
        elif part not in audience:
            audience.append(part)
    if values["audience"] and not audience and not any("audience" in e.reason for e in errors):
        bad("bad audience: empty")
    gebied: str | None = None
    if values["gebied"]:
        gebied = _canonical_gebied(values["gebied"])
        if gebied is None:
            bad(f"unknown gebied '{values['gebied']}' (use one of the 14 gebieden or '{CITYWIDE_GEBIED}')")
    wijk: str | None = None
    if values["wijk"]:
        wijk = _canonical_wijk(values["wijk"])
        if wijk is None:
            bad(f"unknown wijk '{values['wijk']}' (add it to content/places/gebieden.yml first)")
        else:
            wijk_gebied = areas().gebied_of_wijk(wijk)
            if gebied is None and not values["gebied"]:
                gebied = wijk_gebied
            elif gebied is not None and gebied != wijk_gebied:
                bad(f"wijk '{wijk}' lies in {wijk_gebied}, not in {gebied}")
    lat, lon = _float(values["lat"]), _float(values["lon"])
    if values["lat"] or values["lon"]:
        if lat is None or lon is None:
            bad("bad coordinates: lat and lon must both be numbers (e.g. 51.8989 and 4.5015)")
        elif not areas().bbox.contains(lat, lon):
            bad(f"bad coordinates: {lat}, {lon} lie outside Rotterdam")
            lat = lon = None
    if values["address"] and not (gebied or wijk):
        bad("an address needs a gebied or wijk")
    checked = today
    if values["checked"]:
        try:
            checked = dt.date.fromisoformat(values["checked"])
        except ValueError:
            bad(f"bad date '{values['checked']}' in 'checked' (use YYYY-MM-DD, e.g. 2026-11-23)")
        else:
            if checked > today:
                bad(f"bad date '{values['checked']}': 'checked' lies in the future")
    verified = values["location_verified"].lower()
    if verified and verified not in _YES | _NO:
        bad("location_verified must be yes or no")
    if errors:
        return None, errors
    return Group(
        id=values["id"], name=values["name"], kind=values["kind"], description=values["description"],
        audience=tuple(audience), gebied=gebied, wijk=wijk, address=values["address"], lat=lat, lon=lon,
        schedule=values["schedule"], how_to_join=values["how_to_join"], contact=values["contact"],
        source=values["source"], checked=checked, location_verified=verified in _YES,
    ), []


def parse_csv(text: str, today: dt.date | None = None) -> tuple[list[Group], list[RowError]]:
    """Validate a whole CSV text; returns the valid groups and every error by line number."""
    errors: list[RowError] = []
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [RowError(1, f"missing column(s) in the header: {', '.join(missing)}")]
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        errors.append(RowError(1, f"unknown column(s) in the header: {', '.join(unknown)}"))
    reader.fieldnames = header
    groups: list[Group] = []
    seen: dict[str, int] = {}
    try:
        for row in reader:
            # line of the record's first physical line (quoted fields may span lines)
            line = reader.line_num - sum(str(v).count("\n") for v in row.values() if isinstance(v, str))
            if None in row:
                errors.append(RowError(line, "too many fields (a comma in a text without quotes?)"))
                continue
            if not any((v or "").strip() for v in row.values()):
                continue
            group, row_errors = validate_row(row, line, today)
            errors.extend(row_errors)
            row_id = (row.get("id") or "").strip()
            if row_id:
                if row_id in seen:
                    errors.append(RowError(line, f"duplicate id '{row_id}' (first used on line {seen[row_id]})"))
                    continue
                seen[row_id] = line
            if group is not None:
                groups.append(group)
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, f"CSV error: {exc}"))
    return groups, errors


def load_groups(path: Path = GROUPS_FILE) -> list[Group]:
    """Load and validate a groups file; raise :class:`GroupsError` when any row is bad."""
    groups, errors = parse_csv(path.read_text(encoding="utf-8"))
    if errors:
        raise GroupsError(errors)
    return groups


@lru_cache(maxsize=1)
def groups() -> tuple[Group, ...]:
    """The shipped groups, loaded once per process."""
    return tuple(load_groups())


def write_csv(rows: Iterable[Group], path: Path) -> None:
    """Write groups in the canonical column order (atomically)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for group in rows:
        writer.writerow(group.as_row())
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    tmp.replace(path)
