"""Alembic environment for the application database (bot.store).

Programmatic use (``bot.store.db.migrate``) passes an open connection in
``config.attributes['connection']``; the CLI (``alembic -c alembic.ini ...``) uses
``DATABASE_URL`` or the embedded default.
"""

from __future__ import annotations

from alembic import context

from bot.store.db import VERSION_TABLE, database_url, get_engine
from bot.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(**kwargs) -> None:
    context.configure(
        target_metadata=target_metadata,
        version_table=VERSION_TABLE,
        render_as_batch=True,  # SQLite needs batch mode for ALTER TABLE
        compare_type=True,
        **kwargs,
    )


def run_migrations_offline() -> None:
    _configure(url=config.get_main_option("sqlalchemy.url") or database_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        if connection.in_transaction():
            connection.commit()
        return
    url = config.get_main_option("sqlalchemy.url") or database_url()
    with get_engine(url).connect() as conn:
        _configure(connection=conn)
        with context.begin_transaction():
            context.run_migrations()
        if conn.in_transaction():
            conn.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
