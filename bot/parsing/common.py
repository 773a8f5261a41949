"""Text normalisation, 'weet ik niet' and yes/no detection for Dutch chat answers."""

from __future__ import annotations

import re
import unicodedata

_DONT_KNOW = re.compile(
    r"\b(weet\s*(ik|k|het|t|'t|je)?\s*(het|t|'t)?\s*(nog|echt|eigenlijk|helemaal)?\s*(niet|nie|niks|nog niet)"
    r"|wiet niet|wt niet|geen\s*(flauw|enkel)?\s*idee|idk|idc|dunno|geen flauw benul|onbekend|weetniet|weetiknie[t]?"
    r"|(ben|is)\s*(ik\s*)?(niet|nie)\s*zeker|don'?t know|no idea|dont_know)\b"
)

_YES = re.compile(
    r"^(/affirm\b|ja+\b|jaw[eo]l\b|jazeker\b|jah\b|jep\b|jup\b|jip\b|yes\b|yep\b|yeah\b|ok(e|é|ay)?\b|oke?i\b|prima\b"
    r"|zeker\b|klopt\b|inderdaad\b|natuurlijk\b|tuurlijk\b|correct\b|absoluut\b|dat klopt\b|dat is zo\b|is zo\b|👍)"
)
_NO = re.compile(
    r"^(/deny\b|nee+\b|neen\b|nope\b|no\b|nah\b|neuh?\b|nooit\b|helemaal niet\b|zeker niet\b|klopt niet\b"
    r"|niet\b|dat klopt niet\b|is niet zo\b|👎)"
)
_NEGATION_WORDS = re.compile(r"\b(niet|geen|nooit|nee)\b")
_AFFIRMATIVE_WORDS = re.compile(r"\b(ja|jazeker|jawel|wel|zeker|klopt)\b")


def normalise(text: object) -> str:
    """Lower case, accents stripped, typographic quotes/dashes simplified, single spaces.

    Digits, currency signs and punctuation are kept (parsers need them).
    """
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2212", "-").replace("\u2013", "-")
    text = text.replace("\u2014", "-").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def is_dont_know(text: object) -> bool:
    """True when the answer means 'I don't know' ('weet ik niet', 'geen idee', 'idk', ...)."""
    norm = normalise(text)
    return bool(norm) and bool(_DONT_KNOW.search(norm))


def yes_no(text: object) -> bool | None:
    """Interpret a yes/no answer: ``True``, ``False`` or ``None`` when unclear.

    Looks at how the answer starts ('ja, ...', 'nee hoor'); otherwise a sentence with a
    negation and no affirmative word ('ik woon niet in Rotterdam') counts as no. 'Weet
    ik niet' and mixed answers ('ja en nee') are ``None``.
    """
    norm = normalise(text)
    if not norm or is_dont_know(norm):
        return None
    norm = norm.strip(" .!?,;:")
    yes = bool(_YES.match(norm))
    no = bool(_NO.match(norm))
    if yes and no:
        return None
    if yes:
        # 'ja maar niet ...' is still a yes to the question asked; 'ja nee' is unclear.
        return None if re.match(r"^ja+\W*\s*nee", norm) else True
    if no:
        return None if re.match(r"^nee+\W*\s*ja\b", norm) else False
    negated = bool(_NEGATION_WORDS.search(norm))
    affirmative = bool(_AFFIRMATIVE_WORDS.search(norm))
    if negated and not affirmative:
        return False
    if affirmative and not negated:
        return True
    return None


# Words that open a question in a chat answer (Dutch and the English some parents write).
_QUESTION_WORDS = ("wat", "wats", "hoe", "hoeveel", "welke", "waarom", "wie", "wanneer", "waar",
                   "what", "who", "why", "how")


def is_question(text: object, extra_starts: tuple[str, ...] = ()) -> bool:
    """'wat is aanvullend?', 'wie ziet mijn gegevens': a question, not an answer.

    A question mark anywhere or a question word at the start. ``extra_starts`` adds words that
    open a question at this step only ('kan', 'mag', ...), as long as they cannot start an answer
    there ('klopt' is a question in the kraamzorg check but a yes at the consent step).
    """
    if not isinstance(text, str) or text.lstrip().startswith("/"):
        return False
    norm = normalise(text)
    if not norm:
        return False
    words = "|".join(re.escape(word) for word in (*_QUESTION_WORDS, *extra_starts))
    return "?" in text or re.match(rf"({words})\b", norm) is not None



# Openers that make a question where a free answer is asked (a moment to call, a choice to make):
# a modal verb cannot start such an answer ("kan ik ook appen", "mag ik nog even nadenken").
_FREE_ANSWER_QUESTION_STARTS = ("welk", "kan", "kun", "kunnen", "mag", "mogen", "moet", "moeten", "krijg",
                                "krijgen", "which", "where", "when", "can", "could", "may", "must")
_FILLER_RE = re.compile(r"^(?:en|maar|oke?|ok|huh|sorry|nee|ja)\s+")


def looks_like_question(text: str) -> bool:
    """Typed text that asks something ("wat is het verschil ...", "mag ik ook appen?"), not a tapped
    button: :func:`is_question` with the modal openers, after a filler ("ok wat ..."), or 'verschil'."""
    text = (text or "").strip().lower()
    if not text or text.startswith("/"):
        return False
    return is_question(_FILLER_RE.sub("", text), _FREE_ANSWER_QUESTION_STARTS) or " verschil " in f" {text} "
