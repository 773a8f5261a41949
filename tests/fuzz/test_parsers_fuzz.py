"""Property-based fuzzing of every parser and validator: no exception escapes, ever.

Parents type anything (and ``/intent{...}`` payloads put JSON values into slots), so every
function that reads user input must return a result ("not understood" included) instead
of raising. The functions are discovered by name in the modules that read user input, so a
new parser is fuzzed without anyone adding it here. Inputs follow each function's declared
type: ``str`` parameters get hostile text, ``str | None`` also ``None``, ``Any``/``object``
any JSON value. Each call must also finish quickly (no catastrophic regex backtracking).
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
import re
import time
import typing
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.registration import help_areas as _help
from tests.fuzz.strategies import hostile_text, json_value

PACKAGES = ("bot.parsing", "bot.places", "bot.registration", "bot.kraamzorg", "bot.groups")
MODULES = ("bot.safety", "bot.privacy.redact", "bot.channels.common", "bot.intents", "bot.store.registrations")
NAME = re.compile(
    r"^(parse_\w+|check_\w+|is_\w+|yes_no|normalise|normalize_\w+|words_to_number|find_word_numbers|resolve_\w+|detect"
    r"|read_\w+|redact\w*|pc4_of|pc4_entry|gebied_for_pc4|location_from_key|typed_text|topic_label|split_text|shorten)$"
)
# Functions that take user input and are expected to exist (renaming one should be noticed).
CORE = {"parse_money", "parse_pregnancy", "parse_postcode", "check_phone", "check_postcode", "check_name", "detect",
        "redact", "resolve_location", "words_to_number", "yes_no"}
# Not user input: content files written by municipal editors, where a clear error is right.
EXCLUDE = {"bot.groups.model.parse_csv"}
TODAY = dt.date(2026, 11, 23)
MAX_SECONDS_PER_CALL = 5.0


def _modules() -> list[str]:
    names = list(MODULES)
    for package in PACKAGES:
        try:
            pkg = importlib.import_module(package)
        except ModuleNotFoundError:
            continue
        names.append(package)
        names += [f"{package}.{m.name}" for m in pkgutil.iter_modules(pkg.__path__)]
    return names


def _text_kind(annotation: object) -> str | None:
    """'any' for Any/object, 'optional' for str | None, 'text' for str; None for other types."""
    if annotation in (typing.Any, object, inspect.Parameter.empty):
        return "any"
    args = typing.get_args(annotation)
    if annotation is str:
        return "text"
    if str in args and type(None) in args:
        return "optional"
    if str in args:
        return "text"
    return None


def _argument_builders(func: Callable) -> dict[str, object] | None:
    """Hypothesis strategies per parameter, or None when a parameter cannot be supplied."""
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # noqa: BLE001 - unresolvable annotations: treat as plain text
        hints = {}
    sig = inspect.signature(func)
    builders: dict[str, object] = {}
    for i, (name, param) in enumerate(sig.parameters.items()):
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if name == "today":
            builders[name] = st.just(TODAY) | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 1, 1))
        elif name in ("limit",):
            builders[name] = st.integers(min_value=1, max_value=5000)
        elif name == "intent":
            builders[name] = st.none() | st.sampled_from(["affirm", "deny", "stop", "greet", "", "nlu_fallback"])
        elif i == 0:
            kind = _text_kind(hints.get(name, param.annotation))
            if kind is None:
                return None  # not a function of user text (e.g. takes a dataclass)
            builders[name] = {"any": json_value, "optional": st.none() | hostile_text, "text": hostile_text}[kind]
        elif param.default is not inspect.Parameter.empty:
            continue
        else:
            return None
    return builders


def discover() -> dict[str, Callable]:
    found: dict[str, Callable] = {}
    for module_name in _modules():
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            qualname = f"{module_name}.{name}"
            if inspect.isfunction(obj) and obj.__module__ == module_name and NAME.match(name) and qualname not in EXCLUDE:
                if _argument_builders(obj) is not None:
                    found[qualname] = obj
    return found


FUNCTIONS = discover()


def test_every_core_parser_is_fuzzed() -> None:
    names = {key.rsplit(".", 1)[1] for key in FUNCTIONS}
    assert CORE <= names, f"not found (renamed?): {sorted(CORE - names)}"
    assert len(FUNCTIONS) >= 20, sorted(FUNCTIONS)


@pytest.mark.parametrize("qualname", sorted(FUNCTIONS))
def test_no_exception_escapes(qualname: str) -> None:
    func = FUNCTIONS[qualname]
    builders = _argument_builders(func)
    assert builders is not None

    @settings(max_examples=150, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.fixed_dictionaries(builders))
    def run(kwargs: dict) -> None:
        start = time.perf_counter()
        try:
            func(**kwargs)
        except Exception as exc:  # noqa: BLE001 - the property under test
            shown = {k: (v[:120] + "…" if isinstance(v, str) and len(v) > 120 else v) for k, v in kwargs.items()}
            raise AssertionError(f"{qualname}({shown!r}) raised {exc.__class__.__name__}: {exc}") from exc
        elapsed = time.perf_counter() - start
        assert elapsed < MAX_SECONDS_PER_CALL, f"{qualname} took {elapsed:.1f} s on {len(str(kwargs))} chars"

    run()


# ---------------------------------------------------------------- multi-choice help areas (registration)
_LABELS = [a.label for a in _help.HELP_AREAS]
_JOINERS = st.sampled_from([" en ", ", ", " & ", " plus ", " en ook "])


@given(st.lists(st.sampled_from(_LABELS), min_size=1, max_size=len(_LABELS), unique=True), _JOINERS)
@settings(max_examples=200, deadline=None)
def test_every_label_named_is_selected(labels: list[str], joiner: str) -> None:
    answer = _help.parse_help(joiner.join(labels))
    assert answer is not None
    expected = {a.code for a in _help.HELP_AREAS if a.label in labels}
    assert set(answer.areas) == expected
    assert answer.areas == tuple(a.code for a in _help.HELP_AREAS if a.code in expected)  # list order, no duplicates


@given(st.sampled_from(_LABELS), st.sampled_from(["wat betekent {}?", "wat is {}", "Wat bedoel je met {}?"]))
@settings(max_examples=100, deadline=None)
def test_a_question_about_an_area_selects_nothing(label: str, template: str) -> None:
    answer = _help.parse_help(template.format(label.lower()))
    assert answer is not None and answer.areas == () and answer.asked_about


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_parse_help_never_raises_and_codes_are_known(text: str) -> None:
    answer = _help.parse_help(text)
    if answer is not None:
        known = set(_help.BY_CODE)
        assert set(answer.areas) <= known and set(answer.removed) <= known and set(answer.asked_about) <= known
        assert len(answer.areas) == len(set(answer.areas))
        assert not (answer.areas and answer.asked_about)


@given(st.sampled_from(["liefst na {} uur bellen", "bel me maar na {} uur", "{} uur 's middags", "bereikbaar na {} uur"]),
       st.integers(min_value=1, max_value=12))
@settings(max_examples=100, deadline=None)
def test_a_reachability_answer_is_not_an_area(template: str, hour: int) -> None:
    answer = _help.parse_help(template.format(hour))
    assert answer is None or not answer.areas
