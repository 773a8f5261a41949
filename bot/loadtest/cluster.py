"""Start the production shape on this machine: PostgreSQL + Redis, N action servers,
M Rasa instances from ``endpoints.prod.yml``, and one load balancer in front of each group.

Everything listens on 127.0.0.1. The PostgreSQL database (``loadtest_<pid>``) is created for
the run and dropped afterwards; the Redis lock store uses its own database number and key
prefix, flushed before and after. Used by ``make loadtest`` and by the failure drills.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url

from bot.loadtest.proxy import LoadBalancer
from bot.testing.stack import ROOT, base_env, free_port, wait_http

DEFAULT_PG_ADMIN_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/11"


def _admin_engine(admin_url: str) -> sa.engine.Engine:
    return sa.create_engine(admin_url, future=True, isolation_level="AUTOCOMMIT")


def _safe_name(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe database name {name!r}")
    return name


def _admin_execute(admin_url: str, statement: str) -> None:
    engine = _admin_engine(admin_url)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text(statement))
    finally:
        engine.dispose()


def create_database(admin_url: str, name: str) -> str:
    """Create database ``name`` (afresh) next to the admin URL's database; return its URL."""
    drop_database(admin_url, name)
    _admin_execute(admin_url, f'CREATE DATABASE "{_safe_name(name)}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, name: str) -> None:
    _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{_safe_name(name)}" WITH (FORCE)')


def flush_redis(redis_url: str, prefix: str) -> None:
    """Delete the lock store's keys of this run (only keys with our prefix)."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=3)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@dataclass
class Proc:
    name: str
    port: int
    popen: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None


@dataclass
class Cluster:
    """The scaled-out assistant on loopback. ``start()``, use :attr:`url`, then ``stop()``."""

    model: Path
    workdir: Path
    rasa_instances: int = 2
    action_servers: int = 2
    pg_admin_url: str = DEFAULT_PG_ADMIN_URL
    redis_url: str = DEFAULT_REDIS_URL
    endpoints: str = "endpoints.prod.yml"
    prefer_nginx: bool = True
    # Reach the application database through 127.0.0.1:<port> (a TcpProxy a drill can cut).
    app_db_port: int | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    db_name: str = field(default_factory=lambda: f"loadtest_{os.getpid()}_{secrets.token_hex(3)}")
    procs: list[Proc] = field(default_factory=list)
    lb: LoadBalancer | None = None
    database_url: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def redis_prefix(self) -> str:
        return "lt" + self.db_name.replace("_", "")

    @property
    def url(self) -> str:
        assert self.lb is not None
        return f"http://127.0.0.1:{self.lb.ports['rasa']}"

    @property
    def action_url(self) -> str:
        assert self.lb is not None
        return f"http://127.0.0.1:{self.lb.ports['actions']}"

    @property
    def app_database_url(self) -> str:
        """DATABASE_URL as the services see it (through the proxy port when one is set)."""
        if not self.database_url or self.app_db_port is None:
            return self.database_url
        return make_url(self.database_url).set(host="127.0.0.1", port=self.app_db_port).render_as_string(
            hide_password=False)

    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p.port}" for p in self.procs if p.name.startswith("rasa")]

    # ------------------------------------------------------------------ environment
    def env(self) -> dict[str, str]:
        pg = make_url(self.pg_admin_url)
        redis_url = urlsplit(self.redis_url)
        return base_env(
            {
                "ACTION_ENDPOINT_URL": f"{self.action_url}/webhook" if self.lb else "",
                "TRACKER_DB_DIALECT": "postgresql",
                "TRACKER_DB_HOST": f"{pg.host or '127.0.0.1'}:{pg.port or 5432}",
                "TRACKER_DB_NAME": self.db_name,
                "TRACKER_DB_USER": pg.username or "postgres",
                "TRACKER_DB_PASSWORD": pg.password or "",
                "REDIS_HOST": redis_url.hostname or "127.0.0.1",
                "REDIS_PORT": str(redis_url.port or 6379),
                "REDIS_DB": redis_url.path.strip("/") or "11",
                "REDIS_PASSWORD": redis_url.password or "",
                "REDIS_KEY_PREFIX": self.redis_prefix,
                "DATABASE_URL": self.app_database_url,
                "VAR_DIR": str(self.workdir / "var"),
                "SQL_POOL_SIZE": "10",
                "SQL_MAX_OVERFLOW": "10",
                **self._secrets,
                **self.extra_env,
            }
        )

    def __post_init__(self) -> None:
        self._secrets = {
            "APP_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "TRACKER_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "PSEUDONYM_SECRET": secrets.token_urlsafe(32),
            "ACTION_SERVER_TOKEN": secrets.token_urlsafe(32),
            "RASA_AUTH_TOKEN": self.token,
        }

    # ------------------------------------------------------------------ processes
    def _spawn(self, name: str, port: int, cmd: list[str]) -> Proc:
        log = self.workdir / f"{name}.log"
        popen = subprocess.Popen(cmd, cwd=ROOT, env=self.env(), stdout=log.open("ab"), stderr=subprocess.STDOUT)
        proc = Proc(name, port, popen, log)
        self.procs.append(proc)
        return proc

    def start_action_server(self, index: int, port: int) -> Proc:
        return self._spawn(
            f"actions{index}", port, [sys.executable, "-m", "bot.security.action_server", "--port", str(port)]
        )

    def start_rasa(self, index: int, port: int) -> Proc:
        return self._spawn(
            f"rasa{index}", port,
            [
                # the production launcher: token from RASA_AUTH_TOKEN, not on the command line
                sys.executable, "-m", "bot.security.rasa_server", "--model", str(self.model), "--port", str(port),
                "--endpoints", self.endpoints, "--credentials", "credentials.yml", "--enable-api",
            ],
        )

    def wait_rasa(self, proc: Proc, timeout: float = 300) -> None:
        wait_http(f"http://127.0.0.1:{proc.port}/", timeout, proc.popen, proc.log)
        wait_http(f"http://127.0.0.1:{proc.port}/status?token={self.token}", 120, proc.popen, proc.log)

    def start(self) -> Cluster:
        started = time.perf_counter()
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "var").mkdir(exist_ok=True)
        self.database_url = create_database(self.pg_admin_url, self.db_name)
        flush_redis(self.redis_url, self.redis_prefix)
        # The application schema once, before several processes race for it.
        subprocess.run(
            [sys.executable, "-c", "from bot.store.db import migrate; migrate()"],
            cwd=ROOT, env=self.env(), check=True,
        )
        action_ports = [free_port() for _ in range(self.action_servers)]
        rasa_ports = [free_port() for _ in range(self.rasa_instances)]
        self.lb = LoadBalancer(self.workdir, prefer_nginx=self.prefer_nginx)
        self.lb.add("rasa", rasa_ports)
        self.lb.add("actions", action_ports)
        actions = [self.start_action_server(i + 1, p) for i, p in enumerate(action_ports)]
        for proc in actions:
            wait_http(f"http://127.0.0.1:{proc.port}/health", 120, proc.popen, proc.log)
        # The first Rasa instance creates the tracker tables; the others start after it.
        for i, port in enumerate(rasa_ports):
            self.wait_rasa(self.start_rasa(i + 1, port))
        self.lb.start({"rasa": "/", "actions": "/health"})
        self.timings["startup_s"] = round(time.perf_counter() - started, 1)
        return self

    def stop_proc(self, proc: Proc) -> None:
        if proc.alive():
            proc.popen.terminate()
            try:
                proc.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.popen.kill()
                proc.popen.wait()

    def stop(self, drop: bool = True) -> None:
        if self.lb is not None:
            self.lb.stop()
        for proc in self.procs:
            self.stop_proc(proc)
        if drop and self.database_url:
            from bot.store.db import dispose_all

            dispose_all()
            try:
                drop_database(self.pg_admin_url, self.db_name)
            finally:
                flush_redis(self.redis_url, self.redis_prefix)

    def log_text(self) -> str:
        return "".join(p.log.read_text(errors="replace") for p in self.procs if p.log.exists())
