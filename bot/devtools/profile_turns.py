"""Where the time of one message goes: Rasa in this process, the real action server beside it.

``python -m bot.devtools.profile_turns [--model models/stevige-start.tar.gz] [--conversations 10]
[--cprofile reports/turns.prof] [--top 30]``

Starts the action server (``bot.security.action_server``, as ``make bench`` does), loads the
model in this process with the shipped endpoints.yml (the redacting SQLite tracker store, the
action endpoint with its token), sends the ``make bench`` conversations (bot/devtools/bench.py,
``MESSAGES``) straight to Rasa's message processor and prints, per message, how long each part
took (mean, p50, p95 in ms):

* ``total``: ``MessageProcessor.handle_message`` (what the REST channel waits for, minus HTTP);
* ``nlu:<component>`` / ``policy:<name>``: every graph node (the NLU pipeline and the policies);
* ``action:<name>``: every call to the action server (HTTP round trip including the tracker
  Rasa sends; ``action_validate_slot_mappings``, the language hook, is called by
  ``action_extract_slots`` on every message);
* ``store:retrieve`` / ``store:save``: the tracker store (redaction, encryption, SQLite);
  ``store:save:redact`` is the redaction and encryption part of ``store:save``.

With ``--cprofile FILE`` the measured conversations also run under cProfile (slower, but the
proportions hold); the stats are written to FILE and the ``--top`` functions by cumulative time
are printed. Compare two checkouts back to back by running this command in each.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import logging
import os
import pstats
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from bot.devtools.bench import MESSAGES
from bot.devtools.train_if_changed import ROOT
from bot.loadtest.stats import percentile
from bot.testing.stack import RasaStack

# The timings of the message being handled: part -> milliseconds (summed over calls).
_current: ContextVar[dict[str, float] | None] = ContextVar("profile_turns_current", default=None)


def _add(part: str, ms: float) -> None:
    timings = _current.get()
    if timings is not None:
        timings[part] += ms


def _timed_async(func: Callable[..., Any], label: Callable[..., str]) -> Callable[..., Any]:
    @functools.wraps(func)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return await func(*args, **kwargs)
        finally:
            _add(label(*args, **kwargs), (time.perf_counter() - start) * 1000)

    return wrapper


def _timed_sync(func: Callable[..., Any], label: Callable[..., str]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            _add(label(*args, **kwargs), (time.perf_counter() - start) * 1000)

    return wrapper


def install_timers() -> None:
    """Wrap the graph nodes, the remote actions and the tracker store with timers."""
    from rasa.core.actions.action import RemoteAction
    from rasa.engine.graph import GraphNode

    from bot.privacy import tracker_store
    from bot.privacy.tracker_store import RedactingSQLTrackerStore

    def node_label(node: Any, *args: Any, **kwargs: Any) -> str:
        name = str(getattr(node, "_node_name", "?"))
        kind = "policy" if "policy" in name.lower() else "nlu" if name.startswith("run_") else "graph"
        return f"{kind}:{name.removeprefix('run_')}"

    GraphNode.__call__ = _timed_sync(GraphNode.__call__, node_label)
    RemoteAction.run = _timed_async(RemoteAction.run, lambda action, *a, **k: f"action:{action.name()}")
    RedactingSQLTrackerStore.save = _timed_async(RedactingSQLTrackerStore.save, lambda *a, **k: "store:save")
    RedactingSQLTrackerStore.retrieve = _timed_async(
        RedactingSQLTrackerStore.retrieve, lambda *a, **k: "store:retrieve")
    # part of store:save: redacting and encrypting the new events (the rest is SQL)
    tracker_store.redact_new_events = _timed_sync(tracker_store.redact_new_events, lambda *a, **k: "store:save:redact")


async def _load_agent(model: Path) -> Any:
    from rasa.core.agent import load_agent
    from rasa.core.utils import AvailableEndpoints

    return await load_agent(model_path=str(model), endpoints=AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml")))


async def _conversation(agent: Any, runs: list[dict[str, float]] | None) -> None:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    sender = f"profile-{uuid.uuid4().hex[:8]}"
    for text in MESSAGES:
        timings: dict[str, float] = defaultdict(float)
        token = _current.set(timings)
        start = time.perf_counter()
        try:
            await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender))
        finally:
            timings["total"] = (time.perf_counter() - start) * 1000
            _current.reset(token)
        if runs is not None:
            runs.append(timings)


def summary(runs: list[dict[str, float]]) -> list[tuple[str, float, float, float, int]]:
    """(part, mean, p50, p95, calls-with-time) per part, largest mean first."""
    parts = {part for run in runs for part in run}
    rows = []
    for part in parts:
        values = [run.get(part, 0.0) for run in runs]
        rows.append((part, statistics.mean(values), percentile(values, 50), percentile(values, 95),
                     sum(1 for v in values if v)))
    return sorted(rows, key=lambda row: (row[0] != "total", -row[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="models/stevige-start.tar.gz")
    parser.add_argument("--conversations", type=int, default=10, help=f"of {len(MESSAGES)} messages each")
    parser.add_argument("--cprofile", type=Path, help="also profile with cProfile; stats written here")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.INFO)  # as `rasa run` does: no debug output per message
    configure_structlog(logging.INFO)
    model = (ROOT / args.model).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        stack = RasaStack(model=model, workdir=Path(tmp))
        stack.workdir.mkdir(parents=True, exist_ok=True)
        stack.start_actions()
        try:
            os.environ.update(stack.stack_env())
            install_timers()
            loop = asyncio.new_event_loop()
            agent = loop.run_until_complete(_load_agent(model))
            loop.run_until_complete(_conversation(agent, None))  # warm-up
            runs: list[dict[str, float]] = []
            profiler = cProfile.Profile() if args.cprofile else None
            if profiler:
                profiler.enable()
            for _ in range(args.conversations):
                loop.run_until_complete(_conversation(agent, runs))
            if profiler:
                profiler.disable()
                args.cprofile.parent.mkdir(parents=True, exist_ok=True)
                profiler.dump_stats(str(args.cprofile))
        finally:
            stack.stop()
    print(f"{len(runs)} messages ({args.conversations} conversations of {len(MESSAGES)}), ms per message")
    print(f"{'part':58s} {'mean':>7s} {'p50':>7s} {'p95':>7s} {'msgs':>5s}")
    for part, mean, p50, p95, calls in summary(runs):
        print(f"{part[:58]:58s} {mean:7.1f} {p50:7.1f} {p95:7.1f} {calls:5d}")
    if args.cprofile:
        pstats.Stats(str(args.cprofile)).sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
