"""python -m bot.groups.importer: every bad row by line number, exit codes, --write."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from bot.groups.importer import main
from bot.groups.model import GROUPS_FILE, parse_csv
from bot.testing.stack import ROOT, base_env

HEADER = ("id,name,kind,description,audience,gebied,wijk,address,lat,lon,schedule,how_to_join,contact,source,"
          "checked,location_verified\n")
GOOD = ("koffie_bloemhof,Koffieochtend Bloemhof,ontmoetingsgroep,Koffie met andere ouders,parents;toddler,"
        "Feijenoord,Bloemhof,,51.8985,4.5050,,Vraag het CJG,het CJG,gemeente lijst 2026,2026-11-01,yes\n")


def test_good_file_is_accepted() -> None:
    groups, errors = parse_csv(HEADER + GOOD, today=dt.date(2026, 11, 23))
    assert errors == [] and groups[0].wijk == "Bloemhof" and groups[0].lat == 51.8985


def test_every_bad_row_is_reported_by_line_and_reason() -> None:
    rows = [
        GOOD,                                                                                     # line 2 ok
        "no_source,Groep,ontmoetingsgroep,Tekst,parents,Charlois,,,,,,Vraag het CJG,,,2026-11-01,no\n",   # 3
        "bad_gebied,Groep,ontmoetingsgroep,Tekst,parents,Atlantis,,,,,,Vraag,,bron,2026-11-01,no\n",     # 4
        "bad_wijk,Groep,ontmoetingsgroep,Tekst,parents,,Nergenshuizen,,,,,Vraag,,bron,2026-11-01,no\n",  # 5
        "bad_coords,Groep,ontmoetingsgroep,Tekst,parents,Charlois,,,52.37,4.89,,Vraag,,bron,2026-11-01,no\n",  # 6
        "bad_audience,Groep,ontmoetingsgroep,Tekst,opa's,Charlois,,,,,,Vraag,,bron,2026-11-01,no\n",     # 7
        "bad_date,Groep,ontmoetingsgroep,Tekst,parents,Charlois,,,,,,Vraag,,bron,01-11-2026,no\n",        # 8
        "koffie_bloemhof,Dubbel,ontmoetingsgroep,Tekst,parents,Charlois,,,,,,Vraag,,bron,2026-11-01,no\n",  # 9
        ",,ontmoetingsgroep,Tekst,parents,Charlois,,,,,,Vraag,,bron,2026-11-01,no\n",                      # 10
        "wrong_wijk,Groep,ontmoetingsgroep,Tekst,parents,Noord,Pendrecht,,,,,Vraag,,bron,2026-11-01,no\n",  # 11
        "half_coords,Groep,ontmoetingsgroep,Tekst,parents,Charlois,,,51.88,,,Vraag,,bron,2026-11-01,no\n",   # 12
        "future,Groep,ontmoetingsgroep,Tekst,parents,Charlois,,,,,,Vraag,,bron,2099-01-01,no\n",           # 13
        "bad_kind,Groep,yoga,Tekst,parents,Charlois,,,,,,Vraag,,bron,2026-11-01,no\n",                   # 14
    ]
    _, errors = parse_csv(HEADER + "".join(rows), today=dt.date(2026, 11, 23))
    by_line: dict[int, str] = {}
    for error in errors:
        by_line[error.line] = by_line.get(error.line, "") + error.reason + " | "
    assert 2 not in by_line
    assert "missing required field 'source'" in by_line[3]
    assert "unknown gebied 'Atlantis'" in by_line[4]
    assert "unknown wijk 'Nergenshuizen'" in by_line[5]
    assert "bad coordinates" in by_line[6] and "outside Rotterdam" in by_line[6]
    assert "bad audience" in by_line[7]
    assert "bad date" in by_line[8]
    assert "duplicate id 'koffie_bloemhof'" in by_line[9] and "line 2" in by_line[9]
    assert "missing required field 'id'" in by_line[10] and "missing required field 'name'" in by_line[10]
    assert "lies in Charlois, not in Noord" in by_line[11]
    assert "bad coordinates" in by_line[12]
    assert "future" in by_line[13]
    assert "unknown kind 'yoga'" in by_line[14]
    assert set(by_line) == set(range(3, 15))


def test_line_numbers_survive_blank_lines_and_quoted_newlines() -> None:
    text = HEADER + "\n" + GOOD.replace("Koffie met andere ouders", '"Koffie met\nandere ouders"') + "\n" + \
        "x,Groep,ontmoetingsgroep,Tekst,parents,Atlantis,,,,,,Vraag,,bron,2026-11-01,no\n"
    _, errors = parse_csv(text, today=dt.date(2026, 11, 23))
    assert [e.line for e in errors] == [6]


def test_missing_columns_are_reported_on_line_1() -> None:
    _, errors = parse_csv("id,name\nx,y\n")
    assert errors[0].line == 1 and "source" in errors[0].reason


def test_command_exit_codes_and_write(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + GOOD + "x,Groep,ontmoetingsgroep,Tekst,parents,Atlantis,,,,,,Vraag,,,2026-11-01,no\n",
                   encoding="utf-8")
    out = tmp_path / "groups.csv"
    assert main([str(bad), "--write", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "line 3: missing required field 'source'" in err and "line 3: unknown gebied 'Atlantis'" in err
    assert not out.exists()

    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD, encoding="utf-8")
    assert main([str(good), "--out", str(out)]) == 0
    assert not out.exists()  # validated only, nothing written without --write
    assert main([str(good), "--write", "--out", str(out)]) == 0
    written, errors = parse_csv(out.read_text(encoding="utf-8"))
    assert not errors and written[0].id == "koffie_bloemhof"

    assert main([str(tmp_path / "missing.csv")]) == 2
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert main([str(binary)]) == 2


def test_shipped_file_passes_the_importer_as_a_command() -> None:
    before = GROUPS_FILE.read_bytes()
    result = subprocess.run([sys.executable, "-m", "bot.groups.importer", str(GROUPS_FILE)], cwd=ROOT,
                            env=base_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "groups valid" in result.stdout
    assert GROUPS_FILE.read_bytes() == before
