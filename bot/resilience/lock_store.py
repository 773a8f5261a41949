"""A Redis lock store whose ticket operations are atomic across Rasa instances.

Rasa 3.6's ``RedisLockStore`` changes a conversation's ticket lock with a plain GET, a
change in Python and a SET. Two instances that receive messages of the same conversation at
the same moment (a burst, a WhatsApp re-delivery) can both read the old lock, each add a
ticket, and the second SET overwrites the first: both instances then believe they are first,
process the conversation at the same time, and the SQL tracker store drops one turn's events
(``make loadtest`` showed a lost message with the stock store). ``cleanup`` has the same
race: a lock can be deleted right after another instance queued a ticket on it.

This subclass does every read-change-write of a lock in one optimistic Redis transaction
(WATCH / MULTI / EXEC, retried on conflict). It also polls a busy lock every 50 ms
(``poll_seconds``) instead of Rasa's fixed 1 s, so the second message of a burst waits for
the first one, not for a whole second more. Configure it in endpoints.prod.yml::

    lock_store:
      type: bot.resilience.lock_store.AtomicRedisLockStore
      url: ${REDIS_HOST}
      port: ${REDIS_PORT}
      ...
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

log = logging.getLogger(__name__)
T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    """:class:`RedisLockStore` with atomic ticket issue, release, expiry and cleanup."""

    DEFAULT_POLL_SECONDS = 0.05

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {**(endpoint_config.kwargs or {}), **kwargs}
            kwargs.setdefault("host", endpoint_config.url or "localhost")
        for key in ("port", "db", "socket_timeout"):  # values from ${ENV} arrive as strings
            if isinstance(kwargs.get(key), str) and kwargs[key].strip():
                kwargs[key] = float(kwargs[key]) if key == "socket_timeout" else int(kwargs[key])
        if kwargs.get("password") == "":
            kwargs["password"] = None
        kwargs.pop("type", None)
        self.poll_seconds = float(kwargs.pop("poll_seconds", None) or self.DEFAULT_POLL_SECONDS)
        super().__init__(**kwargs)

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float | None = None
    ) -> AsyncIterator[TicketLock]:
        """Rasa's ticket lock, polled every ``poll_seconds`` (Rasa's callers all use the 1 s default)."""
        wait = self.poll_seconds if wait_time_in_seconds is None else wait_time_in_seconds
        async with super().lock(conversation_id, lock_lifetime, wait) as ticket_lock:
            yield ticket_lock

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], tuple[TicketLock | None, T]]) -> T:
        """Apply ``change`` to the stored lock atomically; it returns (new lock or None to delete, result)."""
        key = self.key_prefix + conversation_id

        def transaction(pipe: Any) -> T:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            new, result = change(lock)
            pipe.multi()
            if new is None:
                pipe.delete(key)
            else:
                pipe.set(key, new.dumps())
            return result

        return self.red.transaction(transaction, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, change)
        except Exception as exc:  # same contract as Rasa's store
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: str) -> None:
        def change(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, change)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def change(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, change)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Release ``ticket_number``; delete the lock only if nobody else queued in the meantime."""

        def change(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, change)
