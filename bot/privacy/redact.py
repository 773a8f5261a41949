"""Pure redaction of personal data in free text (no Rasa imports).

What goes, in this order (each kind gets its own placeholder):

1. the personal values a parent gave in this conversation (``known`` values: her name, phone
   number, postcode, due date), in any spelling;
2. e-mail addresses, also with spaces around ``@`` and ``.`` or spelled out ("punt",
   "apenstaartje");
3. IBANs, also grouped, lower case or typed one character at a time;
4. numbers spelled out in words or digits ("nul zes ...", "06 en dan 3817..."), and every other
   run of 9 or more digits (phone numbers, BSNs);
5. dates (a due date or a birth date), also written out ("zesde mei", "negentien achtennegentig");
6. Dutch postcodes in any case ("3074 km", "3011am"), except a year followed by a common word
   ("in 2024 de baby");
7. street addresses: a street name (recognised by its ending: -straat, -laan, -weg, -dijk, ...,
   or by the words before it: "ik woon op", "adres:") with a house number;
8. names: after an introduction ("ik heet", "mijn naam is", "ik ben", "met ... hier", "dit is",
   "naam:"), before "hier", after a greeting at the end ("groetjes, Priya"), on a signature line,
   after a title ("mevrouw", "dokter"), after a family word ("mijn man heet Peter", "mijn dochter
   Noor"), and any capitalised word in the middle of a sentence that is a first name or no Dutch
   word (places and the assistant's own vocabulary excepted, :mod:`bot.privacy.lexicon`). A name
   found once is removed everywhere in the text.

Redaction errs on the side of removing too much: a redacted word in a stored transcript costs
nothing, a phone number left in clear text is a data leak. The evaluation on an independent set
is ``python -m bot.privacy.eval_redaction``.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from bot.privacy import lexicon

lexicon.warm_up()  # the word lists (cached on disk after the first build): no slow first message

NAME = "[naam]"
PHONE = "[telefoon]"
POSTCODE = "[postcode]"
DATE = "[datum]"
EMAIL = "[e-mail]"
IBAN = "[iban]"
ADDRESS = "[adres]"
NUMBER = "[nummer]"
REDACTED = "[verwijderd]"
MAX_CHARS = 8000  # longer texts keep only their first and last 4,000 characters
PLACEHOLDERS = {"name": NAME, "phone": PHONE, "postcode": POSTCODE, "date": DATE, "email": EMAIL, "iban": IBAN,
                "address": ADDRESS}

_L = r"[^\W\d_]"  # one letter, any script
_NAME_WORD = rf"(?:['’]t\b|{_L}(?:{_L}|['’\-](?={_L}))*)"
_TOKEN = re.compile(rf"{_NAME_WORD}|\d+|\[[a-z\- ]+\]|[^\s\w]", re.UNICODE)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# ====================================================================== known values
def _sub_known(text: str, value: str, placeholder: str) -> str:
    """Replace ``value`` wherever it occurs (case-insensitive, flexible white space)."""
    value = value.strip()
    if len(value) < 2:
        return text
    parts = [re.escape(p) for p in value.split()]
    pattern = r"\s*".join(parts) if len(parts) > 1 else parts[0]
    boundary_left = r"(?<![\w])" if value[0].isalnum() else ""
    boundary_right = r"(?![\w])" if value[-1].isalnum() else ""
    return re.sub(boundary_left + pattern + boundary_right, placeholder, text, flags=re.IGNORECASE)


def _known_variants(kind: str, value: str) -> list[str]:
    """Spellings of a known value that may appear in text."""
    value = str(value).strip()
    if not value:
        return []
    variants = [value]
    if kind == "name":
        # Single words of the name (from 3 letters) too: she may repeat only her first name.
        variants += [w for w in re.findall(_NAME_WORD, value)
                     if len(w) >= 3 and w.lower() not in lexicon.FUNCTION_WORDS | lexicon.PARTICLES]
    elif kind == "phone":
        try:
            number = phonenumbers.parse(value, "NL")
            national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            variants += [national, national.replace(" ", ""), e164, "0" + str(number.national_number)]
        except phonenumbers.NumberParseException:
            pass
    elif kind == "postcode":
        compact = re.sub(r"\s+", "", value)
        variants += [compact, f"{compact[:4]} {compact[4:]}".strip()]
    return sorted(set(variants), key=len, reverse=True)


def redact_known(text: str | None, known: dict[str, Iterable[str]] | None) -> str | None:
    """Replace only the ``known`` values (see :func:`redact`) wherever they occur in ``text``."""
    if not text or not known:
        return text
    text = _norm(str(text))
    for kind, values in known.items():
        for value in values or ():
            if value is None or isinstance(value, bool):
                continue
            for variant in _known_variants(kind, str(value)):
                text = _sub_known(text, variant, PLACEHOLDERS.get(kind, REDACTED))
    return text


# ====================================================================== e-mail, IBAN
_EMAIL = re.compile(
    r"(?<![\w.+\-])[\w.+\-]{1,64}\s*@\s*[\w\-]{1,63}(?:\.[\w\-]{1,63}|\s+\.\s+[a-z]{2,6}\b|\s\.[a-z]{2,6}\b)+",
    re.IGNORECASE
)
_EMAIL_SPOKEN = re.compile(
    r"(?<![\w.+\-])[\w.+\-]{1,64}(?:\s+(?:punt|dot)\s+[\w.+\-]{1,64}){0,5}\s+(?:apenstaartje|at)\s+[\w\-]{1,63}"
    r"(?:\s+(?:punt|dot)\s+[\w\-]{1,63}){1,4}",
    re.IGNORECASE,
)
# NL: NLkk BBBB 0123 4567 89 (bank code of 4 letters, 10 digits); others: 8-30 digits after kk.
_IBAN_NL = re.compile(r"\b[a-z]{2}[\s\-]?\d{2}[\s\-]?[a-z]{4}(?:[\s\-]?\d){10}\b", re.IGNORECASE)
_IBAN_OTHER = re.compile(r"\b[a-z]{2}\d{2}(?:[\s\-]?[a-z]{1,4})?(?:[\s\-]?\d){8,30}\b", re.IGNORECASE)
# A value typed one character at a time: "N L 4 0 I N G B 3 3 ...".
_SPACED = re.compile(r"(?<!\S)(?:[a-z0-9] ){8,}[a-z0-9](?!\S)", re.IGNORECASE)


def redact_emails(text: str) -> str:
    return _EMAIL_SPOKEN.sub(EMAIL, _EMAIL.sub(EMAIL, text))


def redact_ibans(text: str) -> str:
    def spaced(m: re.Match) -> str:
        compact = m.group(0).replace(" ", "")
        if re.fullmatch(r"[a-z]{2}\d{2}[a-z0-9]{8,30}", compact, re.IGNORECASE):
            return IBAN
        return m.group(0)

    text = _SPACED.sub(spaced, text)
    return _IBAN_OTHER.sub(IBAN, _IBAN_NL.sub(IBAN, text))


# ====================================================================== numbers
_UNITS = {"nul": 0, "zero": 0, "een": 1, "één": 1, "one": 1, "twee": 2, "two": 2, "drie": 3, "three": 3,
          "vier": 4, "four": 4, "vijf": 5, "five": 5, "zes": 6, "six": 6, "zeven": 7, "seven": 7, "acht": 8,
          "eight": 8, "negen": 9, "nine": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
          "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19}
_TENS = {"twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "zestig": 60, "zeventig": 70, "tachtig": 80,
         "negentig": 90}
_NUMBER_GLUE = {"en", "dan", "en dan", "-", ",", "/", ".", "(", ")", "+"}


def number_word(word: str) -> str | None:
    """Digits of a number word below 100 ('vierendertig' -> '34'), else None."""
    word = word.lower()
    if word in _UNITS:
        return str(_UNITS[word])
    if word in _TENS:
        return str(_TENS[word])
    for tens, value in _TENS.items():
        for glue in ("en", "ën"):
            if word.endswith(glue + tens) and word[: -len(tens) - 2] in _UNITS and 0 < _UNITS[word[: -len(tens) - 2]] < 10:
                return str(value + _UNITS[word[: -len(tens) - 2]])
    return None


_NUM_TOKEN = re.compile(r"\d+|[^\W\d_]+|[^\s\w]", re.UNICODE)


def redact_spoken_numbers(text: str) -> str:
    """Numbers typed as words and digits mixed ("nul zes, twaalf, ...", "06 en dan 3817 2645")."""
    tokens = [(m.start(), m.end(), m.group(0)) for m in _NUM_TOKEN.finditer(text)]
    spans: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        digits = tokens[i][2] if tokens[i][2].isdigit() else number_word(tokens[i][2])
        if digits is None:
            i += 1
            continue
        start, end, collected, words, j = tokens[i][0], tokens[i][1], digits, int(not tokens[i][2].isdigit()), i + 1
        glue = 0
        while j < len(tokens):
            word = tokens[j][2]
            value = word if word.isdigit() else number_word(word)
            if value is not None:
                collected += value
                words += int(not word.isdigit())
                end, glue = tokens[j][1], 0
            elif word.lower() in _NUMBER_GLUE and glue < 2:
                glue += 1
            else:
                break
            j += 1
        if len(collected) >= 9 and (words or re.search(r"\b(?:en|dan)\b", text[start:end], re.IGNORECASE)):
            spans.append((start, end, PHONE if collected.startswith(("0", "31")) else NUMBER))
        i = max(j, i + 1)
    for start, end, placeholder in reversed(spans):
        text = text[:start] + placeholder + text[end:]
    return text


# Anything with 9 or more digits, optionally starting with + or 00, spaced or dashed: a phone number
# (starts with 0 or +) or another personal number (a BSN).
_DIGIT_RUN = re.compile(r"(?<![\w])(?:\+|00)?\d(?:[\s\-./()]{0,3}\d){8,}(?![\w])")


def redact_phones(text: str) -> str:
    # Personal numbers have 9+ digits; shorter ones are public service numbers (14 010, 0800-...).
    spans = [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, "NL", leniency=phonenumbers.Leniency.VALID)
             if len(re.sub(r"\D", "", m.raw_string)) >= 9]
    out, last = [], 0
    for start, end in sorted(spans):
        if start < last:
            continue
        out.append(text[last:start])
        out.append(PHONE)
        last = end
    out.append(text[last:])
    text = redact_spoken_numbers("".join(out))

    def number(m: re.Match) -> str:
        return PHONE if m.group(0).startswith(("0", "+")) else NUMBER

    return _DIGIT_RUN.sub(number, text)


# ====================================================================== dates
_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "jan|feb|febr|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
_ORDINAL_UNITS = ("eerste|tweede|derde|vierde|vijfde|zesde|zevende|achtste|negende|tiende|elfde|twaalfde|dertiende|"
                  "veertiende|vijftiende|zestiende|zeventiende|achttiende|negentiende")
_ORDINAL = rf"(?:{_ORDINAL_UNITS}|(?:(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen)[eë]n)?(?:twintig|dertig)ste)"
_YEAR_WORDS = r"(?:negentien|twintig|tweeduizend)(?:honderd)?\s*(?:[a-zë]+(?:tig|tien)|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf|twaalf)\b"
_DATES = [
    re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),
    re.compile(r"\b\d{1,2}\s*[-/.]\s*\d{1,2}(?:\s*[-/.]\s*\d{2,4})?\b"),
    re.compile(rf"\b\d{{1,2}}(?:e|ste|de)?\s+(?:{_MONTHS})\.?(?:\s+'?\d{{2,4}})?\b", re.IGNORECASE),
    re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?\b", re.IGNORECASE),
    re.compile(rf"\b{_ORDINAL}\s+(?:{_MONTHS})\b(?:\s+\d{{4}})?", re.IGNORECASE),
    re.compile(rf"\b{_YEAR_WORDS}", re.IGNORECASE),
]


def redact_dates(text: str) -> str:
    for pattern in _DATES:
        text = pattern.sub(DATE, text)
    return text


# ====================================================================== postcodes
_POSTCODE = re.compile(r"(?<![\w.,])([1-9][0-9]{3})\s?(?!sa\b|sd\b|ss\b)([a-z]{2})\b", re.IGNORECASE)
_POSTCODE_LABEL = re.compile(r"\b(postcode|pc)\s*(?::|is)?\s*([1-9][0-9]{3})\b(?!\s?[a-z]{2}\b)", re.IGNORECASE)
# After a year ("in 2024 de baby", "kenmerk 2024 en dan"): ordinary words, not postcode letters.
_AFTER_YEAR = frozenset({"de", "en", "in", "op", "te", "al", "ik", "je", "ze", "we", "is", "er", "om", "na", "of",
                         "nu", "zo", "ja", "af", "an", "at", "am", "pm", "uu", "hm", "eh", "ok", "as", "to", "or", "on", "dat", "het"})


def redact_postcodes(text: str) -> str:
    def replace(m: re.Match) -> str:
        number, letters = int(m.group(1)), m.group(2)
        before = text[max(0, m.start() - 25):m.start()].lower()
        if letters.islower() and 1900 <= number <= 2099 and letters in _AFTER_YEAR and "postcode" not in before:
            return m.group(0)
        if re.search(r"\d[:.]\d\d\s*$", before) or re.search(r"\d{1,2}:\d\d$", text[max(0, m.start() - 6):m.start()].strip()):
            return m.group(0)  # "10:30 am"
        return POSTCODE

    text = _POSTCODE.sub(replace, text)
    return _POSTCODE_LABEL.sub(lambda m: f"{m.group(1)} {POSTCODE}", text)


# ====================================================================== addresses
_STREET_ENDINGS = (
    "straat|straatje|straatweg|laan|laantje|weg|weegje|dijk|dijkje|kade|singel|plein|pleintje|gracht|wal|hof|hofje|"
    "park|pad|dreef|steeg|markt|haven|vliet|bocht|boulevard|plantsoen|kant|baan|ring|oord|zijde|erf|dam|veld|berg|"
    "werf|poort|tuin|gaarde|hoek|kwartier|plaats|weide|brink|burcht|hoeve|polder|donk|loop|kamp|slag|schans|sluis|"
    "wetering|vaart|kreek|hoven|bos|dal|horst|kamp|akker|lanen|passage|galerij|promenade|terras|allee|rijweg|"
    "stoep|wijk|hil|heuvel|zoom|rade|rak|kil"
)
_HOUSE_NUMBER = (
    r"(?:(?:nr\.?|nummer|no\.?)\s*)?\d{1,5}"
    r"(?:\s?-\s?(?:\d{1,4}|[a-z]{1,3}\b|[IVX]{1,4}\b)|\s?[a-zA-Z]\b|(?-i:[A-Z]{1,2})\b)?"
    r"(?:\s(?:\d{1,2}(?:e|ste|de)\b(?:\s+(?:etage|verdieping|hoog))?|(?-i:[IVX]{1,3})\b|hoog\b|bis\b|boven\b|beneden\b|huis\b))?"
)
_STREET_WORD = rf"(?:'s-)?{_L}[\w'’\-]{{0,40}}"
_WORD_RE = re.compile(_STREET_WORD)
_ENDINGS = tuple(sorted(set(_STREET_ENDINGS.split("|")), key=len, reverse=True))
_HOUSE_NUMBER_AFTER = re.compile(rf"[ \t]+{_HOUSE_NUMBER}", re.IGNORECASE)
_STREET_PREFIXES = frozenset({
    "nieuwe", "oude", "korte", "lange", "groene", "hoge", "lage", "grote", "kleine", "noord", "zuid", "oost", "west",
    "eerste", "tweede", "derde", "sint", "burgemeester", "dokter", "prins", "prinses", "koningin", "graaf", "van",
    "de", "der", "den", "'s", "achter", "voor", "binnen", "buiten", "boven", "beneden", "zwart", "witte", "rode",
})
_LIVE_CONTEXT = re.compile(
    r"\b(?:woon|woont|wonen|woonde|woonachtig|verhuisd|adres|post\s+gaat|bezorgen|sturen|komen|kom|huis\s+is)\b"
    r"[^.\n!?]{0,25}?\b(?:op|aan|in|naar|is|was|:)\s+(?:de\s+|het\s+)?"
    rf"((?:{_STREET_WORD}[ \t]+){{0,3}}?{_STREET_WORD})[ \t]+({_HOUSE_NUMBER})",
    re.IGNORECASE,
)
_ADDRESS_LABEL = re.compile(r"(?im)^(\s*(?:straat|adres|address|woonadres|bezoekadres)\s*:\s*)([^\n]+)")
_PREVIOUS_WORD = re.compile(rf"({_STREET_WORD})[ \t]+$")


def _extend_street_left(text: str, start: int, bare: bool) -> int:
    """Include the words before a street name: capitalised ones or prefixes ("Burgemeester Baumann-",
    "nieuwe binnenweg"); after a bare ending ("beijerlandse laan") the word before in any case."""
    for step in range(3):
        m = _PREVIOUS_WORD.search(text[max(0, start - 60):start])
        if not m:
            break
        word = m.group(1)
        low = word.lower()
        if low in lexicon.FUNCTION_WORDS and low not in _STREET_PREFIXES:
            break
        if not (word[0].isupper() or low in _STREET_PREFIXES or (bare and step == 0)):
            break
        start = start - len(m.group(0))
    return start


def redact_addresses(text: str) -> str:
    text = _ADDRESS_LABEL.sub(lambda m: m.group(1) + ADDRESS, text)
    spans: list[tuple[int, int]] = []
    for m in _WORD_RE.finditer(text):
        low = m.group(0).lower()
        if not low.endswith(_ENDINGS):
            continue
        number = _HOUSE_NUMBER_AFTER.match(text, m.end())
        if number is None:
            continue
        bare = low in _ENDINGS  # "laan" on its own: the street's name is the word before
        spans.append((_extend_street_left(text, m.start(), bare), number.end()))
    for m in _LIVE_CONTEXT.finditer(text):
        words = m.group(1).split()
        if any(w.lower() in lexicon.FUNCTION_WORDS and w.lower() not in _STREET_PREFIXES for w in words) \
                or words[0].lower() in lexicon.FUNCTION_WORDS or not re.match(r"\d", m.group(2)):
            continue
        spans.append((m.start(1), m.end(2)))
    return _replace_spans(text, spans, ADDRESS)


def _replace_spans(text: str, spans: list[tuple[int, int]], placeholder: str) -> str:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + placeholder + text[end:]
    return text


# ====================================================================== names
@dataclass
class _Tok:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return bool(re.match(_L, self.text)) or self.text[:1] in "'’"

    @property
    def is_cap(self) -> bool:
        return self.text[:1].isupper()


_INTROS = [
    # (phrase, mode): 'strong' = any word that is not a function word; 'ben' = 'ik ben'-like.
    (r"ik\s+heet", "strong"), (r"heet", "strong"), (r"heten", "strong"), (r"genaamd", "strong"),
    (r"(?:mijn|m'?n|me)\s+naam\s+is", "strong"), (r"(?:mijn|m'?n)\s+naam", "strong"), (r"naam\s+is", "strong"),
    (r"(?:achter|voor|roep|bij)naam(?:\s+is)?", "strong"), (r"naam\s*:", "label"), (r"name\s*:", "label"),
    (r"naam", "soft"), (r"noem\s+m(?:e|ij)(?:\s+maar)?", "strong"), (r"noemt\s+m(?:e|ij)", "strong"), (r"noemen\s+m(?:e|ij)", "strong"),
    (r"zeg\s+maar", "strong"), (r"ik\s+ben", "ben"), (r"ik\s+ben\s+het", "ben"), (r"dit\s+is", "ben"),
    (r"hier\s+is", "ben"), (r"het\s+is\s+weer", "ben"), (r"(?:u|je)\s+spreekt\s+met", "ben"),
    (r"(?:it'?s|it\s+is|i\s+am|i'?m|this\s+is|my\s+name\s+is)", "ben"), (r"mi\s+ta", "ben"),
    (r"t\.?\s?n\.?\s?v\.?", "strong"), (r"ten\s+name\s+van", "strong"), (r"op\s+naam\s+van", "ben"),
    (r"namens", "ben"),
]
_INTRO_RE = re.compile(r"(?<![\w])(?:" + "|".join(f"(?P<i{n}>{p})" for n, (p, _) in enumerate(_INTROS)) + r")(?![\w])",
                       re.IGNORECASE)
_GREETING_START = re.compile(r"^(?:(?:hoi|hallo|hey|hee|hi|hello|dag|goedemorgen|goedemiddag|goedenavond|goedendag|"
                             r"selam|salaam|bon\s+dia|ja\s+hallo|oke|ok)\W*\s*)*met\s+", re.IGNORECASE)
_SIGNOFF = re.compile(
    r"(?<![\w])(?:groetjes|groetje|groeten|groet|gr|liefs|mvg|m\.v\.g\.|met\s+vriendelijke\s+groet(?:en)?|"
    r"vriendelijke\s+groet(?:en)?|hartelijke\s+groet(?:en)?|kind\s+regards|regards|best|cheers|thanks|thank\s+you|"
    r"thx|bedankt|dank\s+je(?:\s+wel)?|dankjewel|dank\s+u(?:\s+wel)?|dankuwel|xx+|x|kus|kusjes|doei|tot\s+ziens)"
    r"(?![\w])[\s,.!:;/\-]*",
    re.IGNORECASE,
)
_TITLES = re.compile(r"(?<![\w])(?:mevrouw|mevr\.?|mw\.?|meneer|mnr\.?|dhr\.?|de\s+heer|dokter|dr\.?|juf|juffrouw|"
                     r"meester|zuster|mrs\.?|mr\.?|ms\.?)(?![\w])\s*", re.IGNORECASE)
_KIN = (
    r"man|vrouw|echtgeno(?:ot|te)|vriend|vriendje|vriendin|vriendinnetje|partner|verloofde|moeder|mama|mam|vader|"
    r"papa|pap|zus|zusje|zuster|broer|broertje|dochter|dochtertje|zoon|zoontje|kind|kindje|baby|oudste|jongste|"
    r"middelste|schoonmoeder|schoonvader|schoonzus|schoonzuster|schoonbroer|zwager|buurvrouw|buurman|ex|nicht|"
    r"neef|oma|opa|tante|oom|collega|stiefvader|stiefmoeder|pleegmoeder|pleegvader|verloskundige|kraamverzorgster|"
    r"kraamverzorgende|kraamhulp|huisarts|jeugdverpleegkundige|verpleegkundige|gynaecoloog|tolk|begeleider|"
    r"begeleidster|maatschappelijk\s+werker|consulent|consulente|tweeling|vriendinnen|kinderen|zonen|dochters"
)
_KIN_RE = re.compile(rf"(?<![\w])(?:{_KIN})(?![\w])", re.IGNORECASE)
_END_OF_CLAUSE = set(".!?;:\n")
_PRONOUNS = frozenset({"ik", "jij", "je", "u", "hij", "zij", "ze", "wij", "we", "jullie", "het", "dit", "dat", "die",
                       "deze", "er", "hier", "daar", "iemand", "men", "mijn", "de", "een"})
_STREETLIKE = re.compile(rf"(?:{_STREET_ENDINGS})$", re.IGNORECASE)


def _place_prefixes(word: str) -> list[str]:
    """Known places of 5+ letters that ``word`` starts with ('rotterdampas' -> 'rotterdam')."""
    return [word[:n] for n in range(5, len(word) - 2) if word[:n] in lexicon.places()]


@lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){re.escape(phrase)}(?![\w])")


class _Names:
    """Finds name spans in one text (see the module doc, point 8)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = [_Tok(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        self.starts = [tok.start for tok in self.toks]
        self.spans: list[tuple[int, int]] = []
        self.protected = self._protected_spans()

    # ------------------------------------------------------------------ lexical tests
    @staticmethod
    def dutch(word: str) -> bool:
        return lexicon.is_dutch_word(word) or all(lexicon.is_dutch_word(p) for p in word.split("-") if p)

    def function(self, tok: _Tok) -> bool:
        return tok.low in lexicon.FUNCTION_WORDS

    def first_name(self, tok: _Tok) -> bool:
        return tok.low in lexicon.first_names()

    def place(self, tok: _Tok) -> bool:
        return tok.low in lexicon.places() or any(a <= tok.start < b for a, b in self.protected)

    def _protected_spans(self) -> list[tuple[int, int]]:
        low = self.text.lower()
        spans = []
        for phrase in lexicon.place_phrases():
            if phrase not in low:  # the quick test first: most texts name none of the ~150 phrases
                continue
            for m in _phrase_pattern(phrase).finditer(low):
                spans.append((m.start(), m.end()))
        return spans

    def sentence_initial(self, index: int) -> bool:
        for prev in reversed(self.toks[:index]):
            if prev.text in _END_OF_CLAUSE or prev.text in {"-", "(", '"', "“"}:
                return True
            if prev.is_word or prev.text.isdigit():
                return "\n" in self.text[prev.end:self.toks[index].start]
        return True

    def name_like(self, tok: _Tok, mode: str) -> bool:
        """Can ``tok`` be (the start of) a name in this context?

        Modes: 'strong' (after 'ik heet', 'mijn naam is': any word), 'label' ('Naam:'), 'ben' (after
        'ik ben', 'dit is': a capitalised first name or non-Dutch word; in lower case no Dutch word),
        'soft' (sign-off, before 'hier', after a family word: a first name or an unknown word), 'cap'
        (no context: a capitalised first name or unknown word that is no place or street).
        """
        if not tok.is_word or tok.text.startswith("[") or len(tok.text) < 2:
            return False
        first_name_anyway = mode != "cap" and tok.is_cap and tok.low in lexicon.any_first_names() \
            and tok.low not in _PRONOUNS
        if tok.low in lexicon.PARTICLES and tok.low not in ("'t", "’t") and not first_name_anyway:
            return False
        if self.function(tok):
            # 'Ben', 'Wil': a capitalised first name after an introduction is a name
            return mode in ("ben", "soft", "strong", "label") and tok.is_cap and tok.low in lexicon.any_first_names() \
                and tok.low not in _PRONOUNS
        if mode in ("strong", "label"):
            return True
        dutch = self.dutch(tok.text)
        if mode == "ben":  # capitalised: a name unless it describes a state ('Ik ben Moe'); lower case: no Dutch word
            if tok.is_cap:
                return self.first_name(tok) or not (lexicon.is_describing_word(tok.text) or self.place(tok))
            return not dutch
        if mode == "soft":
            return self.first_name(tok) or (not dutch and not self.place(tok))
        if mode == "cap":
            if not tok.is_cap or self.place(tok) or _STREETLIKE.search(tok.text) or re.search(r"\w[A-Z]", tok.text[1:]):
                return False
            if any(tok.low.startswith(p) for p in _place_prefixes(tok.low)):
                return False
            return self.first_name(tok) or not dutch
        return False

    def continues(self, tok: _Tok, mode: str, lower_ok: bool) -> bool:
        """Can ``tok`` continue a name already started?"""
        if not tok.is_word or self.function(tok) or tok.text.startswith("["):
            return False
        if tok.is_cap:
            if mode in ("strong", "label", "ben", "soft"):
                return not self.place(tok) or tok.low in lexicon.last_names()
            return tok.low in lexicon.last_names() or (not self.dutch(tok.text) and not self.place(tok))
        return lower_ok and len(tok.text) >= 3 and (not self.dutch(tok.text) or tok.low in lexicon.last_names())

    # ------------------------------------------------------------------ taking a name
    def take(self, index: int, mode: str, lower_continue: bool | None = None) -> int:
        """Take the name starting at token ``index``; returns the index after it (== index: none)."""
        toks = self.toks
        i = index
        # initials: "S. Ramdin", "F. Öztürk"
        while i + 1 < len(toks) and len(toks[i].text) == 1 and toks[i].text.isupper() and toks[i + 1].text == ".":
            i += 2
        # a surname may start with a particle: "De Vries", "'t Hart", "van Dam" ('Ben' is a first name)
        if i < len(toks) and (toks[i].low in lexicon.PARTICLES or toks[i].low in ("'t", "’t")) and not (
                mode != "cap" and toks[i].is_cap and toks[i].low in lexicon.any_first_names()):
            j = i
            while j < len(toks) and toks[j].low in lexicon.PARTICLES | {"'t", "’t"}:
                j += 1
            if j < len(toks) and toks[j].is_word and (toks[j].is_cap or mode in ("strong", "label")) \
                    and not self.function(toks[j]) and self._adjacent(j - 1, j):
                i = j
            else:
                return index
        if i >= len(toks) or not self.name_like(toks[i], mode):
            return index
        lower_ok = (not toks[i].is_cap) if lower_continue is None else lower_continue
        end = i + 1
        count = 1
        while end < len(toks) and count < 5 and self._adjacent(end - 1, end):
            tok = toks[end]
            if tok.low in lexicon.PARTICLES or tok.low in ("'t", "’t"):
                j = end
                while j < len(toks) and toks[j].low in lexicon.PARTICLES | {"'t", "’t"} and self._adjacent(j - 1, j):
                    j += 1
                nxt = toks[j] if j < len(toks) else None
                if nxt is not None and self._adjacent(j - 1, j) and nxt.is_word and not self.function(nxt) \
                        and not nxt.text.startswith("[") \
                        and (nxt.is_cap or (lower_ok and (not self.dutch(nxt.text) or nxt.low in lexicon.last_names()))):
                    end, count = j + 1, count + 1
                    continue
                break
            if self.continues(tok, mode, lower_ok):
                end, count = end + 1, count + 1
                continue
            if mode == "label" and tok.text == "," and end + 1 < len(toks) and toks[end + 1].is_cap \
                    and self.name_like(toks[end + 1], "soft"):
                end += 1
                continue
            break
        self.spans.append((toks[index].start, toks[end - 1].end))
        return end

    def _adjacent(self, a: int, b: int) -> bool:
        """Only white space (no line break) between tokens a and b."""
        gap = self.text[self.toks[a].end:self.toks[b].start]
        return gap.strip() == "" and "\n" not in gap

    def index_at(self, pos: int) -> int:
        """Index of the first token that starts at or after ``pos``."""
        return bisect.bisect_left(self.starts, pos)

    def skip_punct(self, i: int, allowed: str = ",(:") -> int:
        while i < len(self.toks) and self.toks[i].text in allowed:
            i += 1
        return i

    # ------------------------------------------------------------------ the rules
    def run(self) -> list[tuple[int, int]]:
        self.intros()
        self.greeting_met()
        self.before_hier()
        self.signoffs()
        self.signature_lines()
        self.titles()
        self.family()
        self.capitalised()
        self.joined()
        self.propagate()
        return self.spans

    def intros(self) -> None:
        for m in _INTRO_RE.finditer(self.text):
            mode = next(_INTROS[int(k[1:])][1] for k, v in m.groupdict().items() if v is not None)
            i = self.skip_punct(self.index_at(m.end()), ":" if mode != "label" else ":")
            if mode == "label":
                self.take(i, "label", lower_continue=True)
                continue
            if i < len(self.toks) and self.toks[i].text in (",",):
                continue
            i = self.skip_titles(i)
            end = self.take(i, mode, lower_continue=None if mode != "strong" else True)
            # "heet Yara en Lina", "Tamara en Dennis"
            while end > i and end + 1 < len(self.toks) and self.toks[end].low == "en":
                nxt = self.take(end + 1, "soft" if mode != "strong" else "cap")
                if nxt == end + 1:
                    break
                end = nxt

    def skip_titles(self, i: int) -> int:
        if i < len(self.toks):
            m = _TITLES.match(self.text, self.toks[i].start)
            if m:
                return self.index_at(m.end())
        return i

    def greeting_met(self) -> None:
        """'Met Sanne de Vries hier', 'hallo met ayşe, ...' at the start of the message."""
        m = _GREETING_START.match(self.text)
        if m:
            i = self.skip_titles(self.index_at(m.end()))
            if i < len(self.toks) and self.toks[i].low not in ("de", "het", "een", "mijn", "m'n"):
                self.take(i, "soft" if not self.toks[i].is_cap else "ben", lower_continue=True)

    def before_hier(self) -> None:
        """'fatima hier', 'Linda Bloem hier', 'Katarzyna here'."""
        for n, tok in enumerate(self.toks):
            if tok.low not in ("hier", "here") or n == 0:
                continue
            after = self.toks[n + 1].text if n + 1 < len(self.toks) else ""
            if after and after.isalpha() and after.lower() not in ("is", "en", "ook", "nog"):
                if not self.toks[n + 1].is_cap and after.lower() not in lexicon.FUNCTION_WORDS:
                    continue
            j = n - 1
            start = None
            while j >= 0 and n - j <= 4 and self._adjacent(j, j + 1):
                t = self.toks[j]
                if t.low in lexicon.PARTICLES or (t.is_word and not self.function(t)) or (
                        t.is_cap and t.low in lexicon.any_first_names() and t.low not in _PRONOUNS):
                    start = j
                    j -= 1
                    continue
                break
            if start is None or (self.toks[start].low in lexicon.PARTICLES and not self.toks[start].is_cap):
                continue
            clause_start = start == 0 or self.toks[start - 1].text in _END_OF_CLAUSE | {",", "-", "("} \
                or self.toks[start - 1].low in ("met", "hallo", "hoi", "hey", "hi", "dag", "goedendag", "ja", "is") \
                or "\n" in self.text[self.toks[start - 1].end:self.toks[start].start]
            if clause_start and (self.name_like(self.toks[start], "soft") or self.toks[start].is_cap):
                self.spans.append((self.toks[start].start, self.toks[n - 1].end))

    def signoffs(self) -> None:
        """'Groetjes, Priya', 'Mvg Zoë', 'xx lisa', 'Thanks! Joanna' at the end of the message."""
        for m in _SIGNOFF.finditer(self.text):
            i = self.index_at(m.end())
            i = self.skip_titles(i)
            if i >= len(self.toks):
                continue
            end = self.take(i, "soft", lower_continue=True)
            if end == i:
                continue
            rest = self.text[self.toks[end - 1].end:]
            first_line_rest = rest.split("\n", 1)[0]
            if re.search(r"[^\W\d_]{2,}", first_line_rest) and not re.match(r"^\s*(?:en|&)\s", first_line_rest):
                # not the end of the message or line: undo (it was an ordinary sentence)
                self.spans.pop()

    def signature_lines(self) -> None:
        """A line that is only a name ('Marieke van Leeuwen', 'Fatma Öztürk')."""
        pos = 0
        lines = self.text.split("\n")
        if len(lines) < 2:
            return
        for line in lines:
            words = re.findall(rf"{_NAME_WORD}|\S+", line)
            start = pos
            pos += len(line) + 1
            if not 1 <= len(words) <= 5 or any(not re.fullmatch(_NAME_WORD, w) for w in words):
                continue
            caps = [w for w in words if w.lower() not in lexicon.PARTICLES]
            if not caps or not all(w[0].isupper() for w in caps):
                continue
            if all(self.dutch(w) and w.lower() not in lexicon.first_names() for w in caps):
                continue
            if any(w.lower() in lexicon.FUNCTION_WORDS or w.lower() in lexicon.places() for w in caps):
                continue
            offset = len(line) - len(line.lstrip())
            self.spans.append((start + offset, start + len(line.rstrip())))

    def titles(self) -> None:
        for m in _TITLES.finditer(self.text):
            i = self.index_at(m.end())
            if i < len(self.toks) and (self.toks[i].is_cap or self.toks[i].low in lexicon.PARTICLES | {"'t", "’t"}):
                self.take(i, "strong", lower_continue=False)

    def family(self) -> None:
        """'mijn man heet Peter', 'mijn dochter Noor', 'mijn oudste, jayden,', 'moeder van Sem'."""
        for m in _KIN_RE.finditer(self.text):
            i = self.index_at(m.end())
            if i < len(self.toks) and self.toks[i].low in ("is", "heet", "genaamd", "van"):
                verb = self.toks[i].low
                i += 1
                if verb in ("is", "van"):
                    if i < len(self.toks) and self.toks[i].is_cap:
                        self.take(i, "cap")
                    continue
                self.take(i, "strong")
                continue
            i = self.skip_punct(i, ",(")
            if i < len(self.toks) and self._adjacent_or_punct(i):
                tok = self.toks[i]
                if tok.is_cap and tok.is_word and not self.function(tok) and not self.place(tok):
                    self.take(i, "strong", lower_continue=False)  # 'mijn dochter Noor', 'de kraamverzorgster Marjolein'
                else:
                    self.take(i, "soft", lower_continue=True)

    def _adjacent_or_punct(self, i: int) -> bool:
        return i > 0 and "\n" not in self.text[self.toks[i - 1].end:self.toks[i].start]

    def capitalised(self) -> None:
        for n, tok in enumerate(self.toks):
            if self.in_span(tok.start) or not tok.is_cap or self.sentence_initial(n):
                continue
            if tok.text.isupper() and len(tok.text) > 1 and not self.first_name(tok):
                continue  # acronyms: CJG, HEMA, BSN
            if self.name_like(tok, "cap"):
                self.take(n, "cap", lower_continue=False)

    def joined(self) -> None:
        """'Yara en Lina', 'Tamara en Dennis': a capitalised word joined to a name by 'en'."""
        for n, tok in enumerate(self.toks[:-2]):
            if tok.low == "en" and self.in_span(self.toks[n - 1].start if n else -1):
                nxt = self.toks[n + 1]
                if nxt.is_cap and not self.in_span(nxt.start) and self.name_like(nxt, "soft"):
                    self.take(n + 1, "soft", lower_continue=False)

    def in_span(self, pos: int) -> bool:
        return any(a <= pos < b for a, b in self.spans)

    def propagate(self) -> None:
        """A name found once is removed wherever it occurs in the text ('mol, kim mol')."""
        names = set()
        for a, b in self.spans:
            for w in re.findall(_NAME_WORD, self.text[a:b]):
                if len(w) >= 2 and w.lower() not in lexicon.PARTICLES and w.lower() not in lexicon.FUNCTION_WORDS:
                    names.add(w.lower())
        for tok in self.toks:
            if tok.low in names and not self.in_span(tok.start):
                self.spans.append((tok.start, tok.end))
        # a first name right before a name found: "kim [mol]"
        for n, tok in enumerate(self.toks[:-1]):
            if not self.in_span(tok.start) and self.in_span(self.toks[n + 1].start) and self._adjacent(n, n + 1) \
                    and tok.is_word and self.first_name(tok) and not self.function(tok):
                self.spans.append((tok.start, tok.end))


def redact_names(text: str) -> str:
    """Replace the names found by the rules of the module doc (point 8) with ``[naam]``."""
    if not re.search(_L, text):
        return text
    spans = _Names(text).run()
    return _replace_spans(text, spans, NAME)


# ====================================================================== all together
def redact(text: str | None, known: dict[str, Iterable[str]] | None = None) -> str | None:
    """Redact personal data in ``text``.

    ``known`` maps a kind (``name``, ``phone``, ``postcode``, ``date`` or anything else,
    which is replaced by ``[verwijderd]``) to values this person gave: they are removed
    wherever they appear, in any spelling the kind allows.
    """
    if not text:
        return text
    text = _norm(str(text))
    if len(text) > MAX_CHARS:  # the middle of a very long message is not kept at all
        text = text[: MAX_CHARS // 2] + " […] " + text[-MAX_CHARS // 2:]
    text = redact_known(text, known)
    text = redact_emails(text)
    text = redact_ibans(text)
    text = redact_phones(text)
    text = redact_addresses(text)
    text = redact_dates(text)
    text = redact_postcodes(text)
    return redact_names(text)
