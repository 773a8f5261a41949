"""Anonymous counts for the programme (issue 13, item 6): how self-registration is doing.

Per week or month (of the registration date, Europe/Amsterdam): registrations made through the
chat by channel, time from registration to first contact (median and 90th percentile), the
status funnel, withdrawals and callback requests. Only counts and durations leave this module;
no reference, name, text or sender key. First contact = the earliest call attempt marked
"gesproken" or status change to "contact gehad" (audit log), whichever came first.

Conversations per topic come from the tracker store (``intent_name`` of user events: no
text) when it is reachable: :func:`topic_counts`.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.store.db import store_session
from bot.store.models import AuditEntry, CallAttempt, RegistrationRecord

TZ = ZoneInfo("Europe/Amsterdam")
PERIODS = ("week", "month")
FUNNEL = ("received", "picked_up", "contacted", "closed")
# Intents that are not a topic of the conversation.
NOT_TOPICS = frozenset({"greet", "goodbye", "affirm", "deny", "thank", "nlu_fallback", "out_of_scope", "bot_challenge",
                        "restart", "stop"})


def period_of(at: datetime, period: str) -> str:
    local = at.astimezone(TZ)
    if period == "week":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{local:%Y-%m}"


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0-100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class PeriodRow:
    period: str
    registrations: int = 0
    by_channel: Counter = field(default_factory=Counter)
    callbacks: int = 0
    withdrawn: int = 0
    withdrawn_by_client: int = 0
    funnel: Counter = field(default_factory=Counter)
    hours_to_contact: list[float] = field(default_factory=list)

    @property
    def median_hours(self) -> float | None:
        return percentile(self.hours_to_contact, 50)

    @property
    def p90_hours(self) -> float | None:
        return percentile(self.hours_to_contact, 90)

    @property
    def contacted(self) -> int:
        return len(self.hours_to_contact)


@dataclass
class Overview:
    period: str
    rows: list[PeriodRow]
    channels: list[str]

    def totals(self) -> PeriodRow:
        total = PeriodRow("totaal")
        for row in self.rows:
            total.registrations += row.registrations
            total.by_channel.update(row.by_channel)
            total.callbacks += row.callbacks
            total.withdrawn += row.withdrawn
            total.withdrawn_by_client += row.withdrawn_by_client
            total.funnel.update(row.funnel)
            total.hours_to_contact.extend(row.hours_to_contact)
        return total


def _first_contacts(session) -> dict[int, datetime]:
    first: dict[int, datetime] = {}
    for reg_id, at in session.execute(select(CallAttempt.registration_id, CallAttempt.at)
                                      .where(CallAttempt.result == "spoken")):
        if reg_id not in first or at < first[reg_id]:
            first[reg_id] = at
    refs = dict(session.execute(select(RegistrationRecord.reference, RegistrationRecord.id)).all())
    for reference, at in session.execute(select(AuditEntry.reference, AuditEntry.at).where(
            AuditEntry.action == "status changed", AuditEntry.detail.like("%-> contacted%"))):
        reg_id = refs.get(reference)
        if reg_id is not None and (reg_id not in first or at < first[reg_id]):
            first[reg_id] = at
    return first


def _picked_up(session) -> set[str]:
    return {ref for (ref,) in session.execute(select(AuditEntry.reference).where(AuditEntry.action == "claimed"))}


def build(period: str = "month", since: datetime | None = None, until: datetime | None = None,
          url: str | None = None) -> Overview:
    """Counts per ``period`` ("week" or "month") of cases created in [since, until)."""
    if period not in PERIODS:
        raise ValueError(period)
    rows: dict[str, PeriodRow] = {}
    channels: set[str] = set()
    with store_session(url) as session:
        stmt = select(RegistrationRecord.id, RegistrationRecord.reference, RegistrationRecord.kind,
                      RegistrationRecord.channel, RegistrationRecord.status, RegistrationRecord.created_at,
                      RegistrationRecord.withdrawn_by, RegistrationRecord.claimed_by)
        if since:
            stmt = stmt.where(RegistrationRecord.created_at >= since)
        if until:
            stmt = stmt.where(RegistrationRecord.created_at < until)
        cases = session.execute(stmt).all()
        first = _first_contacts(session)
        picked = _picked_up(session)
    for reg_id, reference, kind, channel, status, created_at, withdrawn_by, claimed_by in cases:
        key = period_of(created_at, period)
        row = rows.setdefault(key, PeriodRow(key))
        if kind != "registration":
            row.callbacks += 1
            continue
        row.registrations += 1
        row.by_channel[channel] += 1
        channels.add(channel)
        if status == "withdrawn":
            row.withdrawn += 1
            row.withdrawn_by_client += withdrawn_by == "client"
        row.funnel["received"] += 1
        contacted_at = first.get(reg_id)
        if reference in picked or claimed_by or status != "new" or contacted_at:
            row.funnel["picked_up"] += 1
        if contacted_at is not None:
            row.funnel["contacted"] += 1
            row.hours_to_contact.append(max(0.0, (contacted_at - created_at).total_seconds() / 3600))
        if status == "closed":
            row.funnel["closed"] += 1
    return Overview(period, [rows[k] for k in sorted(rows)], sorted(channels))


def topic_counts(engine, since: datetime | None = None) -> Counter:
    """Conversations per topic (distinct senders per intent) from the tracker store's events table."""
    from sqlalchemy import text

    sql = "SELECT intent_name, COUNT(DISTINCT sender_id) FROM events WHERE type_name = 'user' AND intent_name IS NOT NULL"
    params: dict[str, float] = {}
    if since is not None:
        sql += " AND timestamp >= :since"
        params["since"] = since.timestamp()
    sql += " GROUP BY intent_name"
    with engine.connect() as conn:
        found = Counter({name: count for name, count in conn.execute(text(sql), params) if name not in NOT_TOPICS})
    return found


def hours(value: float | None) -> str:
    """A duration for people: '5 uur', '3,5 dagen', '-'."""
    if value is None:
        return "-"
    if value < 48:
        return f"{value:.0f} uur"
    return f"{value / 24:.1f} dagen".replace(".", ",")


def since_days(days: int, now: datetime) -> datetime:
    return now - timedelta(days=days)
