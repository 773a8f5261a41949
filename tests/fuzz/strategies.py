"""Hypothesis strategies for hostile chat input (shared by the fuzz tests)."""

from __future__ import annotations

from hypothesis import strategies as st

from bot.loadtest.hostile import CONTROL, DUTCH, EMOJI, INJECTIONS, NUMBERS, PAYLOADS, SCRIPTS

HOSTILE_FRAGMENTS = INJECTIONS + PAYLOADS + SCRIPTS + EMOJI + CONTROL + DUTCH + NUMBERS + [
    "€", "eur", "euro", ",-", ".-", "k", "+", "-", "--", "/", ":", "weken", "week", "maanden", "maart", "15-03-2027",
    "2027-02-29", "31/02", "0031", "+31", "06", "010", "3011", "AB", "SA", "ss", "postcode", "ik heet", "mijn naam is",
    "bijstand", "uitkering", "tussen", "en", "tot", "weet ik niet", "ja", "nee", "niet", "geen", "een", "twaalfhonderd",
    "tweeëndertig", "honderdduizend", "duizendmiljard", "½", "٣", "１２３", "Ⅻ", "𝟏𝟐", "\u0660\u0661", "ß", "İ", "ﬁ",
]

# Digits in many scripts, because parsers often use \d (which matches all of them).
DIGITS = st.text(alphabet="0123456789٠١٢٣٤٥٦٧٨٩०१२३४५６７８９𝟎𝟏", min_size=1, max_size=12)

hostile_text = st.one_of(
    st.text(max_size=200),
    st.sampled_from(HOSTILE_FRAGMENTS),
    st.lists(st.one_of(st.sampled_from(HOSTILE_FRAGMENTS), DIGITS, st.text(max_size=8)), max_size=12).map(" ".join),
    st.lists(st.one_of(st.sampled_from(HOSTILE_FRAGMENTS), DIGITS), max_size=30).map("".join),
    st.builds(lambda unit, n: unit * n, st.sampled_from(["1", "1.", "1,", "a ", "€1 ", "12-", "\u200b", "🤰", "ik "]),
              st.integers(min_value=100, max_value=6000)),
)

json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | hostile_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=8,
)
