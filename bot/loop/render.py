"""The answers of the loop, as (text, buttons): status, privacy, her own data, erasure question."""

from __future__ import annotations

from bot.loop.adapters import aanmeldpunt_phone, chat_retention_days
from bot.loop.texts import button, dutch_date, kind_word, my_data_word, status_text, text

Button = dict[str, str]

CALLBACK_BUTTON = {"title": "Bel me terug", "payload": "/request_callback"}
MESSAGE_BUTTON = {"title": "Stuur een bericht", "payload": "/leave_message"}
REGISTER_BUTTON = {"title": "Aanmelden", "payload": "/request_registration"}
MY_DATA_BUTTON = {"title": "Wat weten jullie?", "payload": "/ask_my_data"}
ERASE_BUTTON = {"title": "Gegevens verwijderen", "payload": "/delete_my_data"}
YES_WITHDRAW = {"title": "Ja, intrekken", "payload": "Ja, trek mijn aanmelding in"}
NO_WITHDRAW = {"title": "Nee", "payload": "Nee, niet intrekken"}
YES_ERASE = {"title": "Ja, verwijder alles", "payload": "Ja, verwijder alles"}
NO_ERASE = {"title": "Nee", "payload": "Nee, niet verwijderen"}

# The Dutch buttons above, by name: their titles per language come from content/loop/texts.yml.
_BUTTON_KEYS = {
    "callback": CALLBACK_BUTTON, "message": MESSAGE_BUTTON, "register": REGISTER_BUTTON,
    "my_data": MY_DATA_BUTTON, "erase": ERASE_BUTTON, "yes_withdraw": YES_WITHDRAW,
    "no_withdraw": NO_WITHDRAW, "yes_erase": YES_ERASE, "no_erase": NO_ERASE,
}
_TITLE_KEYS = {"no_withdraw": "no_button", "no_erase": "no_button"}
CLOSED = ("closed", "withdrawn")


def loop_button(name: str, lang: str = "nl") -> Button:
    """One of the loop's buttons (``_BUTTON_KEYS``) with its title in ``lang``; same payload."""
    return button(_TITLE_KEYS.get(name, name), _BUTTON_KEYS[name]["payload"], lang)


def _kind(kind: str, lang: str = "nl") -> str:
    return kind_word(kind, lang)


def phone_line(lang: str = "nl") -> str:
    return text("phone_line", lang, phone=aanmeldpunt_phone())


def _case_status_lines(case, lang: str = "nl") -> list[str]:
    words = status_text(case.status, lang)
    is_callback = case.kind != "registration"
    now = (words.callback_now if is_callback else "") or words.now
    nxt = (words.callback_next if is_callback else "") or words.next
    return [
        text("received", lang, kind=_kind(case.kind, lang), reference=case.reference,
             date=dutch_date(case.created_at, lang=lang), label=words.label),
        now,
        nxt,
    ]


def status_answer(cases: list, lang: str = "nl") -> tuple[str, list[Button]]:
    """Her newest registration (else her newest callback request), plus open callback requests."""
    registrations = [c for c in cases if c.kind == "registration"]
    main = registrations[0] if registrations else cases[0]
    lines = _case_status_lines(main, lang)
    for other in cases:
        if other is main or other.kind == "registration" or other.status in CLOSED:
            continue
        lines.append(text("also_callback", lang, reference=other.reference, label=status_text(other.status, lang).label))
    lines.append(phone_line(lang))
    if main.status in CLOSED:
        buttons = [loop_button("register", lang), loop_button("callback", lang)]
    else:
        buttons = [loop_button("callback", lang), loop_button("message", lang)]
    return "\n".join(lines), buttons


def none_found_answer(lang: str = "nl") -> tuple[str, list[Button]]:
    return text("none_found", lang) + "\n" + phone_line(lang), [loop_button("register", lang), loop_button("callback", lang)]


def privacy_answer(lang: str = "nl") -> tuple[str, list[Button]]:
    from bot.registration.consent import retention_days

    chat_days = chat_retention_days()
    chat = " " + text("chat_retention", lang, days=chat_days) if chat_days else ""
    body = text("privacy", lang, days=retention_days(), chat_retention=chat, phone=aanmeldpunt_phone())
    return body, [loop_button("my_data", lang), loop_button("erase", lang)]


# ---------------------------------------------------------------- her own data
def _display_phone(e164: str | None) -> str | None:
    if not e164:
        return None
    from bot.registration.validators import display_phone

    return display_phone(e164)


def _consent_line(case, lang: str = "nl") -> str:
    at = case.consent_at
    from zoneinfo import ZoneInfo

    local = at.astimezone(ZoneInfo("Europe/Amsterdam"))
    return "• " + my_data_word("consent", lang, date=dutch_date(at, lang=lang), time=f"{local:%H:%M}",
                               version=case.consent_text_version)


def my_data_answer(data: list, lang: str = "nl") -> str:
    """Every stored field of her cases (``bot.store.parent_access.CaseData``), then how to change it."""
    def word(key: str) -> str:
        return my_data_word(key, lang)

    blocks = [text("my_data_intro", lang)]
    for case in data:
        s = case.summary
        lines = [
            my_data_word("came_in", lang, kind=_kind(s.kind, lang).capitalize(), reference=s.reference,
                         date=dutch_date(s.created_at, lang=lang)),
            f"• Status: {status_text(s.status, lang).label}",
        ]
        if s.personal_data_deleted:
            lines.append("• " + word("deleted"))
            blocks.append("\n".join(lines))
            continue
        fields = [
            (word("name"), case.name),
            (word("phone"), _display_phone(case.phone)),
            (word("postcode"), case.postcode),
            (word("due_date"), dutch_date(case.due_date, lang=lang) if case.due_date else None),
            (word("weeks"), str(case.weeks_pregnant) if case.weeks_pregnant is not None else None),
            (word("help"), ", ".join(case.help_areas) if case.help_areas else None),
            (word("call") if s.kind != "registration" else word("reachable"), case.reachable),
            (word("via"), s.channel),
        ]
        lines += [f"• {label}: {value}" for label, value in fields if value]
        lines.append(_consent_line(case, lang))
        for message in case.messages:
            who = word("you") if message.direction == "in" else word("bot") if message.actor == "bot" else word("aanmeldpunt")
            lines.append(f"• {who} ({dutch_date(message.created_at, lang=lang)}): {message.text}")
        blocks.append("\n".join(lines))
    blocks.append(text("my_data_outro", lang, phone=aanmeldpunt_phone()))
    return "\n\n".join(blocks)


def none_found_data_answer(lang: str = "nl") -> tuple[str, list[Button]]:
    return text("none_found_data", lang) + "\n" + phone_line(lang), [loop_button("register", lang), loop_button("callback", lang)]


def shown_values(data: list) -> dict[str, list[str]]:
    """The personal values an answer shows, by kind (so the tracker store can redact them)."""
    out: dict[str, list[str]] = {"name": [], "phone": [], "postcode": []}
    for case in data:
        if case.name:
            out["name"].append(case.name)
        if case.phone:
            out["phone"].append(case.phone)
        if case.postcode:
            out["postcode"].append(case.postcode)
    return out


# ---------------------------------------------------------------- withdrawal and erasure
def withdraw_question(references: list[str], lang: str = "nl") -> tuple[str, list[Button]]:
    joiner = " " + text("and_word", lang) + " "
    return (text("withdraw_question", lang, reference=joiner.join(references)),
            [loop_button("yes_withdraw", lang), loop_button("no_withdraw", lang)])


def _join(items: list[str], lang: str = "nl") -> str:
    joiner = text("and_word", lang)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {joiner} " + items[-1]


def erase_question(cases: list, has_messages: bool = False, lang: str = "nl") -> tuple[str, list[Button]]:
    """What will be deleted, in her words; the chat itself is always part of it."""
    what = []
    regs = [c.reference for c in cases if c.kind == "registration" and not c.personal_data_deleted]
    cbs = [c.reference for c in cases if c.kind != "registration" and not c.personal_data_deleted]
    if regs:
        what.append(text("erase_what_registration", lang, reference=", ".join(regs)))
    if cbs:
        what.append(text("erase_what_callback", lang, reference=", ".join(cbs)))
    if has_messages or cbs:
        what.append(text("erase_what_messages", lang))
    buttons = [loop_button("yes_erase", lang), loop_button("no_erase", lang)]
    if not what:
        return text("erase_question_chat_only", lang), buttons
    return text("erase_question", lang, what=_join(what, lang)), buttons
