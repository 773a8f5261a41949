"""Score the redaction of personal data on an independent evaluation set.

    python -m bot.privacy.eval_redaction [--file tests/privacy/pii_independent.yml] [--misses] [--json FILE]

The set (written by someone who had not seen the patterns) has ``messages`` with the personal
values in them (``pii: [{kind, value}]``) and ``no_pii`` messages. Reported:

- recall per kind: the share of values that no longer appear after ``bot.privacy.redact.redact``;
- over-redaction: how many ``no_pii`` messages were changed at all.

A value counts as left in ("leaked") when any identifying part of it is still there:
phone numbers, BSNs and IBANs when 5 or more of their digits are still in a row (number words
such as "nul zes" count as digits); e-mail addresses when their part before the @ is still there;
other kinds when any of their words or numbers (2+ characters; particles like "de" and "van" in
longer names excepted) is still there as a whole word, more often than elsewhere in the message.

Self-contained on purpose (it only imports ``bot.privacy.redact``), so the same command scores an
older checkout: ``PYTHONPATH=/path/to/old/checkout python /path/to/this/file``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "tests" / "privacy" / "pii_independent.yml"
DIGIT_KINDS = {"phone", "bsn", "iban"}
PARTICLES = {"de", "van", "der", "den", "het", "'t", "t", "ter", "ten", "el", "al", "la", "le", "da", "di", "du",
             "dos", "del", "bin", "mw", "mevrouw", "en", "nr"}
EMAIL_WORDS = {"punt", "apenstaartje", "at", "dot"}
_UNITS = {"nul": 0, "zero": 0, "een": 1, "één": 1, "one": 1, "twee": 2, "two": 2, "drie": 3, "three": 3, "vier": 4,
          "four": 4, "vijf": 5, "five": 5, "zes": 6, "six": 6, "zeven": 7, "seven": 7, "acht": 8, "eight": 8,
          "negen": 9, "nine": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
          "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19}
_TENS = {"twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70, "tachtig": 80,
         "negentig": 90}
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)


def number_word(word: str) -> str | None:
    """Digits for a Dutch/English number word below 100 ('vierendertig' -> '34'), else None."""
    word = word.lower()
    if word in _UNITS:
        return str(_UNITS[word])
    if word in _TENS:
        return str(_TENS[word])
    for tens, value in _TENS.items():
        if word.endswith("en" + tens) or word.endswith("ën" + tens):
            unit = word[: -len(tens) - 2]
            if unit in _UNITS and 0 < _UNITS[unit] < 10:
                return str(value + _UNITS[unit])
    return None


def digit_runs(text: str) -> list[str]:
    """Runs of digits (number words included) separated by at most a few non-word characters."""
    runs, current, gap = [], "", 0
    for token in re.findall(r"\d+|[^\W\d_]+|\S", text):
        digits = token if token.isdigit() else number_word(token)
        if digits is not None:
            current += digits
            gap = 0
        elif not token.isalnum() and gap < 3 and current:
            gap += 1
        else:
            if current:
                runs.append(current)
            current, gap = "", 0
    if current:
        runs.append(current)
    return runs


def value_digits(value: str) -> str:
    return "".join(digit_runs(value)) if not re.search(r"[a-z]{2}\d{2}", value, re.I) else re.sub(r"\D", "", value)


def _count(word: str, text: str) -> int:
    return len(re.findall(rf"(?<![\w]){re.escape(word)}(?![\w])", text))


def leaked(kind: str, value: str, output: str, text: str = "") -> bool:
    """Is an identifying part of ``value`` still in ``output``? (See the module doc.)

    A word also counts as left in only when the output has it more often than the rest of the
    original ``text`` had it ("ik ben Ben de Groot": the verb "ben" may stay).
    """
    low = output.lower()
    rest = text.lower().replace(value.lower(), " ", 1) if text else ""

    def word_left(word: str) -> bool:
        return _count(word, low) > _count(word, rest)

    if kind in DIGIT_KINDS:
        digits = value_digits(value)
        window = min(5, len(digits))
        pieces = {digits[i:i + window] for i in range(len(digits) - window + 1)}
        return any(piece in run for run in digit_runs(output) for piece in pieces)
    if kind == "email":
        local = re.split(r"\s*@\s*|\s+(?:apenstaartje|at)\s+", value, maxsplit=1)[0]
        words = [w.lower() for w in _WORD.findall(local) if w.lower() not in EMAIL_WORDS and len(w) >= 2]
        compact = re.sub(r"\s+", "", local.lower())
        return compact in re.sub(r"\s+", "", low) or any(word_left(w) for w in words)
    tokens = [t.lower() for t in _WORD.findall(value)]
    if len(tokens) > 1:
        tokens = [t for t in tokens if t not in PARTICLES]
    tokens = [t for t in tokens if len(t) >= 2 or t.isdigit()]
    return any(word_left(t) for t in tokens)


def evaluate(data: dict[str, Any], redact) -> dict[str, Any]:
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[dict[str, str]] = []
    for item in data.get("messages") or []:
        output = redact(item["text"]) or ""
        for pii in item.get("pii") or []:
            kind, value = pii["kind"], str(pii["value"])
            found[kind][1] += 1
            if leaked(kind, value, output, item["text"]):
                misses.append({"kind": kind, "value": value, "text": item["text"], "output": output})
            else:
                found[kind][0] += 1
    changed = []
    for item in data.get("no_pii") or []:
        output = redact(item["text"])
        if output != item["text"]:
            changed.append({"text": item["text"], "output": output})
    recall = {kind: {"redacted": ok, "total": total, "recall": round(ok / total, 4)} for kind, (ok, total) in
              sorted(found.items())}
    total_ok = sum(v["redacted"] for v in recall.values())
    total = sum(v["total"] for v in recall.values())
    return {
        "recall": recall,
        "overall": {"redacted": total_ok, "total": total, "recall": round(total_ok / total, 4) if total else 1.0},
        "over_redaction": {"changed": len(changed), "total": len(data.get("no_pii") or [])},
        "misses": misses,
        "over_redacted": changed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--misses", action="store_true", help="list every value left in and every changed no_pii text")
    parser.add_argument("--json", type=Path, help="write the full result here")
    args = parser.parse_args(argv)
    from bot.privacy.redact import redact

    result = evaluate(yaml.safe_load(args.file.read_text(encoding="utf-8")), redact)
    print(f"{'kind':<18}{'redacted':>9}{'total':>7}{'recall':>9}")
    for kind, row in result["recall"].items():
        print(f"{kind:<18}{row['redacted']:>9}{row['total']:>7}{row['recall']:>9.1%}")
    overall = result["overall"]
    print(f"{'all':<18}{overall['redacted']:>9}{overall['total']:>7}{overall['recall']:>9.1%}")
    over = result["over_redaction"]
    print(f"over-redaction: {over['changed']} of {over['total']} messages without personal data were changed")
    if args.misses:
        for miss in result["misses"]:
            print(f"LEFT {miss['kind']}: {miss['value']!r}\n  in:  {miss['text']!r}\n  out: {miss['output']!r}")
        for item in result["over_redacted"]:
            print(f"CHANGED {item['text']!r}\n  out: {item['output']!r}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
