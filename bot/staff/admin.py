"""Admin pages: the audit log (paged, filterable by person, action, case and date) and the
content staleness report (the same list as `make content-report`)."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user

from bot.devtools.content_report import STALE_MONTHS, build_report
from bot.staff import labels
from bot.store import audit, registrations

bp = Blueprint("admin", __name__)
PER_PAGE = 50


def _db():
    return current_app.config["DATABASE_URL"]


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=labels.TZ)


@bp.route("/audit")
def audit_log():
    if not current_user.is_admin:
        audit.record(current_user.username, "audit log refused", url=_db())
        abort(403)
    args = request.args
    reference = registrations.normalize_reference(args.get("reference", "")) or None
    since, until = _day(args.get("van")), _day(args.get("tot"))
    flt = audit.AuditFilter(
        actor=args.get("wie") or None,
        action=args.get("actie") or None,
        reference=reference,
        since=_start_of(since) if since else None,
        until=_start_of(until + timedelta(days=1)) if until else None,
    )
    try:
        page_no = max(1, int(args.get("page", "1")))
    except ValueError:
        page_no = 1
    entries, total = audit.page(flt, page_no, PER_PAGE, url=_db())
    pages = max(1, math.ceil(total / PER_PAGE))
    actors, actions = audit.distinct_values(url=_db())
    audit.record(current_user.username, "viewed audit log", reference=reference, url=_db())

    def page_url(number: int) -> str:
        params = {k: v for k, v in args.items() if k != "page" and v}
        if number > 1:
            params["page"] = number
        return url_for("admin.audit_log", **params)

    return render_template("audit.html", entries=entries, total=total, page=min(page_no, pages), pages=pages,
                           actors=actors, actions=actions, args=args, reference=reference, page_url=page_url,
                           bad_reference=bool(args.get("reference")) and reference is None)


def _today() -> date:
    now = current_app.config.get("NOW")
    if callable(now):
        return now().astimezone(labels.TZ).date()
    return datetime.now(labels.TZ).date()


@bp.route("/inhoud")
def content_report():
    """What the content maintainers should check: old checked dates, missing years, unverified rows."""
    if not current_user.is_admin:
        audit.record(current_user.username, "content report refused", url=_db())
        abort(403)
    report = build_report(_today())
    return render_template("content_report.html", report=report, stale_months=STALE_MONTHS)
