"""Staff web app: queue of registrations, detail view, claim/status/notes/delete, audit log.

Security (see docs/staff-app.md): argon2 password hashes and lockout (bot.store.staff_users),
default-deny login check on every endpoint, idle session expiry, CSRF on every POST,
Secure/HttpOnly/SameSite=Strict cookies, CSP and other security headers, no-store caching.

Configuration (environment, overridable through ``create_app(config)``):
STAFF_SECRET_KEY (default: generated once into <VAR_DIR>/staff_secret_key),
STAFF_SESSION_IDLE_MINUTES (30), STAFF_INSECURE_COOKIES=1 (allow the session cookie over
plain http: only for localhost), STAFF_TRUST_PROXY=1 (behind a TLS reverse proxy),
DATABASE_URL (bot.store).
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, abort, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from bot.store import audit, registrations, staff_users
from bot.store.db import ensure_schema, var_dir
from bot.store.errors import NotFound, StoreUnavailable
from bot.store.models import STATUSES, utcnow

log = logging.getLogger(__name__)

_TRUE = {"1", "true", "yes", "on"}
PUBLIC_ENDPOINTS = {"login", "static"}

STATUS_LABELS = {
    "new": "Nieuw",
    "in_progress": "In behandeling",
    "contacted": "Contact gehad",
    "closed": "Afgesloten",
    "unreachable": "Niet bereikbaar",
    "withdrawn": "Ingetrokken",
}
ACTION_LABELS = {
    "created": "aanmelding ontvangen",
    "viewed": "bekeken",
    "viewed queue": "lijst bekeken",
    "claimed": "opgepakt",
    "status changed": "status gewijzigd",
    "note added": "notitie toegevoegd",
    "personal data deleted": "persoonsgegevens verwijderd",
    "personal data purged": "persoonsgegevens verwijderd (bewaartermijn)",
    "withdrawn by client": "ingetrokken door cliënt",
    "login": "ingelogd",
    "logout": "uitgelogd",
    "login failed": "inloggen mislukt",
    "login refused": "inloggen geweigerd (geblokkeerd)",
    "account locked": "account geblokkeerd",
    "session expired": "sessie verlopen",
    "staff account created": "account aangemaakt",
    "password set": "wachtwoord ingesteld",
    "viewed audit log": "auditlog bekeken",
}


@dataclass
class StaffUser(UserMixin):
    account: staff_users.StaffAccount

    def get_id(self) -> str:
        return str(self.account.id)

    @property
    def username(self) -> str:
        return self.account.username

    @property
    def is_admin(self) -> bool:
        return self.account.is_admin


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in _TRUE


def _secret_key() -> str:
    key = os.environ.get("STAFF_SECRET_KEY", "").strip()
    if key:
        return key
    path = var_dir() / "staff_secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    log.warning("STAFF_SECRET_KEY is not set: generated one in %s", path)
    return key


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder="static", template_folder="templates")
    idle = int(os.environ.get("STAFF_SESSION_IDLE_MINUTES", "30"))
    app.config.update(
        DATABASE_URL=None,  # None: bot.store's DATABASE_URL / SQLite default
        SESSION_IDLE_MINUTES=idle,
        SESSION_COOKIE_NAME="staff_session",
        SESSION_COOKIE_SECURE=not _env_flag("STAFF_INSECURE_COOKIES"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        REMEMBER_COOKIE_SECURE=not _env_flag("STAFF_INSECURE_COOKIES"),
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the (idle-limited) session
        # Referrer-Policy: no-referrer means browsers send no Referer, so Flask-WTF's strict
        # Referer check on https would refuse every form; the token + SameSite=Strict remain.
        WTF_CSRF_SSL_STRICT=False,
        MAX_CONTENT_LENGTH=64 * 1024,
        TRUST_PROXY=_env_flag("STAFF_TRUST_PROXY"),
        NOW=utcnow,  # injectable clock (tests)
    )
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key()
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    if app.config["TRUST_PROXY"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    db_url = app.config["DATABASE_URL"]
    if app.config.get("MIGRATE_ON_START", True):
        try:
            ensure_schema(db_url)
        except StoreUnavailable:
            log.error("database unavailable at start-up; pages will answer 503 until it is back")

    login_manager = LoginManager()
    login_manager.login_view = "login"
    login_manager.login_message = "Log in om verder te gaan."
    login_manager.init_app(app)

    @login_manager.user_loader
    def load_user(user_id: str):
        try:
            account = staff_users.get_account(int(user_id), url=db_url)
        except (ValueError, StoreUnavailable):
            return None
        if account is None or not account.active:
            return None
        return StaffUser(account)

    def now():
        return app.config["NOW"]()

    # Registered BEFORE CSRFProtect: an unauthenticated POST is sent to the login page
    # (it never reaches a view), an authenticated one must still carry a valid CSRF token.
    @app.before_request
    def require_login():
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        last_seen = session.get("last_seen")
        idle_seconds = app.config["SESSION_IDLE_MINUTES"] * 60
        if last_seen is None or now().timestamp() - float(last_seen) > idle_seconds:
            username = current_user.username
            logout_user()
            session.clear()
            audit.record(username, "session expired", url=db_url)
            flash("Je sessie is verlopen. Log opnieuw in.")
            return redirect(url_for("login", next=request.full_path if request.method == "GET" else None))
        session["last_seen"] = now().timestamp()
        return None

    CSRFProtect(app)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers["Content-Security-Policy"] = (
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
        )
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if app.config["SESSION_COOKIE_SECURE"]:
            headers["Strict-Transport-Security"] = "max-age=31536000"
        if request.endpoint != "static":
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response

    @app.context_processor
    def template_globals():
        return {
            "STATUS_LABELS": STATUS_LABELS,
            "ACTION_LABELS": ACTION_LABELS,
            "STATUSES": STATUSES,
            "current_user": current_user,
        }

    @app.template_filter("dt")
    def format_datetime(value) -> str:
        if value is None:
            return "–"
        from zoneinfo import ZoneInfo

        return value.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%d-%m-%Y %H:%M")

    @app.template_filter("d")
    def format_date(value) -> str:
        return value.strftime("%d-%m-%Y") if value else "–"

    # ------------------------------------------------------------ errors
    @app.errorhandler(CSRFError)
    def csrf_error(err):
        return render_template("error.html", title="Formulier verlopen",
                               message="Dit formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens."), 400

    @app.errorhandler(StoreUnavailable)
    def store_unavailable(err):
        return render_template("error.html", title="Database niet bereikbaar",
                               message="De database is nu niet bereikbaar. Probeer het over een paar minuten opnieuw."), 503

    @app.errorhandler(403)
    def forbidden(err):
        return render_template("error.html", title="Geen toegang",
                               message="Deze pagina is alleen voor beheerders."), 403

    @app.errorhandler(404)
    def not_found(err):
        return render_template("error.html", title="Niet gevonden",
                               message="Deze pagina of aanmelding bestaat niet."), 404

    # ------------------------------------------------------------ login / logout
    @app.route("/login", methods=["GET", "POST"])
    def login():
        if current_user.is_authenticated and request.method == "GET":
            return redirect(url_for("queue"))
        error = None
        status = 200
        if request.method == "POST":
            result = staff_users.authenticate(request.form.get("username", ""), request.form.get("password", ""),
                                              now=now(), url=db_url)
            if result.ok:
                target = _safe_next(request.args.get("next")) or url_for("queue")
                session.clear()  # no session fixation
                login_user(StaffUser(result.account))
                session.permanent = True
                session["last_seen"] = now().timestamp()
                return redirect(target)
            error = ("Inloggen is niet gelukt. Controleer je gebruikersnaam en wachtwoord. "
                     f"Na {staff_users.MAX_FAILED_ATTEMPTS} mislukte pogingen is je account "
                     f"{int(staff_users.LOCKOUT.total_seconds() // 60)} minuten geblokkeerd.")
            status = 401
        return render_template("login.html", error=error), status

    @app.route("/logout", methods=["POST"])
    def logout():
        audit.record(current_user.username, "logout", url=db_url)
        logout_user()
        session.clear()
        flash("Je bent uitgelogd.")
        return redirect(url_for("login"))

    # ------------------------------------------------------------ registrations
    @app.route("/")
    def index():
        return redirect(url_for("queue"))

    @app.route("/registrations")
    def queue():
        status = request.args.get("status", "new")
        if status != "all" and status not in STATUSES:
            abort(404)
        items = registrations.list_registrations(None if status == "all" else status, url=db_url)
        counts = registrations.count_by_status(url=db_url)
        audit.record(current_user.username, "viewed queue", detail=f"status={status}", url=db_url)
        return render_template("queue.html", items=items, counts=counts, status=status, total=sum(counts.values()))

    @app.route("/registrations/find")
    def find():
        reference = registrations.normalize_reference(request.args.get("reference", ""))
        if reference is None:
            flash("Dat is geen geldige referentie (voorbeeld: MVR-7K3P-Q9).")
            return redirect(url_for("queue"))
        return redirect(url_for("detail", reference=reference))

    @app.route("/registrations/<reference>")
    def detail(reference: str):
        reg = registrations.get_registration(reference, actor=current_user.username, url=db_url)
        if reg is None:
            abort(404)
        return render_template("detail.html", reg=reg)

    def _change(reference: str, operation, message: str):
        try:
            operation()
        except NotFound:
            abort(404)
        except ValueError as err:
            flash(f"Niet gelukt: {err}")
            return redirect(url_for("detail", reference=reference))
        flash(message)
        return redirect(url_for("detail", reference=reference))

    @app.route("/registrations/<reference>/claim", methods=["POST"])
    def claim(reference: str):
        return _change(reference, lambda: registrations.claim(reference, current_user.username, url=db_url),
                       "Je hebt deze aanmelding opgepakt.")

    @app.route("/registrations/<reference>/status", methods=["POST"])
    def set_status(reference: str):
        status = request.form.get("status", "")
        if status not in STATUSES:
            flash("Kies een geldige status.")
            return redirect(url_for("detail", reference=reference))
        return _change(reference, lambda: registrations.set_status(reference, status, current_user.username,
                                                                   url=db_url),
                       f"Status is nu: {STATUS_LABELS[status]}.")

    @app.route("/registrations/<reference>/notes", methods=["POST"])
    def add_note(reference: str):
        text = request.form.get("text", "")
        if not text.strip():
            flash("Een lege notitie is niet opgeslagen.")
            return redirect(url_for("detail", reference=reference))
        return _change(reference, lambda: registrations.add_note(reference, current_user.username, text,
                                                                 url=db_url),
                       "Notitie opgeslagen.")

    @app.route("/registrations/<reference>/delete", methods=["GET", "POST"])
    def delete(reference: str):
        reg = registrations.get_registration(reference, url=db_url)
        if reg is None:
            abort(404)
        error = None
        if request.method == "POST":
            if request.form.get("confirm", "").strip().upper() == reference:
                registrations.delete_personal_data(reference, current_user.username, url=db_url)
                flash("De persoonsgegevens van deze aanmelding zijn verwijderd.")
                return redirect(url_for("detail", reference=reference))
            error = "Typ de referentie precies over om te bevestigen."
        return render_template("delete.html", reg=reg, error=error), 400 if error else 200

    # ------------------------------------------------------------ audit log (admins)
    @app.route("/audit")
    def audit_log():
        if not current_user.is_admin:
            audit.record(current_user.username, "audit log refused", url=db_url)
            abort(403)
        reference = registrations.normalize_reference(request.args.get("reference", "")) or None
        entries = audit.entries(limit=1000, reference=reference, url=db_url)
        audit.record(current_user.username, "viewed audit log", reference=reference, url=db_url)
        return render_template("audit.html", entries=entries, reference=reference)

    return app
