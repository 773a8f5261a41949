"""Findings 4, 5, 8 and 12 in the deployment files: what is published, how processes start.

The nginx test runs the production deploy/nginx.conf for real (nginx from Debian's packages,
deploy/install-nginx.sh), with the upstream host names and public ports rewritten to loopback.
"""

from __future__ import annotations

import datetime as dt
import http.server
import re
import shutil
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from bot.testing.stack import ROOT, free_port

DEPLOY = ROOT / "deploy"


def test_compose_starts_hardened_processes_in_production_mode() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    env = compose["x-app"]["environment"]
    assert env["APP_ENV"] == "production"
    for name in ("rasa1", "rasa2"):
        command = services[name]["command"]
        assert "bot.security.rasa_server" in command and "--auth-token" not in command, command
    for name in ("actions1", "actions2"):
        assert "bot.security.action_server" in services[name]["command"]
    assert "purge" in services and "bot.store.cli purge" in " ".join(services["purge"]["command"])
    example = (DEPLOY / ".env.example").read_text()
    for name in ("ACTION_SERVER_TOKEN", "RASA_REST_TOKEN", "TRACKER_ENCRYPTION_KEYS", "TRACKER_RETENTION_DAYS"):
        assert re.search(rf"^{name}=", example, re.M), name


def test_the_image_never_runs_the_api_without_a_token() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    cmd = dockerfile[dockerfile.index("CMD"):]
    assert "bot.security.rasa_server" in cmd and '"rasa", "run"' not in cmd
    assert "umask 077" in dockerfile and "APP_ENV=production" in dockerfile


def test_run_script_binds_loopback_keeps_tokens_off_the_command_line_and_files_private() -> None:
    script = (ROOT / "scripts" / "run.sh").read_text()
    assert re.search(r"^umask 077$", script, re.M)
    assert "--auth-token" not in script and "--cors" not in script
    assert "bot.security.action_server" in script and "bot.security.rasa_server" in script
    assert 'RASA_HOST:=127.0.0.1' in script and 'ACTION_HOST:=127.0.0.1' in script
    assert "-m rasa_sdk" not in script


def test_nginx_publishes_only_the_public_channels() -> None:
    conf = (DEPLOY / "nginx.conf").read_text()
    public = conf[conf.index("listen 443"):]
    assert re.search(r"location /webhooks/rest/ \{ return 404; \}", public)
    assert re.search(r"location /webhooks/ \{ return 404; \}", public)
    for zone in ("whatsapp", "webchat", "stafflogin"):
        assert f"limit_req zone={zone}" in public, zone


# ------------------------------------------------------------------------------ live nginx
class _Upstream(http.server.ThreadingHTTPServer):
    def __init__(self, name: str) -> None:
        self.name = name

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                body = f"{name} {self.path}".encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


def _self_signed(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    (folder / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


@pytest.fixture(scope="module")
def nginx(tmp_path_factory: pytest.TempPathFactory):
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if binary is None:
        pytest.skip("nginx not installed (deploy/install-nginx.sh installs it)")
    work = tmp_path_factory.mktemp("nginx")
    _self_signed(work)
    upstreams = {name: _Upstream(name) for name in ("rasa", "actions", "staff")}
    https = free_port()
    conf = (DEPLOY / "nginx.conf").read_text()
    for host, up in (("rasa1:5005", "rasa"), ("rasa2:5005", "rasa"), ("actions1:5055", "actions"),
                     ("actions2:5055", "actions"), ("staff:8000", "staff")):
        conf = conf.replace(f"server {host}", f"server 127.0.0.1:{upstreams[up].server_address[1]}")
    conf = conf.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl;")
    conf = re.sub(r"listen (\d+);", lambda m: f"listen 127.0.0.1:{free_port()};", conf)
    conf = conf.replace("/etc/nginx/certs", str(work))
    conf = conf.replace("worker_processes auto;", f"worker_processes 1;\ndaemon off;\npid {work}/nginx.pid;\n"
                                                   f"error_log {work}/error.log;")
    conf = conf.replace("http {", f"http {{\n  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;\n"
                                  f"  fastcgi_temp_path {work}/fcgi; uwsgi_temp_path {work}/uwsgi; "
                                  f"scgi_temp_path {work}/scgi;", 1)
    (work / "nginx.conf").write_text(conf)
    proc = subprocess.Popen([binary, "-c", str(work / "nginx.conf"), "-p", str(work)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    def get(path: str, method: str = "GET") -> tuple[int, str]:
        request = urllib.request.Request(f"https://127.0.0.1:{https}{path}", method=method,
                                         data=b"{}" if method == "POST" else None)
        try:
            with urllib.request.urlopen(request, timeout=5, context=context) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, ""

    deadline = time.monotonic() + 20
    while True:
        try:
            get("/webhooks/whatsapp/")
            break
        except (OSError, urllib.error.URLError):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("nginx did not start: " + (work / "error.log").read_text(errors="replace")[-2000:])
            time.sleep(0.2)
    try:
        yield get
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        for server in upstreams.values():
            server.shutdown()


def test_rest_and_other_rasa_paths_are_not_published(nginx) -> None:
    assert nginx("/webhooks/rest/webhook", "POST")[0] == 404
    assert nginx("/webhooks/rest/")[0] == 404
    assert nginx("/webhooks/telegram/webhook", "POST")[0] == 404
    assert nginx("/conversations/x/tracker")[0] == 404
    assert nginx("/webhooks/whatsapp/webhook", "POST") == (200, "rasa /webhooks/whatsapp/webhook")
    assert nginx("/webhooks/webchat/") == (200, "rasa /webhooks/webchat/")
    assert nginx("/queue")[1] == "staff /queue"


def test_rate_limits_per_address(nginx) -> None:
    logins = [nginx("/login", "POST")[0] for _ in range(12)]
    assert 429 in logins and logins[0] == 200, logins
    chats = [nginx("/webhooks/webchat/webhook", "POST")[0] for _ in range(30)]
    assert 429 in chats and chats[0] == 200, chats
