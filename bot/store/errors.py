"""Errors raised by the storage layer."""

from __future__ import annotations


class StoreError(Exception):
    """Base class of storage errors."""


class StoreUnavailable(StoreError):
    """The database cannot be reached (or refused the operation); nothing was written."""


class NotFound(StoreError, LookupError):
    """No registration with that reference."""


class DecryptionError(StoreError):
    """A stored value cannot be decrypted with the configured keys (wrong or missing key)."""


class Conflict(StoreError):
    """The registration changed since the page the change was made from (optimistic lock).

    ``by`` is who changed it last (a staff username, "client" or None).
    """

    def __init__(self, by: str | None, version: int | None = None) -> None:
        super().__init__(f"changed meanwhile by {by or 'someone'}")
        self.by = by
        self.version = version


class AlreadyClaimed(StoreError):
    """Claiming a case that a colleague holds needs an explicit takeover."""

    def __init__(self, by: str) -> None:
        super().__init__(f"already claimed by {by}")
        self.by = by


class NotAllowed(StoreError, ValueError):
    """The state machine (or the actor's role) does not allow this change; ``str()`` is a Dutch reason."""
