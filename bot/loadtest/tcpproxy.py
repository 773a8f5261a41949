"""A small TCP proxy on 127.0.0.1 that can be cut and restored, with round-robin backends.

Used by the failure drills (put it between a service and PostgreSQL, then :meth:`cut` it
to simulate "database down": the listening socket closes and every open connection is
reset) and as a fallback load balancer when nginx is not installed (connection-level
round robin over several backends).
"""

from __future__ import annotations

import itertools
import logging
import socket
import threading
from collections.abc import Sequence

log = logging.getLogger(__name__)


def _pipe(src: socket.socket, dst: socket.socket) -> None:
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (src, dst):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class TcpProxy:
    """Forward connections on ``127.0.0.1:port`` to the backends, one backend per connection."""

    def __init__(self, backends: Sequence[tuple[str, int]], port: int = 0, host: str = "127.0.0.1") -> None:
        if not backends:
            raise ValueError("at least one backend is needed")
        self.backends = list(backends)
        self.host = host
        self.port = port
        self._cycle = itertools.cycle(self.backends)
        self._cycle_lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.connections_total = 0

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> TcpProxy:
        """Listen (again) on the same port; the first call picks a free port when ``port`` is 0."""
        if self._listener is not None:
            return self
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(256)
        self.port = sock.getsockname()[1]
        self._listener = sock
        self._thread = threading.Thread(target=self._accept_loop, args=(sock,), daemon=True, name=f"tcpproxy-{self.port}")
        self._thread.start()
        return self

    def cut(self) -> None:
        """Stop listening and reset every open connection (the backend looks down)."""
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        with self._conns_lock:
            conns, self._conns = self._conns, set()
        for conn in conns:
            try:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                conn.close()
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    stop = cut

    @property
    def running(self) -> bool:
        return self._listener is not None

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cut()

    # ------------------------------------------------------------------ internals
    def _next_backend(self) -> tuple[str, int]:
        with self._cycle_lock:
            return next(self._cycle)

    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _addr = listener.accept()
            except OSError:
                return  # listener closed by cut()
            if self._listener is not listener:
                client.close()
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        backend = None
        for _ in range(len(self.backends)):
            host, port = self._next_backend()
            try:
                backend = socket.create_connection((host, port), timeout=5)
                backend.settimeout(None)
                break
            except OSError:
                backend = None  # try the next backend (like nginx's proxy_next_upstream error)
        if backend is None:
            client.close()
            return
        self.connections_total += 1
        with self._conns_lock:
            self._conns.update((client, backend))
        up = threading.Thread(target=_pipe, args=(client, backend), daemon=True)
        up.start()
        _pipe(backend, client)
        up.join(timeout=60)
        with self._conns_lock:
            self._conns.discard(client)
            self._conns.discard(backend)
        for sock in (client, backend):
            try:
                sock.close()
            except OSError:
                pass
