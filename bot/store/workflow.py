"""The state machine of a case in the staff queue (a registration; later also a callback request).

Statuses: open work (``new``, ``in_progress``, ``contacted``, ``unreachable``) and final
(``closed`` with a reason, ``withdrawn`` by the client through the chat or by phone).
Erasure of the personal data is a flag on top of a final status: erasing an open case
withdraws it first. Erased and withdrawn cases are read-only and out of the work queues.

Who may do what (roles, see docs/staff-app.md):
* every staff member works open cases: claim / take over (after a question) / release,
  change between the open statuses, log calls, write notes, close with a reason, withdraw
  (her request by phone); and reopens a closed case;
* erasing personal data and reopening a withdrawn case need a coordinator (or admin).
  A staff member records an erasure request instead; a coordinator confirms it, seeing the
  name and reference.

:func:`check` is pure (no database): it raises :class:`NotAllowed` with a Dutch reason,
so the staff app can show it next to the button. ``bot.store.cases`` applies the changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.errors import NotAllowed
from bot.store.models import STATUSES

OPEN_STATUSES = ("new", "in_progress", "contacted", "unreachable")
FINAL_STATUSES = ("closed", "withdrawn")
assert set(OPEN_STATUSES + FINAL_STATUSES) == set(STATUSES)

COORDINATOR_ROLES = ("coordinator", "admin")

# Why a case is closed: a short list (no free text: that belongs in a note).
CLOSE_REASONS: dict[str, str] = {
    "intake_planned": "Intake gepland of gedaan",
    "referred": "Doorverwezen naar andere hulp",
    "no_help_needed": "Geen hulp meer nodig",
    "not_eligible": "Hoort niet bij Moeders van Rotterdam",
    "moved": "Verhuisd buiten Rotterdam",
    "no_contact": "Geen contact gekregen",
    "duplicate": "Dubbele aanmelding",
}
CALL_RESULTS: dict[str, str] = {
    "no_answer": "Niet opgenomen",
    "voicemail": "Voicemail ingesproken",
    "spoken": "Gesproken",
}

ACTIONS = (
    "claim", "takeover", "release", "set_status", "close", "withdraw", "request_erasure", "erase",
    "reopen", "note", "call",
)


@dataclass(frozen=True)
class CaseState:
    status: str
    erased: bool = False
    claimed_by: str | None = None
    erasure_requested: bool = False
    withdrawn_by: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES and not self.erased


def is_coordinator(role: str | None) -> bool:
    return role in COORDINATOR_ROLES


ERASED = ("De persoonsgegevens van deze aanmelding zijn verwijderd. "
          "Aan deze aanmelding kan niets meer veranderen.")
WITHDRAWN = "Deze aanmelding is ingetrokken. Je kunt haar niet meer wijzigen."
CLOSED = "Deze aanmelding is afgesloten. Heropen haar eerst."


def check(action: str, state: CaseState, actor: str, role: str | None = "staff", target: str | None = None) -> None:
    """Raise :class:`NotAllowed` (Dutch reason) unless ``actor`` with ``role`` may do ``action`` now.

    ``target``: the new status for ``set_status``, the reason for ``close``, the result for ``call``.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if state.erased:
        raise NotAllowed(ERASED)
    coordinator = is_coordinator(role)
    status = state.status

    if action in ("request_erasure", "erase"):
        if action == "erase" and not coordinator:
            raise NotAllowed("Alleen een coördinator kan persoonsgegevens verwijderen. Vraag het verwijderen aan.")
        if action == "request_erasure" and state.erasure_requested:
            raise NotAllowed("Het verwijderen is al aangevraagd. Een coördinator moet het nog bevestigen.")
        return  # open cases are withdrawn at the same time

    if action == "reopen":
        if status == "closed":
            return
        if status == "withdrawn":
            if state.withdrawn_by == "client":
                raise NotAllowed("De cliënt heeft zelf ingetrokken. Zij kan zich opnieuw aanmelden.")
            if not coordinator:
                raise NotAllowed("Alleen een coördinator kan een ingetrokken aanmelding heropenen.")
            return
        raise NotAllowed("Deze aanmelding is niet afgesloten of ingetrokken.")

    if status == "withdrawn":
        raise NotAllowed(WITHDRAWN)
    if status == "closed":
        if action == "note":
            return
        raise NotAllowed(CLOSED)

    # open case
    if action == "claim":
        if state.claimed_by and state.claimed_by != actor:
            raise NotAllowed(f"Al opgepakt door {state.claimed_by}.")
        return
    if action == "takeover":
        if not state.claimed_by or state.claimed_by == actor:
            raise NotAllowed("Er is niets over te nemen.")
        return
    if action == "release":
        if not state.claimed_by:
            raise NotAllowed("Niemand heeft deze aanmelding opgepakt.")
        if state.claimed_by != actor and not coordinator:
            raise NotAllowed(f"Alleen {state.claimed_by} of een coördinator kan deze aanmelding vrijgeven. "
                             "Neem haar eerst over.")
        return
    if action == "set_status":
        if target in FINAL_STATUSES:
            raise NotAllowed("Afsluiten en intrekken gaan met hun eigen knop.")
        if target not in OPEN_STATUSES:
            raise NotAllowed("Kies een geldige status.")
        if target == status:
            raise NotAllowed("Deze status heeft de aanmelding al.")
        return
    if action == "close":
        if target not in CLOSE_REASONS:
            raise NotAllowed("Kies waarom je de aanmelding afsluit.")
        return
    if action == "call":
        if target not in CALL_RESULTS:
            raise NotAllowed("Kies wat er gebeurde bij het bellen.")
        return
    # withdraw, note: always allowed on an open case
    return


def allowed(action: str, state: CaseState, actor: str, role: str | None = "staff", target: str | None = None) -> bool:
    try:
        check(action, state, actor, role, target)
    except NotAllowed:
        return False
    return True


def status_after_claim(status: str) -> str:
    return "in_progress" if status == "new" else status


def status_after_release(status: str) -> str:
    return "new" if status == "in_progress" else status


def status_after_call(status: str, result: str, failed_in_a_row: int, unreachable_after: int) -> str:
    """'Gesproken' means contact; N failed attempts in a row make her 'Niet bereikbaar'."""
    if result == "spoken":
        return "contacted"
    if failed_in_a_row >= unreachable_after and status in ("new", "in_progress", "contacted"):
        return "unreachable"
    return status_after_claim(status)
