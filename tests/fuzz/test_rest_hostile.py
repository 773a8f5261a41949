"""A sample of the hostile-input run over REST (the full 10,000: python -m bot.loadtest.hostile)."""

from __future__ import annotations

import asyncio

from bot.loadtest.hostile import hostile_message, run_hostile, validate_reply


def test_generator_covers_every_kind_and_is_reproducible() -> None:
    import random

    first = [hostile_message(random.Random(3)) for _ in range(1)]
    rng = random.Random(3)
    sample = [hostile_message(rng) for _ in range(2000)]
    assert sample[0] == first[0]
    kinds = {kind for kind, _ in sample}
    assert kinds >= {"long", "emoji", "control", "script", "injection", "payload", "empty", "random", "mixed"}
    assert max(len(text) for _, text in sample) >= 20000


def test_reply_validation_rejects_broken_replies() -> None:
    assert validate_reply([{"recipient_id": "x", "text": "hoi"}]) is None
    assert validate_reply([]) == "empty reply (silence)"
    assert validate_reply({"text": "x"}) == "not a JSON list"
    assert validate_reply([{"recipient_id": "x"}]) == "reply item without content"
    assert validate_reply([{"text": "x", "buttons": [{"title": 1, "payload": "/a"}]}]) == "invalid button"


def test_300_hostile_messages_get_valid_replies_and_nothing_crashes(rasa_stack) -> None:
    result = asyncio.run(run_hostile(rasa_stack.url, 300, seed=11, concurrency=4))
    summary = result.summary()
    assert summary["messages"] == 300
    assert summary["server_errors_5xx"] == 0, summary
    assert summary["invalid_or_failed"] == 0, summary
    assert all(proc.poll() is None for proc in rasa_stack.procs.values()), "a process died"
    assert rasa_stack.rest("hostile-after", "hoi"), "the bot still answers afterwards"
