"""Every text a parent reads exists in English, with the same figures (issue 11 item 2).

* domain.yml: every ``utter_*`` response has a variation with ``condition: slot language = en``,
  with the same button payloads in the same order and the same numbers;
* content files: every text field has its English in the file's ``en:`` block
  (bot/languages/localize.py), with the same numbers (amounts, phone numbers, weeks).

Files that are not parent-facing text are listed in NOT_TEXT with the reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.languages.localize import figure_mismatches, figures, missing_translations

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
MAX_BUTTON_TITLE = 20

NOT_TEXT = {
    "kraamzorg/asset_limits.yml": "figures table (amounts), no text",
    "kraamzorg/hourly_rates.yml": "figures table (rates), no text",
    "kraamzorg/norms.yml": "figures table (income norms), no text",
    "kraamzorg/parameters.yml": "figures table (parameters), no text",
    "places/gebieden.yml": "names of Rotterdam areas and wijken (proper names, matched, not translated)",
    "languages/detection.yml": "word lists of the language detector",
    "languages/first_answers.yml": "texts in the other languages (checked by tests/languages/test_conversation.py)",
    "safety.yml": "the safety net's own validation checks Dutch, English and other languages (bot/safety/texts.py)",
    "jargon.yml": "Dutch words the readability check flags (a Dutch-only tool)",
}
# Still to translate (being rewritten on other branches when this was written); emptied as they land.
PENDING: dict[str, str] = {
}


def content_files() -> list[str]:
    found = sorted(str(p.relative_to(CONTENT)) for p in CONTENT.rglob("*.yml"))
    return [f for f in found if f not in NOT_TEXT and not f.startswith("safety/")]


@pytest.mark.parametrize("name", content_files())
def test_content_file_has_english_for_every_text(name: str) -> None:
    if name in PENDING:
        pytest.skip(f"translation pending: {PENDING[name]}")
    data = yaml.safe_load((CONTENT / name).read_text(encoding="utf-8"))
    missing = missing_translations(data)
    assert not missing, f"{name}: no English (en: block) for {missing}"
    assert not figure_mismatches(data), f"{name}: figures differ between Dutch and English: {figure_mismatches(data)}"


def _responses() -> dict[str, list[dict]]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"]


def _is_english(variation: dict) -> bool:
    return any(c.get("type") == "slot" and c.get("name") == "language" and c.get("value") == "en"
               for c in variation.get("condition") or [])


@pytest.mark.parametrize("name", sorted(_responses()))
def test_every_response_has_english(name: str) -> None:
    variations = _responses()[name]
    dutch = [v for v in variations if not v.get("condition")]
    english = [v for v in variations if _is_english(v)]
    assert dutch and english, f"{name}: needs a Dutch variation and one with condition language = en"
    for nl, en in zip(dutch, english, strict=False):
        assert figures(nl.get("text", "")) == figures(en.get("text", "")), f"{name}: figures differ"
        assert [b["payload"] for b in nl.get("buttons") or []] == [b["payload"] for b in en.get("buttons") or []], (
            f"{name}: English buttons must have the same payloads in the same order")
        assert all(len(b["title"]) <= MAX_BUTTON_TITLE for b in en.get("buttons") or []), name


def test_a_missing_translation_and_a_changed_figure_are_found() -> None:
    card = {"id": "x", "summary": "Bel 010 267 26 53.", "costs": "Gratis.",
            "en": {"summary": "Call 010 267 26 54."}}
    assert missing_translations(card) == ["costs"]
    assert figure_mismatches(card) and "0102672653" in figure_mismatches(card)[0]
    nested = {"contacts": [], "items": [{"id": "a", "note": "Gratis.", "en": {"note": "Free."}}, {"id": "b", "note": "Ja."}]}
    assert missing_translations(nested) == ["items.1.note"]
