# Staff web app for the aanmeldpunt (sourced by scripts/run.sh: uses $PY, $STAFF_PORT, wait_http, pids).
# Local `make run` serves plain http on 127.0.0.1, so the session cookie may not be Secure
# (STAFF_INSECURE_COOKIES=1). In production: TLS reverse proxy, STAFF_INSECURE_COOKIES unset,
# STAFF_TRUST_PROXY=1, STAFF_SECRET_KEY and APP_ENCRYPTION_KEYS set. See docs/staff-app.md.
: "${STAFF_HOST:=127.0.0.1}" "${STAFF_INSECURE_COOKIES:=1}"
export STAFF_HOST STAFF_INSECURE_COOKIES
"$PY" -m bot.store.cli migrate > var/log/staff.log 2>&1 \
  || { echo "Staff web app: database migration failed; see var/log/staff.log" >&2; return 1; }
"$PY" -m bot.staff >> var/log/staff.log 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:${STAFF_PORT}/login" "Staff web app" 60
cat <<MSG
  Staff web app        http://127.0.0.1:${STAFF_PORT}/
    (first account: STAFF_PASSWORD=... $PY -m bot.store.cli create-staff NAME --admin)
MSG
