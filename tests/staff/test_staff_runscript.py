"""scripts/run.d/staff.sh starts the staff app the way scripts/run.sh sources it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.store.testing import free_port

ROOT = Path(__file__).resolve().parents[2]

HARNESS = r"""
set -euo pipefail
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
wait_http() {
  for _ in $(seq 1 "$3"); do
    if "$PY" -c "import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" 2>/dev/null; then return 0; fi
    sleep 1
  done
  echo "$2 did not start" >&2; return 1
}
. "$SCRIPT"
"$PY" - <<PYEOF
import urllib.request
resp = urllib.request.urlopen("http://127.0.0.1:${STAFF_PORT}/login", timeout=5)
print("STATUS", resp.status, "COOKIE", resp.headers.get("Set-Cookie"))
PYEOF
"""


def test_run_d_staff_script_starts_app(tmp_path):
    (tmp_path / "var" / "log").mkdir(parents=True)
    port = free_port()
    env = dict(os.environ, PY=sys.executable, STAFF_PORT=str(port), SCRIPT=str(ROOT / "scripts/run.d/staff.sh"),
               PYTHONPATH=str(ROOT), VAR_DIR=str(tmp_path / "var"))
    for name in ("DATABASE_URL", "STAFF_INSECURE_COOKIES", "STAFF_HOST"):
        env.pop(name, None)
    proc = subprocess.run(["bash", "-c", HARNESS], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    log = (tmp_path / "var/log/staff.log").read_text() if (tmp_path / "var/log/staff.log").exists() else ""
    assert proc.returncode == 0, proc.stderr + log
    assert f"http://127.0.0.1:{port}/" in proc.stdout
    assert "STATUS 200" in proc.stdout
    # local default: plain-http cookie (documented), still HttpOnly + SameSite=Strict
    cookie_line = next(line for line in proc.stdout.splitlines() if line.startswith("STATUS"))
    assert "HttpOnly" in cookie_line and "SameSite=Strict" in cookie_line and "Secure" not in cookie_line
    assert (tmp_path / "var" / "app.db").exists()
