#!/usr/bin/env bash
# Make sure nginx is available for `make loadtest` (Debian's nginx-light package).
# Never starts the nginx service: the load test runs its own nginx on loopback ports.
# Without root or apt-get the load test falls back to its Python round-robin proxy.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "nginx is not installed and cannot be installed here (needs root + apt-get);" \
       "the load test will use its Python round-robin proxy instead." >&2
  exit 0
fi
echo "Installing nginx-light from Debian's packages ..."
created_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  # keep the package from starting a system nginx on port 80
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
trap '[ -n "$created_policy" ] && rm -f /usr/sbin/policy-rc.d' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends nginx-light >/dev/null \
  || { apt-get update >/dev/null && apt-get install -y --no-install-recommends nginx-light >/dev/null; } \
  || echo "nginx installation failed; the load test will use its Python round-robin proxy." >&2
