"""One address in front of several Rasa instances and action servers: nginx, or a fallback.

nginx (Debian package ``nginx-light``; ``deploy/install-nginx.sh`` installs it) runs in the
foreground with a generated configuration under the work directory, listening on loopback
only. The configuration mirrors ``deploy/nginx.conf`` (the production one): ``least_conn``
balancing, keep-alive to the upstreams, a retry on the next upstream only when the
connection could not be made (a POST that reached an instance is never sent twice).

When nginx is not available, :class:`bot.loadtest.tcpproxy.TcpProxy` balances per
connection (round robin); the report says which one was used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.loadtest.tcpproxy import TcpProxy
from bot.testing.stack import free_port, wait_http

NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")

_CONF = """\
{user}worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 2048; }}
http {{
  access_log off;
  client_body_temp_path {dir}/client_body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  # Rasa sends the whole tracker (and the domain) to the action server: large bodies, kept in memory.
  client_max_body_size 64m;
  client_body_buffer_size 4m;
  proxy_buffer_size 64k;
  proxy_buffers 64 64k;
{upstreams}
{servers}
}}
"""

_UPSTREAM = """\
  upstream {name} {{
    least_conn;
{servers}
    keepalive 64;
  }}
"""

_SERVER = """\
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://{upstream};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_read_timeout 120s;
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 2;
    }}
  }}
"""


def nginx_binary() -> str | None:
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def render_nginx_conf(workdir: Path, frontends: dict[str, tuple[int, list[int]]]) -> str:
    """nginx.conf text for ``{name: (listen_port, [backend ports])}`` on 127.0.0.1."""
    upstreams = "".join(
        _UPSTREAM.format(
            name=name,
            servers="\n".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=5s;" for p in backends),
        )
        for name, (_port, backends) in frontends.items()
    )
    servers = "".join(_SERVER.format(port=port, upstream=name) for name, (port, _b) in frontends.items())
    # As root, nginx workers would run as 'nobody' and could not use the private work dir.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return _CONF.format(user=user, dir=workdir, upstreams=upstreams, servers=servers)


@dataclass
class LoadBalancer:
    """Front ports for named backend groups: ``add(name, [ports])`` then :meth:`start`."""

    workdir: Path
    prefer_nginx: bool = True
    kind: str = ""
    ports: dict[str, int] = field(default_factory=dict)
    _groups: dict[str, list[int]] = field(default_factory=dict)
    _proc: subprocess.Popen | None = None
    _tcp: list[TcpProxy] = field(default_factory=list)

    def add(self, name: str, backend_ports: list[int]) -> int:
        self._groups[name] = list(backend_ports)
        self.ports[name] = free_port()
        return self.ports[name]

    def start(self, health_path: dict[str, str] | None = None) -> LoadBalancer:
        binary = nginx_binary() if self.prefer_nginx else None
        if binary:
            self.kind = "nginx"
            nginx_dir = self.workdir / "nginx"
            nginx_dir.mkdir(parents=True, exist_ok=True)
            conf = nginx_dir / "nginx.conf"
            conf.write_text(
                render_nginx_conf(nginx_dir, {n: (self.ports[n], b) for n, b in self._groups.items()})
            )
            log = (nginx_dir / "nginx.out").open("ab")
            self._proc = subprocess.Popen(
                [binary, "-p", str(nginx_dir), "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT
            )
        else:
            self.kind = "python-tcp-round-robin"
            for name, backends in self._groups.items():
                self._tcp.append(TcpProxy([("127.0.0.1", p) for p in backends], port=self.ports[name]).start())
        for name, port in self.ports.items():
            path = (health_path or {}).get(name, "/")
            wait_http(f"http://127.0.0.1:{port}{path}", 30, self._proc)
        return self

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None
        for proxy in self._tcp:
            proxy.cut()
        self._tcp.clear()
        time.sleep(0.1)
