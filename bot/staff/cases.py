"""The queue, search, the case page and everything staff do with a case, and notifications.

Every form carries the version of the case the page showed; a change from an older page is
refused and the page is shown again with the newest data, the reason next to the button
and the typed note still in its box. Errors are shown next to the action they belong to.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from bot.staff import labels
from bot.staff.auth import take_drafts
from bot.store import audit, cases, notifications, registrations, search, staff_users, workflow
from bot.store import queue as work_queue
from bot.store.derived import weeks_now
from bot.store.errors import AlreadyClaimed, Conflict, NotAllowed, NotFound, StoreUnavailable

bp = Blueprint("cases", __name__)

QUEUE_ARGS = ("view", "gebied", "help", "owner", "urgent", "sort", "desc", "page")


def _db():
    return current_app.config["DATABASE_URL"]


def _now():
    return current_app.config["NOW"]()


def _today():
    return labels.today_local(_now())


def _user() -> str:
    return current_user.username


def _role() -> str | None:
    return current_user.role


# ------------------------------------------------------------------ lookup lists
def gebieden() -> list[str]:
    from bot.places.areas import areas

    return sorted(areas().gebieden)


def help_choices() -> list[tuple[str, str]]:
    from bot.registration.help_areas import HELP_AREAS, UNKNOWN, UNKNOWN_LABEL

    return [(a.code, a.label) for a in HELP_AREAS] + [(UNKNOWN, UNKNOWN_LABEL)]


def _colleagues() -> list[str]:
    return [a.username for a in staff_users.list_accounts(url=_db()) if a.active]


# ------------------------------------------------------------------ queue and search
@bp.route("/")
def index():
    return redirect(url_for("cases.queue"))


def _queue_query() -> work_queue.QueueQuery:
    args = request.args
    view = args.get("view", "open")
    if view not in work_queue.VIEWS:
        abort(404)
    sort = args.get("sort", "urgency")
    if sort not in work_queue.SORTS:
        sort = "urgency"
    owner = args.get("owner") or None
    if owner == "me":
        owner = _user()
    gebied = args.get("gebied") or None
    help_code = args.get("help") or None
    if help_code and help_code not in dict(help_choices()):
        help_code = None
    try:
        page = max(1, int(args.get("page", "1")))
    except ValueError:
        page = 1
    return work_queue.QueueQuery(view=view, gebied=gebied, help=help_code, owner=owner,
                            urgent_only=args.get("urgent") == "1", sort=sort, descending=args.get("desc") == "1",
                            page=page, per_page=current_app.config["PER_PAGE"])


def queue_url(**changes) -> str:
    """The current queue URL with some parameters changed (None removes one)."""
    params = {k: v for k, v in request.args.items() if k in QUEUE_ARGS and v}
    for key, value in changes.items():
        if value in (None, "", False):
            params.pop(key, None)
        else:
            params[key] = value
    if params.get("view") == "open":
        params.pop("view")
    if params.get("sort") == "urgency":
        params.pop("sort")
    if params.get("page") in (1, "1"):
        params.pop("page")
    return url_for("cases.queue", **params)


def sort_url(column: str) -> str:
    current = request.args.get("sort", "urgency")
    descending = current == column and request.args.get("desc") != "1"
    return queue_url(sort=column, desc="1" if descending else None, page=None)


@bp.route("/registrations", endpoint="queue")
def queue_page():
    query = _queue_query()
    page = work_queue.list_queue(query, username=_user(), today=_today(), url=_db())
    counts = work_queue.view_counts(_user(), url=_db())
    audit.record(_user(), "viewed queue", detail=f"view={query.view}", url=_db())
    session["queue_args"] = {k: v for k, v in request.args.items() if k in QUEUE_ARGS}
    return render_template(
        "queue.html", page=page, items=page.items, query=query, counts=counts, now=_now(), gebieden=gebieden(),
        help_choices=help_choices(), colleagues=_colleagues(), queue_url=queue_url, sort_url=sort_url,
        owner_arg=request.args.get("owner", ""), views=_views(), meanings=_meanings(),
    )


def _views() -> list[str]:
    views = ["open", "mine", "new", "in_progress", "contacted", "unreachable", "closed", "withdrawn", "all"]
    if current_user.is_coordinator:
        views.insert(2, "erasure")
    return views


def _meanings() -> dict[str, str]:
    return labels.status_meanings(cases.unreachable_after(), current_app.config["RETENTION_DAYS"])


def _back_to_queue() -> str:
    args = session.get("queue_args") or {}
    return url_for("cases.queue", **{k: v for k, v in args.items() if k in QUEUE_ARGS and v})


@bp.route("/registrations/search")
def search_page():
    text = request.args.get("q", "").strip()
    if not text:
        return redirect(url_for("cases.queue"))
    parsed = search.parse_query(text)
    if parsed.reference and registrations.get_registration(parsed.reference, url=_db()) is not None:
        audit.record(_user(), "searched", detail="kind=reference, results=1", url=_db())
        return redirect(url_for("cases.detail", reference=parsed.reference))
    items = work_queue.search_cases(text, today=_today(), url=_db())
    kind = "phone" if parsed.phone_hash else ("reference" if parsed.reference else "name")
    # Never the search text itself: it is a name or a phone number.
    audit.record(_user(), "searched", detail=f"kind={kind}, results={len(items)}", url=_db())
    return render_template("search.html", q=text, items=items, now=_now(), kind=kind,
                           back_url=_back_to_queue(), meanings=_meanings())


# ------------------------------------------------------------------ the case page
def _render_detail(reference: str, errors: dict[str, str] | None = None, drafts: dict[str, str] | None = None,
                   confirm_takeover: str | None = None, status: int = 200, audit_view: bool = True):
    reg = registrations.get_registration(reference, url=_db(), actor=_user() if audit_view else None)
    if reg is None:
        abort(404)
    role, user = _role(), _user()
    state = reg.state
    can = {action: workflow.allowed(action, state, user, role) for action in workflow.ACTIONS}
    can["set_status"] = any(workflow.allowed("set_status", state, user, role, s) for s in workflow.OPEN_STATUSES)
    consent = registrations.consent_text_info(reg.consent_text_version, url=_db())
    return render_template(
        "detail.html", reg=reg, can=can, errors=errors or {}, drafts=drafts or {}, confirm_takeover=confirm_takeover,
        duplicates=registrations.duplicates(reference, url=_db()),
        history=audit.history(reference, url=_db()), consent=consent,
        weeks=weeks_now(reg.due_week, _today()), now=_now(), meanings=_meanings(),
        close_reasons=workflow.CLOSE_REASONS, call_results=workflow.CALL_RESULTS,
        open_statuses=workflow.OPEN_STATUSES, max_note=registrations.MAX_NOTE_LENGTH,
        back_url=_back_to_queue(), retention_days=current_app.config["RETENTION_DAYS"],
    ), status


@bp.route("/registrations/<reference>")
def detail(reference: str):
    return _render_detail(reference, drafts=take_drafts(reference))


def _version() -> int | None:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        return None


def conflict_message(by: str | None) -> str:
    who = {"client": "de cliënt (via de chat)", "retention": "de automatische bewaartermijn",
           None: "een collega"}.get(by, by)
    return (f"Deze aanmelding is intussen gewijzigd door {who}. Je ziet nu de nieuwste gegevens. "
            "Kijk ze na en probeer het opnieuw.")


def _act(reference: str, key: str, operation, message, drafts: dict[str, str] | None = None):
    """Run one change; on success back to the case page with ``message``, otherwise the page again
    with the reason next to the action ``key`` (and what was typed)."""
    version = _version()
    if version is None:
        return _render_detail(reference, {key: "Dit formulier is verlopen. Probeer het opnieuw."}, drafts,
                              status=400, audit_view=False)
    try:
        operation(version)
    except NotFound:
        abort(404)
    except AlreadyClaimed as err:
        return _render_detail(reference, confirm_takeover=err.by, drafts=drafts, status=409, audit_view=False)
    except Conflict as err:
        return _render_detail(reference, {key: conflict_message(err.by)}, drafts, status=409, audit_view=False)
    except NotAllowed as err:
        return _render_detail(reference, {key: str(err)}, drafts, status=409, audit_view=False)
    flash(message() if callable(message) else message)
    return redirect(url_for("cases.detail", reference=reference))


@bp.route("/registrations/<reference>/claim", methods=["POST"])
def claim(reference: str):
    takeover = request.form.get("takeover") == "1"
    return _act(reference, "claim",
                lambda v: cases.claim(reference, _user(), _role(), v, takeover=takeover, url=_db()),
                "Je hebt deze aanmelding overgenomen." if takeover else "Je hebt deze aanmelding opgepakt.")


@bp.route("/registrations/<reference>/release", methods=["POST"])
def release(reference: str):
    return _act(reference, "claim", lambda v: cases.release(reference, _user(), _role(), v, url=_db()),
                "Je hebt deze aanmelding vrijgegeven. Een collega kan haar nu oppakken.")


@bp.route("/registrations/<reference>/status", methods=["POST"])
def set_status(reference: str):
    status = request.form.get("status", "")
    return _act(reference, "status", lambda v: cases.set_status(reference, status, _user(), _role(), v, url=_db()),
                f"Status is nu: {labels.STATUS_LABELS.get(status, status)}.")


@bp.route("/registrations/<reference>/close", methods=["POST"])
def close(reference: str):
    reason = request.form.get("reason", "")
    return _act(reference, "close", lambda v: cases.close(reference, reason, _user(), _role(), v, url=_db()),
                f"Afgesloten: {workflow.CLOSE_REASONS.get(reason, '')}.")


@bp.route("/registrations/<reference>/reopen", methods=["POST"])
def reopen(reference: str):
    return _act(reference, "reopen", lambda v: cases.reopen(reference, _user(), _role(), v, url=_db()),
                "De aanmelding is heropend. Jij hebt haar nu opgepakt.")


@bp.route("/registrations/<reference>/notes", methods=["POST"])
def add_note(reference: str):
    text = request.form.get("text", "")
    return _act(reference, "note", lambda v: cases.add_note(reference, _user(), text, _role(), v, url=_db()),
                "Notitie opgeslagen.", drafts={"note": text})


@bp.route("/registrations/<reference>/calls", methods=["POST"])
def record_call(reference: str):
    result = request.form.get("result", "")

    def operation(version: int) -> None:
        cases.record_call(reference, _user(), result, _role(), version, url=_db())

    return _act(reference, "call", operation, f"Belpoging opgeslagen: {workflow.CALL_RESULTS.get(result, '')}.")


# ------------------------------------------------------------------ withdrawal and erasure
def _confirm_page(template: str, reference: str, error: str | None = None, status: int = 200):
    reg = registrations.get_registration(reference, url=_db())
    if reg is None:
        abort(404)
    return render_template(template, reg=reg, error=error, retention_days=current_app.config["RETENTION_DAYS"],
                           can_erase=workflow.allowed("erase", reg.state, _user(), _role())), status


@bp.route("/registrations/<reference>/withdraw", methods=["GET", "POST"])
def withdraw(reference: str):
    if request.method == "GET":
        return _confirm_page("withdraw.html", reference)
    erase = request.form.get("erase") == "yes"
    outcome: dict[str, bool] = {}

    def operation(version: int) -> None:
        _, outcome["erased"] = cases.withdraw(reference, _user(), _role(), erase=erase, expected_version=version,
                                              url=_db())

    def message() -> str:
        if outcome["erased"]:
            return "Ingetrokken. Haar persoonsgegevens zijn verwijderd."
        if erase:
            return "Ingetrokken. Het verwijderen van haar gegevens is aangevraagd; een coördinator bevestigt het."
        return (f"Ingetrokken. Haar gegevens worden {current_app.config['RETENTION_DAYS']} dagen na vandaag "
                "automatisch verwijderd.")

    return _act(reference, "withdraw", operation, message)


@bp.route("/registrations/<reference>/erase", methods=["GET", "POST"])
def erase(reference: str):
    if request.method == "GET":
        return _confirm_page("erase.html", reference)
    if not current_user.is_coordinator:
        return _act(reference, "erase",
                    lambda v: cases.request_erasure(reference, _user(), _role(), v, url=_db()),
                    "Het verwijderen is aangevraagd. Een coördinator bevestigt het.")
    if registrations.normalize_reference(request.form.get("confirm", "")) != reference:
        return _confirm_page("erase.html", reference, error="Typ de referentie precies over om te bevestigen.",
                             status=400)
    return _act(reference, "erase", lambda v: cases.erase(reference, _user(), _role(), v, url=_db()),
                "De persoonsgegevens van deze aanmelding zijn verwijderd. Ze staat niet meer in de werkvoorraad.")


# ------------------------------------------------------------------ notifications
@bp.route("/meldingen")
def notifications_page():
    items = notifications.for_user(_user(), url=_db())
    notifications.mark_read(_user(), url=_db())
    audit.record(_user(), "viewed notifications", url=_db())
    return render_template("notifications.html", items=items, texts=labels.NOTIFICATION_TEXTS)


@bp.app_context_processor
def unread_notifications():
    if not getattr(current_user, "is_authenticated", False):
        return {}
    try:
        return {"unread_notifications": notifications.unread_count(current_user.username, url=_db())}
    except StoreUnavailable:  # the error page itself must still render
        return {}
