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
