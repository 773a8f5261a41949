"""The programme's overview (admin and coordinator only): anonymous counts per week or month,
and the same as CSV. Viewing and exporting are audited."""

from __future__ import annotations

import csv
import io
import logging
import os
from collections import Counter
from datetime import datetime, time, timedelta

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user

from bot.paths import ROOT
from bot.staff import labels
from bot.store import audit, overview

bp = Blueprint("overview", __name__)
log = logging.getLogger(__name__)
FUNNEL_LABELS = {"received": "Binnengekomen", "picked_up": "Opgepakt", "contacted": "Contact gehad",
                 "closed": "Afgesloten"}


def _db():
    return current_app.config["DATABASE_URL"]


def _allowed() -> None:
    if not (current_user.is_admin or current_user.is_coordinator):
        audit.record(current_user.username, "overview refused", url=_db())
        abort(403)


def tracker_url() -> str | None:
    """The tracker store's database (as Rasa uses it: TRACKER_DB_*), or None when there is none."""
    configured = current_app.config.get("TRACKER_DB_URL")
    if configured is not None:
        return configured or None
    dialect = os.environ.get("TRACKER_DB_DIALECT", "").strip() or "sqlite"
    name = os.environ.get("TRACKER_DB_NAME", "").strip() or "var/tracker.db"
    if dialect == "sqlite":
        path = name if os.path.isabs(name) else str(ROOT / name)
        return f"sqlite:///{path}" if os.path.exists(path) else None
    from sqlalchemy.engine import URL

    return URL.create(dialect, username=os.environ.get("TRACKER_DB_USER") or None,
                      password=os.environ.get("TRACKER_DB_PASSWORD") or None,
                      host=os.environ.get("TRACKER_DB_HOST") or None, database=name).render_as_string(hide_password=False)


def _topics(since: datetime | None) -> Counter | None:
    url = tracker_url()
    if not url:
        return None
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        return overview.topic_counts(engine, since)
    except sa.exc.SQLAlchemyError as err:
        log.warning("overview: tracker store not readable (%s)", err.__class__.__name__)
        return None
    finally:
        engine.dispose()


def _args() -> tuple[str, datetime | None, datetime | None]:
    period = request.args.get("per", "month")
    period = period if period in overview.PERIODS else "month"

    def day(name: str) -> datetime | None:
        from datetime import date

        try:
            value = date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return None
        return datetime.combine(value, time.min, tzinfo=labels.TZ)

    last = day("tot")  # "tot en met": up to the end of that day
    return period, day("van"), last + timedelta(days=1) if last else None


@bp.route("/overzicht")
def overview_page():
    _allowed()
    period, since, until = _args()
    data = overview.build(period, since, until, url=_db())
    audit.record(current_user.username, "viewed overview", detail=f"per={period}", url=_db())
    return render_template("overview.html", data=data, total=data.totals(), period=period, args=request.args,
                           funnel=overview.FUNNEL, funnel_labels=FUNNEL_LABELS, hours=overview.hours,
                           topics=_topics(since))


CSV_HEADER = ["periode", "aanmeldingen_via_chat", "per_kanaal", "terugbelverzoeken", "ingetrokken",
              "ingetrokken_door_client", "opgepakt", "contact_gehad", "afgesloten",
              "uren_tot_eerste_contact_mediaan", "uren_tot_eerste_contact_p90"]


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


@bp.route("/overzicht.csv")
def overview_csv():
    _allowed()
    period, since, until = _args()
    data = overview.build(period, since, until, url=_db())
    # Dutch spreadsheet programs split on ';' and read UTF-8 only with a byte-order mark.
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_HEADER)
    for row in [*data.rows, data.totals()]:
        channels = ", ".join(f"{c}={row.by_channel[c]}" for c in data.channels if row.by_channel[c])
        writer.writerow([row.period, row.registrations, channels, row.callbacks, row.withdrawn,
                         row.withdrawn_by_client, row.funnel["picked_up"], row.funnel["contacted"],
                         row.funnel["closed"], _num(row.median_hours), _num(row.p90_hours)])
    audit.record(current_user.username, "exported overview", detail=f"per={period}", url=_db())
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=overzicht-{period}.csv"})
