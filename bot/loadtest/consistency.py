"""After the load: is every message in its tracker, once and in order, and every confirmed
registration in the store exactly once?"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import func, select

from bot.loadtest.scenarios import ParentResult


def check_tracker(result: ParentResult, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Compare the messages a parent sent with the user events in her tracker."""
    users = [e for e in events if e.get("event") == "user"]
    seqs = [(e.get("metadata") or {}).get("lt_seq") for e in users]
    expected = {s.seq for s in result.sent}
    counts = Counter(s for s in seqs if s is not None)
    lost = sorted(expected - set(counts))
    duplicated = sorted(s for s, n in counts.items() if n > 1)
    foreign = sorted(set(counts) - expected) + [None] * seqs.count(None)
    # Messages of one burst may be processed in any order among themselves, but each one
    # after every earlier message and before every later one.
    group_start: dict[int, int] = {}
    for sent in result.sent:
        if sent.burst is not None:
            group_start.setdefault(sent.burst, sent.seq)
    key = {s.seq: group_start[s.burst] if s.burst is not None else s.seq for s in result.sent}
    keys = [key[s] for s in seqs if s in key]
    out_of_order = sum(1 for a, b in zip(keys, keys[1:], strict=False) if b < a)
    # Every message that got a reply over HTTP has its bot events right after it in the tracker
    # (the lock store serialises a conversation, so turns do not interleave).
    answered = {s.seq for s in result.sent if s.replies}
    bot_after: dict[int, int] = {}
    current: int | None = None
    for event in events:
        if event.get("event") == "user":
            current = (event.get("metadata") or {}).get("lt_seq")
            bot_after.setdefault(current, 0)
        elif event.get("event") == "bot" and current is not None:
            bot_after[current] += 1
    missing_bot = sorted(seq for seq in answered if not bot_after.get(seq))
    return {
        "lost": lost, "duplicated": duplicated, "foreign": foreign, "out_of_order": out_of_order,
        "answered_without_bot_event": missing_bot,
    }


async def check_trackers(base_url: str, token: str, results: list[ParentResult], concurrency: int = 8) -> dict[str, Any]:
    sem = asyncio.Semaphore(concurrency)
    per: dict[str, dict[str, Any]] = {}
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:

        async def one(result: ParentResult) -> None:
            async with sem:
                resp = await client.get(
                    f"/conversations/{result.sender}/tracker", params={"token": token, "include_events": "ALL"}
                )
                if resp.status_code != 200:
                    per[result.sender] = {"error": f"HTTP {resp.status_code}"}
                    return
                per[result.sender] = check_tracker(result, resp.json().get("events") or [])

        await asyncio.gather(*(one(r) for r in results))
    bad = {s: c for s, c in per.items() if c.get("error") or c["lost"] or c["duplicated"] or c["foreign"]
           or c["out_of_order"] or c["answered_without_bot_event"]}
    return {
        "conversations": len(per),
        "messages_expected": sum(len(r.sent) for r in results),
        "lost_messages": sum(len(c.get("lost", [])) for c in per.values()),
        "duplicated_messages": sum(len(c.get("duplicated", [])) for c in per.values()),
        "foreign_messages": sum(len(c.get("foreign", [])) for c in per.values()),
        "out_of_order": sum(c.get("out_of_order", 0) for c in per.values()),
        "answered_without_bot_event": sum(len(c.get("answered_without_bot_event", [])) for c in per.values()),
        "tracker_read_errors": sum(1 for c in per.values() if c.get("error")),
        "conversations_with_problems": len(bad),
        "examples": dict(list(bad.items())[:3]),
    }


def check_registrations(database_url: str, results: list[ParentResult]) -> dict[str, Any]:
    """Every reference a parent was shown exists exactly once; no registration without one."""
    from bot.store.db import session_scope
    from bot.store.models import RegistrationRecord

    shown = {r.sender: sorted(set(r.references)) for r in results if r.references}
    with session_scope(database_url) as session:
        rows = dict(session.execute(
            select(RegistrationRecord.reference, func.count()).group_by(RegistrationRecord.reference)
        ).all())
    references = [ref for refs in shown.values() for ref in refs]
    return {
        "confirmed_conversations": len(shown),
        "parents_shown_two_references": sum(1 for refs in shown.values() if len(refs) > 1),
        "registrations_in_store": sum(rows.values()),
        "confirmed_missing_in_store": sum(1 for ref in references if rows.get(ref, 0) == 0),
        "confirmed_duplicated_in_store": sum(1 for ref in references if rows.get(ref, 0) > 1),
        "store_rows_without_confirmation": sum(1 for ref in rows if ref not in set(references)),
    }
