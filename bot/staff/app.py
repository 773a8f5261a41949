"""Staff web app of the aanmeldpunt Moeders van Rotterdam: the factory.

The pages live in blueprints: ``bot.staff.auth`` (login, logout, session keep-alive),
``bot.staff.cases`` (queue, search, case page and its actions, notifications) and
``bot.staff.admin`` (audit log). Security (docs/staff-app.md): server-side sessions checked
on every request (``bot.store.staff_sessions``: idle and absolute lifetime, revoked on
logout and password change), login throttling per address and account
(``bot.store.staff_users``), default-deny login check on every endpoint, CSRF on every
POST, Secure/HttpOnly/SameSite=Strict cookies, CSP and other security headers, no-store.

Configuration (environment, overridable through ``create_app(config)``):
STAFF_SECRET_KEY (default: generated once into <VAR_DIR>/staff_secret_key),
STAFF_SESSION_IDLE_MINUTES (30), STAFF_SESSION_MAX_HOURS (10, absolute lifetime),
STAFF_SESSION_WARNING_SECONDS (120), STAFF_INSECURE_COOKIES=1 (allow the session cookie over
plain http: only for localhost), STAFF_TRUST_PROXY=1 (behind a TLS reverse proxy),
STAFF_UNREACHABLE_AFTER (3), RETENTION_DAYS (365), DATABASE_URL (bot.store).
"""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect

from bot.staff import admin, auth, cases, labels, overview, threads
from bot.staff.auth import StaffUser  # noqa: F401 - re-exported
from bot.store.db import ensure_schema, var_dir
from bot.store.errors import StoreUnavailable
from bot.store.models import utcnow
from bot.store.workflow import OPEN_STATUSES

log = logging.getLogger(__name__)

_TRUE = {"1", "true", "yes", "on"}
PUBLIC_ENDPOINTS = auth.PUBLIC_ENDPOINTS


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in _TRUE


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


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


# Endpoint names from before the blueprints, still accepted by url_for (other blueprints may use them).
LEGACY_ENDPOINTS = {"index": "cases.index", "queue": "cases.queue", "detail": "cases.detail",
                    "audit_log": "admin.audit_log", "login": "auth.login", "logout": "auth.logout"}


def _legacy_endpoint(error, endpoint: str, values: dict):
    from flask import url_for

    if endpoint in LEGACY_ENDPOINTS:
        return url_for(LEGACY_ENDPOINTS[endpoint], **values)
    raise error


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder="static", template_folder="templates")
    insecure = _env_flag("STAFF_INSECURE_COOKIES")
    app.config.update(
        DATABASE_URL=None,  # None: bot.store's DATABASE_URL / SQLite default
        SESSION_IDLE_MINUTES=_env_int("STAFF_SESSION_IDLE_MINUTES", 30),
        SESSION_MAX_HOURS=_env_int("STAFF_SESSION_MAX_HOURS", 10),
        SESSION_WARNING_SECONDS=_env_int("STAFF_SESSION_WARNING_SECONDS", 120),
        SESSION_COOKIE_NAME="staff_session",
        SESSION_COOKIE_SECURE=not insecure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the (server-side checked) session
        # Referrer-Policy: no-referrer means browsers send no Referer, so Flask-WTF's strict
        # Referer check on https would refuse every form; the token + SameSite=Strict remain.
        WTF_CSRF_SSL_STRICT=False,
        MAX_CONTENT_LENGTH=64 * 1024,
        TRUST_PROXY=_env_flag("STAFF_TRUST_PROXY"),
        RETENTION_DAYS=_env_int("RETENTION_DAYS", 365),
        PER_PAGE=50,
        NOW=utcnow,  # injectable clock (tests)
    )
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key()
    # The cookie may live as long as the absolute session lifetime; the server decides earlier.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["SESSION_MAX_HOURS"])
    if app.config["TRUST_PROXY"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    if app.config.get("MIGRATE_ON_START", True):
        try:
            ensure_schema(app.config["DATABASE_URL"])
        except StoreUnavailable:
            log.error("database unavailable at start-up; pages will answer 503 until it is back")

    # Authentication runs before CSRFProtect: an unauthenticated POST is sent to the login page
    # (it never reaches a view), an authenticated one must still carry a valid CSRF token.
    auth.init_app(app)
    CSRFProtect(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(threads.bp)
    app.register_blueprint(overview.bp)
    app.url_build_error_handlers.append(_legacy_endpoint)

    @app.after_request
    def security_headers(response):
        from flask import request

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
            "labels": labels,
            "PRODUCT": labels.PRODUCT,
            "STATUS_LABELS": labels.STATUS_LABELS,
            "ACTION_LABELS": labels.ACTION_LABELS,
            "OPEN_STATUSES": OPEN_STATUSES,
        }

    app.add_template_filter(labels.format_datetime, "dt")
    app.add_template_filter(labels.format_date, "d")
    app.add_template_filter(labels.describe_detail, "detail")
    app.add_template_filter(labels.channel_label, "channel")
    app.add_template_filter(labels.phone_display, "phone")
    app.add_template_filter(labels.thousands, "thousands")

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

    return app
