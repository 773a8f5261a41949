"""Storage layer: SQLAlchemy models, Alembic migrations, encryption at rest.

Public API (see the modules): ``bot.store.db`` (engine, sessions, migrations),
``bot.store.registrations`` (aanmeldingen), ``bot.store.dedup`` (message re-delivery),
``bot.store.staff_users`` (staff accounts), ``bot.store.audit``, ``bot.store.notify``.
"""

from bot.store.errors import NotFound, StoreError, StoreUnavailable

__all__ = ["NotFound", "StoreError", "StoreUnavailable"]
