"""Validate a municipal CSV of meeting groups and, with --write, install it.

Usage: python -m bot.groups.importer FILE.csv [--write] [--out PATH]

Every bad row is reported as 'line N: reason'. The exit code is 1 when any row is bad
(nothing is written), 2 when the file cannot be read, 0 otherwise. With --write and no
errors the groups are written to content/groups/groups.csv in the canonical column order.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.groups.model import GROUPS_FILE, parse_csv, write_csv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.groups.importer", description=__doc__.split("\n")[0])
    parser.add_argument("file", type=Path, help="CSV file from the municipality (UTF-8)")
    parser.add_argument("--write", action="store_true", help="write to content/groups/groups.csv when valid")
    parser.add_argument("--out", type=Path, default=GROUPS_FILE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{args.file}: cannot read the file ({exc.__class__.__name__}: {exc})", file=sys.stderr)
        return 2
    groups, errors = parse_csv(text)
    for error in errors:
        print(f"{args.file}: {error}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} error(s); nothing written.", file=sys.stderr)
        return 1
    if not groups:
        print(f"{args.file}: no groups in the file; nothing written.", file=sys.stderr)
        return 1
    if args.write:
        write_csv(groups, args.out)
        print(f"{len(groups)} groups valid; written to {args.out}.")
    else:
        print(f"{len(groups)} groups valid. Run again with --write to install them.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
