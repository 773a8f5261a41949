"""Dutch postcodes: find one in free text, and map a Rotterdam PC4 to its gebied.

The PC4 table lives in content/places/pc4.csv (maintained by the municipality). Nothing
here raises on bad input: a parser returns ``None`` when it finds nothing usable.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

PLACES_DIR = Path(__file__).resolve().parents[2] / "content" / "places"
PC4_FILE = PLACES_DIR / "pc4.csv"

# 4 digits (no leading 0), optionally followed by 2 letters; not part of a longer number.
# The letters may be one only when they stick to the digits ("3083a": she stopped typing halfway).
_POSTCODE_RE = re.compile(r"(?<![\dA-Za-z])([1-9]\d{3})(?:[ \t-]?([A-Za-z]{2})|[A-Za-z])?(?![\dA-Za-z])")
_ONLY_POSTCODE_RE = re.compile(r"\s*([1-9]\d{3})(?:[ -]?[A-Za-z]{2})?\s*")
# Letter pairs never used in Dutch postcodes.
_FORBIDDEN_LETTERS = {"SA", "SD", "SS"}
# Two-letter Dutch words that follow a number in a sentence ("3072 en ik"); after a space
# and in lower case they are read as words, not as postcode letters.
_SHORT_WORDS = {
    "en", "in", "is", "ik", "op", "de", "te", "om", "of", "al", "nu", "na", "ze", "we", "je",
    "me", "er", "so", "ok", "uw", "nl", "to", "at",
}
_MAX_TEXT = 2000


def parse_postcode(text: Any) -> str | None:
    """Return the first Dutch postcode in ``text``, normalised ('3071 AB', or '3071').

    ``None`` when the text holds no Dutch postcode (or is not a string at all).
    """
    if not isinstance(text, str) or not text:
        return None
    for match in _POSTCODE_RE.finditer(text[:_MAX_TEXT]):
        digits, letters = match.group(1), match.group(2)
        if letters:
            separated = match.group(0)[4:5] in {" ", "\t", "-"}
            if (separated and letters.islower() and letters in _SHORT_WORDS) or letters.upper() in _FORBIDDEN_LETTERS:
                letters = None
        return f"{digits} {letters.upper()}" if letters else digits
    return None


def pc4_of(text: Any) -> str | None:
    """The 4 digits of the first postcode in ``text`` (or ``None``)."""
    found = parse_postcode(text)
    return found[:4] if found else None


@dataclass(frozen=True)
class Pc4Entry:
    """One row of content/places/pc4.csv.

    ``gebied`` is the one gebied of the PC4; a PC4 that lies in two gebieden is written
    'Noord|Centrum' in the file: then ``gebied`` is None and ``gebieden`` names both (never
    guess one of them).
    """

    pc4: str
    gebied: str | None
    residential: str  # 'yes' | 'no' | 'unknown'
    unverified: bool
    note: str
    source: str
    checked: str
    gebieden: tuple[str, ...] = ()

    @property
    def split(self) -> bool:
        """True when the PC4 lies in more than one gebied."""
        return len(self.gebieden) > 1


class Pc4TableError(ValueError):
    """content/places/pc4.csv is invalid (the message names the line)."""


def load_pc4_table(path: Path = PC4_FILE, gebieden: set[str] | None = None) -> dict[str, Pc4Entry]:
    """Read and validate the PC4 table; raise :class:`Pc4TableError` listing every problem."""
    rows: dict[str, Pc4Entry] = {}
    problems: list[str] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for line, row in enumerate(reader, start=2):
            pc4 = (row.get("pc4") or "").strip()
            names = tuple(g.strip() for g in (row.get("gebied") or "").split("|") if g.strip())
            gebied = names[0] if len(names) == 1 else None
            residential = (row.get("residential") or "").strip()
            unverified = (row.get("unverified") or "").strip()
            source = (row.get("source") or "").strip()
            if not re.fullmatch(r"[1-9]\d{3}", pc4):
                problems.append(f"line {line}: pc4 '{pc4}' is not 4 digits")
                continue
            if pc4 in rows:
                problems.append(f"line {line}: duplicate pc4 {pc4}")
            if residential not in {"yes", "no", "unknown"}:
                problems.append(f"line {line}: residential must be yes, no or unknown")
            if unverified not in {"yes", "no"}:
                problems.append(f"line {line}: unverified must be yes or no")
            if residential == "yes" and not names:
                problems.append(f"line {line}: a residential pc4 needs a gebied")
            if len(set(names)) != len(names):
                problems.append(f"line {line}: a gebied is named twice")
            for name in names:
                if gebieden is not None and name not in gebieden:
                    problems.append(f"line {line}: unknown gebied '{name}'")
            if not source:
                problems.append(f"line {line}: source is missing")
            rows[pc4] = Pc4Entry(
                pc4=pc4, gebied=gebied, residential=residential, unverified=unverified == "yes",
                note=(row.get("note") or "").strip(), source=source, checked=(row.get("checked") or "").strip(),
                gebieden=names,
            )
    if problems:
        raise Pc4TableError("\n".join(problems))
    return rows


@lru_cache(maxsize=1)
def pc4_table() -> dict[str, Pc4Entry]:
    """The shipped PC4 table, loaded once per process."""
    from bot.places.areas import areas  # local import: areas also reads content/places

    return load_pc4_table(gebieden=set(areas().gebieden))


def pc4_entry(pc4: Any) -> Pc4Entry | None:
    """The table row for a PC4 of the gemeente Rotterdam (incl. PO boxes), else ``None``."""
    match = _ONLY_POSTCODE_RE.fullmatch(pc4) if isinstance(pc4, str) and len(pc4) < 20 else None
    return pc4_table().get(match.group(1)) if match else None


def gebieden_for_pc4(pc4: Any) -> tuple[str, ...]:
    """Every gebied of a residential Rotterdam PC4 (two for a PC4 on a border); () otherwise."""
    entry = pc4_entry(pc4)
    if entry is None or entry.residential != "yes":
        return ()
    return entry.gebieden


def gebied_for_pc4(pc4: Any) -> str | None:
    """The gebied of a residential Rotterdam PC4; ``None`` for PO boxes, other PC4s and a
    PC4 that lies in two gebieden (see :func:`gebieden_for_pc4`)."""
    entry = pc4_entry(pc4)
    if entry is None or entry.residential != "yes":
        return None
    return entry.gebied
