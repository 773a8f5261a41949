"""Start and stop a real Rasa server + action server on free local ports.

Used by the end-to-end tests, ``make bench`` and ``make loadtest``. Everything runs
from the repository's own endpoints.yml / credentials.yml with environment variables,
so the tests exercise the shipped configuration.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 2.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"process for {url} exited with {proc.returncode}:\n{tail}")
        try:
            if _get(url) < 500:
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def base_env(extra: dict[str, str] | None = None, root: Path = ROOT) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(root),
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="3",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    env.update(extra or {})
    return env


@dataclass
class RasaStack:
    """A running Rasa server and action server. Use :meth:`rest` to talk to it."""

    model: Path
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    rasa_port: int = 0
    action_port: int = 0
    token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    # Another checkout (e.g. the baseline for "before" figures) runs with its own code and files.
    root: Path = ROOT
    endpoints: str = "endpoints.yml"
    credentials: str = "credentials.yml"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    def stack_env(self) -> dict[str, str]:
        return base_env(
            {
                "ACTION_ENDPOINT_URL": f"{self.action_url}/webhook",
                "TRACKER_DB_DIALECT": "sqlite",
                "TRACKER_DB_HOST": "",
                "TRACKER_DB_NAME": str(self.workdir / "tracker.db"),
                "TRACKER_DB_USER": "",
                "TRACKER_DB_PASSWORD": "",
                "VAR_DIR": str(self.workdir),
                **self.env,
            },
            root=self.root,
        )

    def start_actions(self, timeout: float = 90) -> None:
        self.action_port = self.action_port or free_port()
        log = self.workdir / "actions.log"
        self.procs["actions"] = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(self.action_port)],
            cwd=self.root, env=self.stack_env(), stdout=log.open("ab"), stderr=subprocess.STDOUT,
        )
        wait_http(f"{self.action_url}/health", timeout, self.procs["actions"], log)

    def start_rasa(self, timeout: float = 240) -> None:
        self.rasa_port = self.rasa_port or free_port()
        log = self.workdir / "rasa.log"
        self.procs["rasa"] = subprocess.Popen(
            [
                sys.executable, "-m", "rasa", "run", "--model", str(self.model), "--port", str(self.rasa_port),
                "--endpoints", self.endpoints, "--credentials", self.credentials,
                "--enable-api", f"--auth-token={self.token}",  # "=": a token may start with "-"
            ],
            cwd=self.root, env=self.stack_env(), stdout=log.open("ab"), stderr=subprocess.STDOUT,
        )
        wait_http(f"{self.url}/", timeout, self.procs["rasa"], log)
        wait_http(f"{self.url}/status?token={self.token}", 60, self.procs["rasa"], log)

    def start(self) -> RasaStack:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.start_actions()
        self.start_rasa()
        return self

    def stop_process(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def stop(self) -> None:
        for name in list(self.procs):
            self.stop_process(name)

    # ------------------------------------------------------------------ HTTP helpers
    def post_json(self, path: str, payload: Any, timeout: float = 30) -> tuple[int, Any]:
        req = urllib.request.Request(
            f"{self.url}{path}", data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def rest(self, sender: str, text: str, timeout: float = 30) -> list[dict[str, Any]]:
        """Send one message over the REST channel and return the bot's replies."""
        status, body = self.post_json("/webhooks/rest/webhook", {"sender": sender, "message": text}, timeout)
        if status != 200:
            raise AssertionError(f"REST channel answered {status}: {body}")
        return body

    def tracker(self, sender: str) -> dict[str, Any]:
        url = f"{self.url}/conversations/{sender}/tracker?token={self.token}"
        with urllib.request.urlopen(url, timeout=30) as resp:
            return json.loads(resp.read())

    def log_text(self) -> str:
        return "".join(
            (self.workdir / name).read_text(errors="replace")
            for name in ("rasa.log", "actions.log")
            if (self.workdir / name).exists()
        )


def texts(replies: list[dict[str, Any]]) -> str:
    """All reply texts joined, for assertions."""
    return "\n".join(r.get("text", "") for r in replies)


def payloads(replies: list[dict[str, Any]]) -> list[str]:
    return [b.get("payload", "") for r in replies for b in r.get("buttons", []) or []]
