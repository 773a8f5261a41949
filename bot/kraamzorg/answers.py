"""Turn a parent's answers (slot values, free text or button payloads) into rule inputs.

Each ``parse_*`` returns a :class:`Parsed`: a canonical slot value, or a re-ask text with an
example in the conversation language (``lang``: texts.yml ``problems``, Dutch or English).
:func:`answers_from_slots` builds :class:`~bot.kraamzorg.rules.Answers` from the canonical slot values. No Rasa imports; never raises on user input.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.kraamzorg.rules import Answers, Income, Insurance, Pregnancy, YesNo
from bot.kraamzorg.tables import Household, Tables, tables, tables_in, text_in
from bot.parsing.common import is_dont_know, normalise, yes_no
from bot.parsing.common import is_question as parse_question
from bot.parsing.dates import parse_born, parse_pregnancy, pregnancy_problem
from bot.parsing.money import parse_money
from bot.parsing.numbers import find_word_numbers

SLOT_PREFIX = "kz_"
# Question id -> slot name. The slot holds the canonical value produced by parse_*.
SLOTS = {
    "in_rotterdam": "kz_in_rotterdam", "insurance": "kz_insurance", "household": "kz_household",
    "income": "kz_income", "debt_arrangement": "kz_debt_arrangement", "savings": "kz_savings",
    "pregnancy": "kz_pregnancy", "used_this_year": "kz_used_this_year", "hours": "kz_hours",
    "other_adults": "kz_other_adults", "under_21": "kz_under_21", "savings_amount": "kz_savings_amount",
}
UNKNOWN = "unknown"
BIJSTAND = "bijstand"
BORN = "born"
MAX_PLAUSIBLE_MONTHLY_INCOME = Decimal("15000")


@dataclass(frozen=True)
class Parsed:
    """A canonical slot value, or ``problem``: why it was not accepted (Dutch, with an example)."""

    value: str | None
    problem: str | None = None
    # Other slots the same answer fills (e.g. the savings amount typed at the savings question).
    also: dict[str, str] = field(default_factory=dict)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _yes_no_value(value: Any, intent: str | None) -> str | None:
    """'yes'/'no' from a from_intent value, the text itself, or (if the text is unclear) the intent."""
    if value is True or value == "yes":
        return "yes"
    if value is False or value == "no":
        return "no"
    answer = yes_no(_text(value))
    if answer is not None:
        return "yes" if answer else "no"
    return {"affirm": "yes", "deny": "no"}.get(intent or "")


_QUESTION = re.compile(
    r"\?\s*$|^(wat|wat's|wats|hoe|welke|waarom|wie|wanneer)\b|^(en )?(is|telt|tellen|geldt|bedoel je|betekent)\b.*\?"
)


def is_question(value: Any) -> bool:
    """A question ('wat is aanvullend?', 'hoe lang duurt het'), not an answer."""
    return parse_question(_text(value), _QUESTION_STARTS)


_QUESTION_STARTS = ("kan", "kun", "mag", "moet", "klopt")  # questions here, never an answer to the check
_WHY = re.compile(r"^(waarom|waar is dat voor|waarvoor)\b")


def explain_option(question: str, value: Any, t: Tables | None = None) -> str | None:
    """A one-sentence explanation when the answer is a question about an option ('wat is aanvullend?').

    The caller shows it and asks the same question again; the text is never stored as an answer.
    """
    text = normalise(_text(value))
    if not text or text.startswith("/") or not _QUESTION.search(text):
        return None
    explain = (t or tables()).texts.get("explain") or {}
    for entry in explain.get(question) or []:
        if re.search(str(entry["pattern"]), text):
            return str(entry["text"])
    if _WHY.search(text):
        return str(explain.get("why") or "") or None
    return None


def _problem(lang: str, key: str, **values: Any) -> str:
    return text_in(lang, "problems", key, **values)


def _dont_know(text: str) -> bool:
    return is_dont_know(text) or bool(_NOT_SURE.search(normalise(text)))


# English "not sure" (is_dont_know reads Dutch and "I don't know").
_NOT_SURE = re.compile(r"^(?:i(?:'m| am) )?not sure\b|^no idea\b|^dunno\b")


def parse_yes_no_unknown(value: Any, intent: str | None, example: str, lang: str = "nl") -> Parsed:
    """Ja / nee / weet ik niet (yes / no / I don't know).

    ``example``: a key of texts.yml ``problems`` (shown in ``lang``) or a literal example.
    """
    if value == UNKNOWN or _dont_know(_text(value)):
        return Parsed(UNKNOWN)
    answer = _yes_no_value(value, intent)
    if answer:
        return Parsed(answer)
    known = example in tables_in(lang).texts["problems"]
    return Parsed(None, _problem(lang, "yes_no_unknown", example=_problem(lang, example) if known else example))


_ROTTERDAM_AREAS = (
    "rotterdam", "centrum", "delfshaven", "overschie", "noord", "hillegersberg", "schiebroek", "kralingen",
    "crooswijk", "feijenoord", "ijsselmonde", "pernis", "prins alexander", "charlois", "hoogvliet",
    "hoek van holland", "rozenburg", "zuid", "ommoord", "zevenkamp", "afrikaanderwijk", "bloemhof", "hillesluis",
    "carnisse", "tarwewijk", "pendrecht", "zuidwijk", "lombardijen", "beverwaard", "spangen", "bospolder",
    "tussendijken", "oude westen", "nieuwe westen", "middelland", "katendrecht", "kop van zuid", "blijdorp",
)
# Neighbouring municipalities: not the gemeente Rotterdam.
_OTHER_PLACES = (
    "schiedam", "vlaardingen", "capelle", "barendrecht", "ridderkerk", "albrandswaard", "rhoon", "poortugaal",
    "spijkenisse", "nissewaard", "krimpen", "lansingerland", "berkel", "bergschenhoek", "bleiswijk", "maassluis",
    "dordrecht", "zwijndrecht", "delft", "den haag", "amsterdam", "utrecht", "gouda", "zoetermeer",
)


_PLAIN_NO = re.compile(r"^(/deny|nee+|neen|nope|no|nah|neuh?|nee hoor|nee helaas|helaas niet|niet|nee niet)\W*$")
_ABOUT_LIVING = re.compile(r"\b(woon|wonen|woont|rotterdam|gemeente|stad|verhuisd|adres|ergens anders|buiten)\b")


def parse_in_rotterdam(value: Any, intent: str | None, lang: str = "nl") -> Parsed:
    """Ja / nee / weet ik niet, or a place. 'nee' followed by other words ('nee niet weer die
    vragen', 'nee ik wil eerst iets anders vragen') is not read as 'not in Rotterdam': she is
    asked to confirm."""
    text = normalise(_text(value))
    if value == UNKNOWN or _dont_know(text):
        return Parsed(UNKNOWN)
    if any(re.search(rf"\b{re.escape(p)}\b", text) for p in _OTHER_PLACES):
        return Parsed("no")
    answer = _yes_no_value(value, intent)
    if answer == "no" and text and not _PLAIN_NO.match(text) and not _ABOUT_LIVING.search(text):
        return Parsed(None, "Woon je níet in de gemeente Rotterdam? Antwoord dan met nee. "
                            "Wil je deze vragen nu niet doen, of iets anders vragen? Typ dan 'stop'.")
    if answer:
        return Parsed(answer)
    if any(re.search(rf"\b{re.escape(p)}\b", text) for p in _OTHER_PLACES):
        return Parsed("no")
    if any(re.search(rf"\b{re.escape(p)}\b", text) for p in _ROTTERDAM_AREAS):
        return Parsed("yes")
    return Parsed(None, _problem(lang, "in_rotterdam"))


def parse_insurance(value: Any, intent: str | None, lang: str = "nl") -> Parsed:
    text = normalise(_text(value))
    if isinstance(value, str) and value in {i.value for i in Insurance}:
        return Parsed(str(value))
    if re.search(r"rotterdam\s*-?\s*pakket|rdam\s*pakket|rotterdampakket", text):
        if re.search(r"compact|\bweet\b|\bwelk|\bniet zeker|\bof\b", text):
            return Parsed(Insurance.ROTTERDAMPAKKET_COMPACT.value)
        if re.fullmatch(r"(vgz )?rotterdampakket \(gewoon\)|(vgz )?rotterdampakket,? (het )?gewone?|"
                        r"(het )?gewone? (vgz )?rotterdampakket|(vgz )?rotterdampakket,? niet compact", text):
            return Parsed(Insurance.ROTTERDAMPAKKET.value)
        return Parsed(None, "Er zijn 2 soorten: het Rotterdampakket en het Rotterdampakket Compact. Compact "
                            "vergoedt minder. Welke heb je? Kijk in je polis, of kies 'Weet ik niet'.")
    if _dont_know(text):
        return Parsed(Insurance.UNKNOWN.value)
    if re.search(r"\b(alleen|enkel|gewoon|maar)\b.{0,20}\bbasis|\bgeen\b.{0,15}\b(aanvullend|extra)|^basis|basisverz"
                 r"|\b(only|just)\b.{0,10}\bbasic\b|^basic|\bno\b.{0,15}\b(supplementary|extra)", text):
        return Parsed(Insurance.BASIC_ONLY.value)
    if re.search(r"aanvullend|extra verzekering|aanvulling|andere|\bandere? pakket|supplementary|other insurance", text):
        return Parsed(Insurance.OTHER_SUPPLEMENTARY.value)
    return Parsed(None, _problem(lang, "insurance"))


_PARTNER_WORD = r"(partner|vriend|vriendin|man|vrouw|echtgenoot|echtgenote|verloofde)"
_PARTNER_GONE = re.compile(
    rf"\b{_PARTNER_WORD}\b.{{0,25}}\b(weg|weggegaan|vertrokken|verlaten|gescheiden|uit elkaar|overleden|in de gevangenis"
    rf"|zit vast|woont (ergens )?anders|woont niet)\b|\b(geen|zonder|mijn ex|ex-?){_PARTNER_WORD}?\b.{{0,3}}"
    rf"|\buit elkaar\b|\bgescheiden\b|\bmijn ex\b"
)
_WITH_PARENTS = re.compile(
    r"\b(bij|met)\s+(mijn|m'n|me|mn|onze)\s+(moeder|vader|ouders|mama|papa|oma|opa|familie|zus|broer|tante|oom"
    r"|schoonmoeder|schoonouders)\b|\b(thuis bij|nog thuis|bij mijn ouders)\b"
)
_CHILDREN = re.compile(r"\b(kind|kinderen|kindje|zoon|dochter|zoontje|dochtertje)\b")


def parse_household(value: Any, intent: str | None, lang: str = "nl") -> Parsed:
    """Alleen / alleen met kind(eren) / met partner. 'Mijn vriend is weg' is not 'met partner';
    'ik woon bij mijn moeder' fills 'other adults in the home' and asks about a partner."""
    text = normalise(_text(value))
    if isinstance(value, str) and value in {h.value for h in Household}:
        return Parsed(str(value))
    if _PARTNER_GONE.search(text) and not re.search(r"\b(nieuwe (partner|vriend|vriendin)|samenwon\w*|getrouwd)\b", text):
        return Parsed((Household.SINGLE_PARENT if _CHILDREN.search(text) else Household.SINGLE).value)
    if _WITH_PARENTS.search(text) and not re.search(rf"\b{_PARTNER_WORD}\b|samen", text):
        return Parsed(None, "Je woont bij familie, lees ik. Woon je daar zonder partner? Kies dan Alleen, of "
                            "Alleen met kind als je al kinderen hebt. Woon je er met je partner? Kies Met partner.",
                      also={SLOTS["other_adults"]: "yes"})
    if re.search(r"alleenstaande? (ouder|moeder|mama|vader)|alleen met (mijn |m'n |de |me )?(kind|zoon|dochter|kinderen)"
                 r"|single (mom|mum|moeder|ouder|parent|mother)|eenoudergezin|een-oudergezin"
                 r"|alone with (my |the )?(child|children|kid|kids|son|daughter|baby)", text):
        return Parsed(Household.SINGLE_PARENT.value)
    if re.search(r"\b(woon|wonen|ben)\b.{0,10}\balleen\b(?!\s+met)|\b(live|living)\b.{0,5}\balone\b(?!\s+with)",
                 text) and not re.search(r"samen|partner|together", text):
        return Parsed(Household.SINGLE.value)
    if re.search(r"\b(partner|samen\w*|getrouwd|gehuwd|huwelijk|man|vriend|vriendin|echtgeno\w*|vrouw|verloofde"
                 r"|geregistreerd|married|husband|boyfriend|together|wife|girlfriend)\b", text):
        return Parsed(Household.COUPLE.value)
    if re.search(r"\b(alleen\w*|single|vrijgezel|alone)\b", text):
        return Parsed(Household.SINGLE.value)
    return Parsed(None, _problem(lang, "household"))


_YEARLY = re.compile(r"\b(per jaar|jaarinkomen|in een jaar|jaarlijks|op jaarbasis|p\.?j|per year|a year|yearly)\b")
_EXPLICIT_BIJSTAND = re.compile(r"bijstand|participatiewet|\bgemeente\b|sociale dienst")


def parse_income(value: Any, intent: str | None, lang: str = "nl") -> Parsed:
    """Net monthly household income: an amount ('1250.50'), 'bijstand' or 'unknown'."""
    if value in (BIJSTAND, UNKNOWN):
        return Parsed(str(value))
    text = normalise(_text(value))
    money = parse_money(text)
    if money.receives_bijstand:
        if _EXPLICIT_BIJSTAND.search(text):
            return Parsed(BIJSTAND)
        if money.amount is None:
            return Parsed(None, f"{_problem(lang, 'income_which_benefit')} {_problem(lang, 'income_example')}")
    if money.unknown or _NOT_SURE.search(text):
        return Parsed(UNKNOWN)
    amount = money.amount
    if amount is None:
        return Parsed(None, f"{_problem(lang, 'income_not_understood')} {_problem(lang, 'income_example')} "
                            f"{_problem(lang, 'income_bijstand_button')}")
    if amount < 0:
        return Parsed(None, f"{_problem(lang, 'income_negative')} {_problem(lang, 'income_example')}")
    if _YEARLY.search(text):
        amount = amount / 12
    if amount > MAX_PLAUSIBLE_MONTHLY_INCOME:
        return Parsed(None, f"{_problem(lang, 'income_too_high')} {_problem(lang, 'income_example')}")
    return Parsed(str(amount.quantize(Decimal("0.01"))))


def parse_savings(value: Any, intent: str | None, limit: Decimal | None, lang: str = "nl") -> Parsed:
    """'yes' / 'no' / 'unknown' for 'more than the asset limit?', or an amount (then both slots)."""
    text = normalise(_text(value))
    money = parse_money(text) if text and not text.startswith("/") else None
    if money is not None and money.amount is not None and money.amount >= 0 and not is_dont_know(text):
        amount = str(money.amount.quantize(Decimal("0.01")))
        if limit is not None and money.amount <= limit:
            return Parsed("no")
        return Parsed("yes", also={SLOTS["savings_amount"]: amount})
    return parse_yes_no_unknown(value, intent, "example_savings", lang)


def parse_savings_amount(value: Any, intent: str | None) -> Parsed:
    """Total savings and other assets: an amount ('20000.00') or 'unknown'."""
    text = normalise(_text(value))
    if value == UNKNOWN or is_dont_know(text):
        return Parsed(UNKNOWN)
    money = parse_money(text)
    if money.amount is None or money.amount < 0:
        return Parsed(None, "Typ het bedrag dat je ongeveer hebt, bijvoorbeeld 20000. Weet je het niet? "
                            "Typ dan 'weet ik niet'.")
    return Parsed(str(money.amount.quantize(Decimal("0.01"))))


_OTHER_ADULT = re.compile(
    r"\b(moeder|vader|ouders|mama|papa|oma|opa|schoonmoeder|schoonvader|schoonouders|zus|broer|tante|oom"
    r"|huisgeno\w*|kamergeno\w*|vriendin|vriend|neef|nicht|familie)\b"
)


def parse_other_adults(value: Any, intent: str | None) -> Parsed:
    """Other adults (21+) in the home besides a partner: yes / no / unknown; 'bij mijn moeder' is yes."""
    text = normalise(_text(value))
    if isinstance(value, str) and not is_dont_know(text) and _OTHER_ADULT.search(text) and not re.match(
            r"^(nee|niet|geen|nope)\b", text):
        return Parsed("yes")
    return parse_yes_no_unknown(value, intent, "nee, alleen mijn partner en kinderen")


def parse_under_21(value: Any, intent: str | None) -> Parsed:
    """She or her partner younger than 21: yes / no / unknown; an age ('19', '23 jaar') is read too."""
    text = normalise(_text(value))
    ages = [int(n) for n in re.findall(r"\b(\d{2})\s*(?:jaar|jr)?\b", text)]
    if ages and all(12 <= a <= 70 for a in ages):
        return Parsed("yes" if min(ages) < 21 else "no")
    return parse_yes_no_unknown(value, intent, "nee, we zijn allebei ouder dan 21")


def parse_pregnancy_answer(value: Any, intent: str | None, today: dt.date, lang: str = "nl") -> Parsed:
    """Due date as ISO text, 'born' or 'unknown'."""
    if value in (BORN, UNKNOWN):
        return Parsed(str(value))
    text = normalise(_text(value))
    if re.search(r"al bevallen|bevallen\b.{0,5}$|is (al )?geboren|al geboren|baby is er|kindje is er|al een baby"
                 r"|already (given birth|gave birth|had (the|my) baby)|baby (is|was) (already )?born|\bgave birth\b", text) \
            or parse_born(text, today) is not None:
        return Parsed(BORN)
    if _dont_know(text):
        return Parsed(UNKNOWN)
    timing = parse_pregnancy(text, today)
    if timing is None:
        return Parsed(None, _problem(lang, "pregnancy"))
    problem = pregnancy_problem(timing, today)
    if problem:
        return Parsed(None, problem)
    return Parsed(timing.due_date.isoformat())


def parse_hours(value: Any, intent: str | None, t: Tables | None = None, lang: str = "nl") -> Parsed:
    """Expected kraamzorg hours ('49') or 'unknown' (then the default is used)."""
    t = t or tables()
    if value == UNKNOWN:
        return Parsed(UNKNOWN)
    text = normalise(_text(value))
    if _dont_know(text) or intent == "deny" or re.fullmatch(r"(nee|nog niet|nee nog niet|no|not yet|no not yet)\W*", text):
        return Parsed(UNKNOWN)
    low, high = t.int_param("min_hours"), t.int_param("max_hours")
    example = _problem(lang, "hours_example")
    numbers = [int(n) for n in re.findall(r"(?<![\d,.])-?\d{1,4}(?![\d,.]\d)", text)]
    if not numbers:
        numbers = find_word_numbers(text)
    if not numbers:
        if re.search(r"basispakket|borstvoeding|basic package|breastfeed", text):
            return Parsed(str(t.int_param("default_hours")))
        return Parsed(None, f"{_problem(lang, 'not_understood')} {example}")
    if len(set(numbers)) > 1:
        return Parsed(None, f"{_problem(lang, 'hours_one_number')} {example}")
    hours = numbers[0]
    if not low <= hours <= high:
        return Parsed(None, f"{_problem(lang, 'hours_range', min_hours=low, max_hours=high)} {example}")
    return Parsed(str(hours))


# ---------------------------------------------------------------- going back and corrections
_BACK = re.compile(r"^(terug|ga terug|ga maar terug|vorige|vorige vraag|naar de vorige vraag|een vraag terug|stap terug"
                   r"|ik wil terug|ik wil een vraag terug|terug naar de vorige vraag)\W*$")
_CORRECTION_MARKER = re.compile(r"\b(eigenlijk|wacht|sorry|oeps|verkeerd|bedoel|bedoelde|correctie|toch|vergist|fout)\b")
# Question -> words that name it in a correction ('mijn inkomen is eigenlijk 2300').
_NAMES_QUESTION = {
    # not 'bijstand' or 'uitkering': the 'bijzondere bijstand this year?' question is full of them
    "income": re.compile(r"\b(inkomen|verdien\w*|verdient|salaris|loon)\b"),
    "insurance": re.compile(r"\b(verzekering|verzekerd|vgz|basisverzekering|rotterdampakket|aanvullend\w*|polis)\b"),
    "pregnancy": re.compile(r"\b(zwanger|uitgerekend|weken|weke)\b"),
    "hours": re.compile(r"\b(uur|uren)\b"),
    "household": re.compile(r"\b(alleenstaand\w*|samenwonend|getrouwd)\b"),
    "savings_amount": re.compile(r"\b(spaargeld|gespaard|spaarrekening|vermogen)\b"),
}


def _savings_correction(text: str) -> Parsed:
    parsed = parse_savings_amount(text, None)
    if parsed.value in (None, UNKNOWN):
        return Parsed(None, parsed.problem)
    return Parsed(parsed.value, also={SLOTS["savings"]: "yes"})


def is_back(value: Any) -> bool:
    """'terug', 'vorige vraag': she wants to answer the previous question again."""
    return bool(_BACK.match(normalise(_text(value))))


def find_correction(value: Any, current: str, today: dt.date, need_marker: bool = True) -> tuple[str, Parsed] | None:
    """A correction of an earlier answer typed at another question ('wacht hij verdient eigenlijk 2300').

    Needs a correction word ('eigenlijk', 'wacht', 'sorry', ...; not with ``need_marker=False``,
    right after the outcome) and words that name the earlier question; returns (question id,
    parsed value) only when the new value is understood.
    """
    text = normalise(_text(value))
    if not text or text.startswith("/") or (need_marker and not _CORRECTION_MARKER.search(text)):
        return None
    parsers = {
        "income": lambda: parse_income(text, None),
        "insurance": lambda: parse_insurance(text, None),
        "pregnancy": lambda: parse_pregnancy_answer(text, None, today),
        "hours": lambda: parse_hours(text, None),
        "household": lambda: parse_household(text, None),
        # an amount of savings: the 'more than the limit?' answer becomes yes, the rules compare the amount
        "savings_amount": lambda: _savings_correction(text),
    }
    for question, pattern in _NAMES_QUESTION.items():
        if question != current and pattern.search(text):
            parsed = parsers[question]()
            if parsed.value is not None:
                return question, parsed
    return None


# ---------------------------------------------------------------- what she said before the questions
_EARLY_HINTS = {
    "pregnancy": re.compile(r"\b(zwanger|weken|weke|uitgerekend|bevallen|geboren|maanden zwanger)\b"),
    "income": re.compile(r"\b(inkomen|verdien\w*|salaris|loon|bijstand|uitkering)\b"),
    "household": re.compile(r"\b(alleenstaand\w*|alleen met|ik woon alleen|samenwonend|getrouwd|mijn (man|partner|vriend))\b"),
}


def early_answers(value: Any, today: dt.date) -> dict[str, str]:
    """Answers in the message that started the check ('ik ben 30 weken zwanger en alleenstaand'):
    slot -> canonical value, only for what is said clearly (a hint word and a value the parser accepts)."""
    text = normalise(_text(value))
    if not text or text.startswith("/"):
        return {}
    parsers = {
        "pregnancy": lambda: parse_pregnancy_answer(text, None, today),
        "income": lambda: parse_income(text, None),
        "household": lambda: parse_household(text, None),
    }
    found: dict[str, str] = {}
    for question, hint in _EARLY_HINTS.items():
        if hint.search(text):
            parsed = parsers[question]()
            if parsed.value not in (None, UNKNOWN):
                found[SLOTS[question]] = str(parsed.value)
    return found


# ---------------------------------------------------------------- slot values -> Answers
def _enum(cls: Any, value: Any) -> Any:
    try:
        return cls(value) if value is not None else None
    except ValueError:
        return None


# Slot values that parse_* cannot produce (e.g. typed as a payload) are ignored, not computed with.
MAX_SLOT_HOURS = 1000
MAX_SLOT_AMOUNT = Decimal("1000000000")


def _income(value: Any) -> Income | None:
    if value is None:
        return None
    if value == BIJSTAND:
        return Income(receives_bijstand=True)
    if value == UNKNOWN:
        return Income()
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return Income(amount=amount) if amount.is_finite() and abs(amount) <= MAX_SLOT_AMOUNT else None


def _pregnancy(value: Any) -> Pregnancy | None:
    if value in (BORN, UNKNOWN):
        return Pregnancy(status=str(value))
    try:
        return Pregnancy(status="due", due_date=dt.date.fromisoformat(str(value))) if value else None
    except ValueError:
        return None


def _amount(value: Any) -> Decimal | None:
    if value in (None, UNKNOWN):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() and 0 <= amount <= MAX_SLOT_AMOUNT else None


def _hours(value: Any) -> int | None:
    try:
        hours = int(value) if value not in (None, UNKNOWN) else None
    except (TypeError, ValueError, OverflowError):
        return None
    return hours if hours is not None and 0 < hours <= MAX_SLOT_HOURS else None


def answers_from_slots(slots: dict[str, Any]) -> Answers:
    """Build the rule inputs from canonical slot values (unknown values count as not asked)."""
    return Answers(
        in_rotterdam=_enum(YesNo, slots.get("kz_in_rotterdam")),
        insurance=_enum(Insurance, slots.get("kz_insurance")),
        household=_enum(Household, slots.get("kz_household")),
        income=_income(slots.get("kz_income")),
        debt_arrangement=_enum(YesNo, slots.get("kz_debt_arrangement")),
        savings_above_limit=_enum(YesNo, slots.get("kz_savings")),
        pregnancy=_pregnancy(slots.get("kz_pregnancy")),
        used_this_year=_enum(YesNo, slots.get("kz_used_this_year")),
        hours=_hours(slots.get("kz_hours")),
        savings_amount=_amount(slots.get("kz_savings_amount")),
        savings_amount_unknown=slots.get("kz_savings_amount") == UNKNOWN,
        other_adults=_enum(YesNo, slots.get("kz_other_adults")),
        under_21=_enum(YesNo, slots.get("kz_under_21")),
    )
