"""Engine, sessions and migrations for the application database.

SQLite under ``var/`` is the embedded default; PostgreSQL (``DATABASE_URL=postgresql+psycopg2://...``)
is the production database. The schema is managed by Alembic (``bot/store/migrations``);
``migrate()`` is safe to call from several processes at start-up.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.paths import var_dir  # noqa: F401 - re-exported (bot.store.crypto, bot.staff use it)
from bot.store.errors import StoreUnavailable

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "store_alembic_version"
# Arbitrary constant: the PostgreSQL advisory lock that serialises concurrent migrations.
_PG_MIGRATE_LOCK = 0x5374_5374

_engines: dict[str, Engine] = {}
_factories: dict[str, sessionmaker] = {}
_migrated: set[str] = set()
_lock = threading.RLock()


def database_url() -> str:
    """``DATABASE_URL`` or the embedded SQLite database ``<VAR_DIR>/app.db``."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{var_dir() / 'app.db'}"


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    kwargs: dict = {"future": True}
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
        if backend == "postgresql" and "connect_timeout" not in parsed.query:
            kwargs["connect_args"] = {"connect_timeout": 5}
    engine = sa.create_engine(url, **kwargs)
    if backend == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

    return engine


def get_engine(url: str | None = None) -> Engine:
    """The (cached) engine for ``url`` (default: :func:`database_url`)."""
    url = url or database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = _create_engine(url)
        return engine


def _factory(url: str) -> sessionmaker:
    with _lock:
        factory = _factories.get(url)
        if factory is None:
            factory = _factories[url] = sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)
        return factory


@contextlib.contextmanager
def unavailable_on_error() -> Iterator[None]:
    """Translate 'cannot reach / cannot use the database' errors into :class:`StoreUnavailable`."""
    try:
        yield
    except (exc.OperationalError, exc.InterfaceError, exc.TimeoutError) as err:
        # Log the class only: driver messages can contain SQL parameters.
        log.error("database unavailable: %s", err.__class__.__name__)
        raise StoreUnavailable("database unavailable") from err
    except exc.DBAPIError as err:
        if err.connection_invalidated:
            log.error("database connection lost: %s", err.__class__.__name__)
            raise StoreUnavailable("database connection lost") from err
        raise


@contextlib.contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    session = _factory(url or database_url())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option("version_table", VERSION_TABLE)
    return cfg


@contextlib.contextmanager
def _sqlite_file_lock(url: str) -> Iterator[None]:
    database = make_url(url).database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    lock_path = Path(database + ".migrate.lock")
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migrate(url: str | None = None) -> None:
    """Upgrade the schema to the newest Alembic revision (idempotent).

    Concurrent callers are serialised: a PostgreSQL advisory lock, or a file lock next
    to the SQLite database. Raises :class:`StoreUnavailable` when the database is down.
    """
    from alembic import command

    url = url or database_url()
    engine = get_engine(url)
    cfg = alembic_config(url)
    with unavailable_on_error():
        if _is_sqlite(url):
            with _sqlite_file_lock(url), engine.connect() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        else:
            with engine.connect() as conn:
                postgres = engine.dialect.name == "postgresql"
                if postgres:
                    conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATE_LOCK})
                    conn.commit()
                try:
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
                finally:
                    if postgres:
                        conn.rollback()
                        conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATE_LOCK})
                        conn.commit()
    with _lock:
        _migrated.add(url)


def ensure_schema(url: str | None = None) -> str:
    """Run :func:`migrate` once per process and URL; returns the URL."""
    url = url or database_url()
    if url not in _migrated:
        migrate(url)
    return url


@contextlib.contextmanager
def store_session(url: str | None = None) -> Iterator[Session]:
    """Session for the store's own functions: schema ensured, errors translated, one transaction."""
    with unavailable_on_error():
        url = ensure_schema(url)
        with session_scope(url) as session:
            yield session


def insert_ignore(session: Session, model, values: dict) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL); True when a row was inserted."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - other databases are not supported by the store
        raise NotImplementedError(dialect)
    stmt = dialect_insert(model).values(**values).on_conflict_do_nothing()
    return session.execute(stmt).rowcount == 1


def dispose_all() -> None:
    """Dispose every cached engine (tests, forked workers)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _factories.clear()
        _migrated.clear()


def dispose_engine(url: str) -> None:
    """Dispose and forget the cached engine of ``url``."""
    with _lock:
        engine = _engines.pop(url, None)
        _factories.pop(url, None)
        _migrated.discard(url)
    if engine is not None:
        engine.dispose()
