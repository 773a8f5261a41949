"""The work queue: filters, urgency, sorting and paging in SQL; only the rows of one page are decrypted.

Urgent (:data:`URGENCY` explains each flag): 32 weeks or more (from the week of the due
date), no fixed address, help areas or own words that name safety, or a callback request
(``kind == "callback"``, issue 13). The default order is urgent first, then the longest
waiting. Withdrawn, closed and erased cases are not in the work queue ("open").
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, false, func, or_, select

from bot.store import search
from bot.store.db import store_session
from bot.store.derived import monday, weeks_now
from bot.store.models import RegistrationRecord, SearchToken, utcnow
from bot.store.workflow import OPEN_STATUSES

LATE_WEEKS = 32
PER_PAGE = 50
STATUS_ORDER = (*OPEN_STATUSES, "closed", "withdrawn")
VIEWS = ("open", "mine", "erasure", "all", *OPEN_STATUSES, "closed", "withdrawn")
SORTS = ("urgency", "received", "due", "gebied", "status", "owner")
URGENCY = {
    "late": f"{LATE_WEEKS} weken of meer zwanger",
    "no_address": "Geen vast adres",
    "safety": "Hulpvraag of eigen woorden noemen veiligheid, geweld of nood",
    "callback": "Vraagt om teruggebeld te worden",
}


@dataclass(frozen=True)
class QueueQuery:
    view: str = "open"
    gebied: str | None = None
    help: str | None = None
    owner: str | None = None  # a username, or "-" for nobody
    urgent_only: bool = False
    sort: str = "urgency"
    descending: bool = False
    page: int = 1
    per_page: int = PER_PAGE


@dataclass
class QueueItem:
    reference: str
    kind: str
    status: str
    channel: str
    name: str | None
    due_date: date | None
    weeks_now: int | None
    gebied: str | None
    help_areas: tuple[str, ...]  # labels as she chose them
    created_at: datetime
    claimed_by: str | None
    erased: bool
    erasure_requested: bool
    flags: tuple[str, ...] = ()  # urgency flags (open cases only)
    no_fixed_address: bool = False


@dataclass
class QueuePage:
    items: list[QueueItem]
    total: int
    page: int
    pages: int
    counts: dict[str, int] = field(default_factory=dict)


def _late_cutoff(today: date) -> date:
    return monday(today) + timedelta(weeks=40 - LATE_WEEKS)


def _urgent_expr(today: date):
    r = RegistrationRecord
    return and_(
        r.status.in_(OPEN_STATUSES),
        r.personal_data_deleted_at.is_(None),
        or_(r.due_week <= _late_cutoff(today), r.flagged, r.kind == "callback"),
    )


def _view_filter(view: str, username: str | None):
    r = RegistrationRecord
    if view == "open":
        return r.status.in_(OPEN_STATUSES)
    if view == "mine":
        return and_(r.status.in_(OPEN_STATUSES), r.claimed_by == (username or ""))
    if view == "erasure":
        return and_(r.erasure_requested_at.is_not(None), r.personal_data_deleted_at.is_(None))
    if view == "all":
        return None
    return r.status == view


def _columns():
    r = RegistrationRecord
    return (r.id, r.reference, r.kind, r.status, r.channel, r.name, r.due_date, r.due_week, r.gebied, r.help_areas,
            r.created_at, r.claimed_by, r.personal_data_deleted_at, r.erasure_requested_at, r.flag_reasons)


def _item(row, today: date) -> QueueItem:
    flags = []
    reasons = [f for f in (row.flag_reasons or "").split(",") if f]
    open_case = row.status in OPEN_STATUSES and row.personal_data_deleted_at is None
    wk = weeks_now(row.due_week, today)
    if open_case:
        if wk is not None and wk >= LATE_WEEKS:
            flags.append("late")
        flags += reasons
        if row.kind == "callback":
            flags.append("callback")
    return QueueItem(
        reference=row.reference, kind=row.kind, status=row.status, channel=row.channel, name=row.name,
        due_date=date.fromisoformat(row.due_date) if row.due_date else None, weeks_now=wk, gebied=row.gebied,
        help_areas=tuple(json.loads(row.help_areas)) if row.help_areas else (), created_at=row.created_at,
        claimed_by=row.claimed_by, erased=row.personal_data_deleted_at is not None,
        erasure_requested=row.erasure_requested_at is not None, flags=tuple(flags),
        no_fixed_address="no_address" in reasons,
    )


def view_counts(username: str | None, url: str | None = None) -> dict[str, int]:
    """How many cases each view holds (for the tabs), in one query."""
    r = RegistrationRecord
    mine = case((and_(r.status.in_(OPEN_STATUSES), r.claimed_by == (username or "")), 1), else_=0)
    erasure = case((and_(r.erasure_requested_at.is_not(None), r.personal_data_deleted_at.is_(None)), 1), else_=0)
    with store_session(url) as session:
        rows = session.execute(
            select(r.status, func.count(), func.sum(mine), func.sum(erasure)).group_by(r.status)
        ).all()
    by_status = {status: n for status, n, _, _ in rows}
    counts = {status: by_status.get(status, 0) for status in STATUS_ORDER}
    counts["open"] = sum(counts[s] for s in OPEN_STATUSES)
    counts["all"] = sum(by_status.values())
    counts["mine"] = sum(int(m or 0) for _, _, m, _ in rows)
    counts["erasure"] = sum(int(e or 0) for _, _, _, e in rows)
    return counts


def list_queue(query: QueueQuery, username: str | None = None, today: date | None = None,
               url: str | None = None) -> QueuePage:
    if query.view not in VIEWS:
        raise ValueError(f"unknown view {query.view!r}")
    if query.sort not in SORTS:
        raise ValueError(f"unknown sort {query.sort!r}")
    today = today or utcnow().date()
    r = RegistrationRecord
    conditions = []
    view = _view_filter(query.view, username)
    if view is not None:
        conditions.append(view)
    if query.gebied:
        conditions.append(r.gebied == query.gebied)
    if query.help:
        conditions.append(r.help_codes.like(f"%|{search.tag('help', query.help)}|%"))
    if query.owner == "-":
        conditions.append(r.claimed_by.is_(None))
    elif query.owner:
        conditions.append(r.claimed_by == query.owner)
    urgent = _urgent_expr(today)
    if query.urgent_only:
        conditions.append(urgent)

    status_rank = case({status: i for i, status in enumerate(STATUS_ORDER)}, value=r.status, else_=len(STATUS_ORDER))
    primary = {
        "urgency": case((urgent, 0), else_=1),
        "received": r.created_at,
        "due": r.due_week,
        "gebied": r.gebied,
        "status": status_rank,
        "owner": r.claimed_by,
    }[query.sort]
    order = []
    if query.sort in ("due", "gebied", "owner"):
        order.append(primary.is_(None))  # empty values last, in both directions
    order += [primary.desc() if query.descending else primary, r.created_at, r.id]

    per_page = max(1, min(query.per_page, 200))
    with store_session(url) as session:
        total = session.execute(select(func.count()).select_from(r).where(*conditions)).scalar_one()
        pages = max(1, math.ceil(total / per_page))
        page = max(1, min(query.page, pages))
        rows = session.execute(
            select(*_columns()).where(*conditions).order_by(*order).limit(per_page).offset((page - 1) * per_page)
        ).all()
    return QueuePage(items=[_item(row, today) for row in rows], total=total, page=page, pages=pages)


def search_cases(text: str, limit: int = 50, today: date | None = None, url: str | None = None) -> list[QueueItem]:
    """Cases matching a reference, a phone number or (part of) a name, any status; newest first."""
    query = search.parse_query(text)
    if query.empty:
        return []
    today = today or utcnow().date()
    r = RegistrationRecord
    matches = []
    if query.reference:
        matches.append(r.reference == query.reference)
    if query.phone_hash:
        matches.append(r.phone_index == query.phone_hash)
    if query.name_hashes:
        ids = (
            select(SearchToken.registration_id)
            .where(SearchToken.token.in_(query.name_hashes))
            .group_by(SearchToken.registration_id)
            .having(func.count(func.distinct(SearchToken.token)) == len(query.name_hashes))
        )
        matches.append(r.id.in_(ids))
    with store_session(url) as session:
        rows = session.execute(
            select(*_columns()).where(or_(*matches) if matches else false())
            .order_by(r.created_at.desc(), r.id.desc()).limit(limit)
        ).all()
    return [_item(row, today) for row in rows]
