"""The Redis lock store serialises one conversation across instances (real Redis)."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from urllib.parse import urlsplit

from rasa.utils.endpoints import EndpointConfig

from bot.resilience.lock_store import AtomicRedisLockStore

LOCK_TEST_DB = 13


def _store(redis_url: str, prefix: str) -> AtomicRedisLockStore:
    parts = urlsplit(redis_url)
    config = EndpointConfig(url=parts.hostname, type="bot.resilience.lock_store.AtomicRedisLockStore",
                            port=str(parts.port or 6379), db=str(LOCK_TEST_DB), password="", key_prefix=prefix)
    return AtomicRedisLockStore(endpoint_config=config)


def test_endpoint_config_values_from_the_environment_are_accepted(redis_url: str) -> None:
    store = _store(redis_url, "ltunit")
    assert store.red.connection_pool.connection_kwargs["db"] == LOCK_TEST_DB
    assert store.key_prefix.startswith("ltunit:")
    assert store.poll_seconds == AtomicRedisLockStore.DEFAULT_POLL_SECONDS < 1  # Rasa polls every 1 s


def test_one_conversation_is_never_processed_twice_at_the_same_time(redis_url: str) -> None:
    """8 'instances' (own store object, own event loop, own thread) x 5 messages, all at once."""
    prefix = "lt" + uuid.uuid4().hex[:8]
    conversation = "burst-" + uuid.uuid4().hex[:6]
    inside = 0
    max_inside = 0
    served: list[int] = []
    guard = threading.Lock()
    errors: list[BaseException] = []

    async def handle(store: AtomicRedisLockStore, n: int) -> None:
        nonlocal inside, max_inside
        async with store.lock(conversation, wait_time_in_seconds=0.01):
            with guard:
                inside += 1
                max_inside = max(max_inside, inside)
            await asyncio.sleep(0.005)
            with guard:
                served.append(n)
                inside -= 1

    def instance(i: int) -> None:
        store = _store(redis_url, prefix)

        async def run() -> None:
            await asyncio.gather(*(handle(store, i * 100 + k) for k in range(5)))

        try:
            asyncio.run(run())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=instance, args=(i,)) for i in range(8)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert len(served) == 40 and len(set(served)) == 40
    assert max_inside == 1, f"{max_inside} handlers held the lock at once"
    assert _store(redis_url, prefix).get_lock(conversation) is None, "lock left behind"
    assert time.monotonic() - start < 120
