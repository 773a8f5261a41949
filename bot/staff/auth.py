"""Login, logout and the session check on every request.

The Flask session cookie (signed, not encrypted) holds only a random session token ``sid``
and the CSRF token. The token is checked against ``bot.store.staff_sessions`` on every
request: after logout, a password or role change, deactivation, 30 minutes without activity
or the absolute lifetime, a copied cookie no longer works. When a session expired while a
note was being typed, the note is kept (encrypted, ``bot.store.drafts``) and the person is
sent back to the case after logging in again.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import AnonymousUserMixin, LoginManager, UserMixin, current_user

from bot.store import audit, drafts, staff_sessions, staff_users
from bot.store.errors import StoreUnavailable

bp = Blueprint("auth", __name__)
PUBLIC_ENDPOINTS = {"auth.login", "static"}
# Background requests of an open page: they need a session but are not activity (idle timeout).
PASSIVE_ENDPOINTS = {"threads.poll"}
# POSTs whose typed text is kept when the session has expired: endpoint -> (form field, draft field)
DRAFT_FIELDS = {"cases.add_note": ("text", "note")}
_CASE_PATH = re.compile(r"^/registrations/(MVR-[A-Z0-9]{4}-[A-Z0-9]{2})(/|$)")


class StaffUser(UserMixin):
    """The logged-in staff member (``current_user``), backed by a :class:`StaffAccount`."""

    def __init__(self, account: staff_users.StaffAccount) -> None:
        self.account = account

    def get_id(self) -> str:
        return str(self.account.id)

    @property
    def id(self) -> int:
        return self.account.id

    @property
    def username(self) -> str:
        return self.account.username

    @property
    def role(self) -> str:
        return self.account.role

    @property
    def is_admin(self) -> bool:
        return self.account.is_admin

    @property
    def is_coordinator(self) -> bool:
        return self.account.is_coordinator


class Anonymous(AnonymousUserMixin):
    username = "?"
    role = None
    is_admin = False
    is_coordinator = False


def _now():
    return current_app.config["NOW"]()


def _db():
    return current_app.config["DATABASE_URL"]


def idle() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def lifetime() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_MAX_HOURS"])


def _case_path(path: str) -> str | None:
    match = _CASE_PATH.match(path)
    return f"/registrations/{match.group(1)}" if match else None


def _return_path() -> str | None:
    """Where to go after logging in again: the page itself (GET) or the case a form belonged to."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    return _case_path(request.path)


def _keep_draft(account: staff_users.StaffAccount) -> bool:
    field = DRAFT_FIELDS.get(request.endpoint or "")
    case = _case_path(request.path)
    if request.method != "POST" or field is None or case is None:
        return False
    text = request.form.get(field[0], "")
    if not text.strip():
        return False
    drafts.save(account.id, case.rsplit("/", 1)[1], field[1], text, url=_db())
    return True


def check_session():
    """before_request: a valid server-side session, or off to the login page."""
    g.staff_account = None
    g.staff_session = None
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    token = session.get("sid")
    result = staff_sessions.check(token, idle(), _now(), touch=request.endpoint not in PASSIVE_ENDPOINTS,
                                  url=_db())
    if result.ok:
        g.staff_account = result.account
        g.staff_session = result
        return None
    next_path = _return_path()
    session.clear()
    if result.status == staff_sessions.EXPIRED:
        audit.record(result.account.username, "session expired", url=_db())
        if _keep_draft(result.account):
            flash("Je sessie is verlopen. Je notitie is bewaard: log opnieuw in, dan staat ze weer klaar.")
        else:
            flash("Je sessie is verlopen. Log opnieuw in; je komt terug waar je was.")
    elif request.endpoint != "cases.index":
        flash("Log in om verder te gaan.")
    if request.path.startswith("/session/") or request.endpoint in PASSIVE_ENDPOINTS:
        return jsonify({"expired": True}), 401
    return redirect(url_for("auth.login", next=next_path) if next_path and next_path != "/" else url_for("auth.login"))


def init_app(app: Flask) -> None:
    manager = LoginManager()
    manager.anonymous_user = Anonymous
    manager.init_app(app)

    @manager.request_loader
    def load_from_session(_request):
        account = g.get("staff_account")
        return StaffUser(account) if account is not None else None

    app.before_request(check_session)

    @app.context_processor
    def session_timing():
        info = g.get("staff_session")
        if info is None:
            return {}
        now = _now()
        return {
            "session_idle_seconds": max(0, int((info.idle_ends_at - now).total_seconds())),
            "session_absolute_seconds": max(0, int((info.expires_at - now).total_seconds())),
            "session_warning_seconds": current_app.config["SESSION_WARNING_SECONDS"],
        }


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths (no open redirect)."""
    from urllib.parse import urlsplit

    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        if staff_sessions.check(session.get("sid"), idle(), _now(), touch=False, url=_db()).ok:
            return redirect(url_for("cases.queue"))
        return render_template("login.html", error=None, username="")
    username = request.form.get("username", "")
    result = staff_users.authenticate(username, request.form.get("password", ""), now=_now(), url=_db(),
                                      ip=request.remote_addr)
    if not result.ok:
        error = ("Inloggen is niet gelukt. Controleer je gebruikersnaam en wachtwoord. "
                 f"Na {staff_users.MAX_FAILED_ATTEMPTS} mislukte pogingen kun je vanaf deze computer "
                 f"{int(staff_users.LOCKOUT.total_seconds() // 60)} minuten niet inloggen.")
        return render_template("login.html", error=error, username=username.strip()[:64]), 401
    target = _safe_next(request.args.get("next")) or url_for("cases.queue")
    old = session.get("sid")
    session.clear()  # no session fixation
    staff_sessions.revoke(old, url=_db())
    session["sid"] = staff_sessions.create(result.account.id, lifetime(), _now(), url=_db())
    session.permanent = True
    return redirect(target)


@bp.route("/logout", methods=["POST"])
def logout():
    audit.record(current_user.username, "logout", url=_db())
    staff_sessions.revoke(session.get("sid"), url=_db())
    session.clear()
    flash("Je bent uitgelogd.")
    return redirect(url_for("auth.login"))


@bp.route("/session/ping", methods=["POST"])
def ping():
    """Keep the session alive ("Ingelogd blijven"); answers the remaining seconds."""
    info = g.staff_session
    now = _now()
    return jsonify({
        "idle_seconds": int((info.idle_ends_at - now).total_seconds()),
        "absolute_seconds": int((info.expires_at - now).total_seconds()),
    })


def take_drafts(reference: str) -> dict[str, str]:
    """Drafts kept for the current user on this case (deleted once shown)."""
    try:
        return drafts.take(current_user.id, reference, _now(), url=_db())
    except StoreUnavailable:
        return {}
