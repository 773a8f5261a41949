#!/usr/bin/env bash
# Start the assistant: action server, Rasa (REST), and the optional extras that are
# configured. `--shell` talks to the bot in this terminal instead of serving HTTP.
set -euo pipefail
cd "$(dirname "$0")/.."
# Keys, tokens, databases and logs under var/ are readable by this user only.
umask 077
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
set -a; [ -f .env ] && . ./.env; set +a
mkdir -p var/log
: "${RASA_PORT:=5005}" "${ACTION_PORT:=5055}" "${STAFF_PORT:=8000}"
# Everything listens on loopback unless configured otherwise (docs/production.md).
: "${RASA_HOST:=127.0.0.1}" "${ACTION_HOST:=127.0.0.1}"
: "${ACTION_ENDPOINT_URL:=http://127.0.0.1:${ACTION_PORT}/webhook}"
: "${TRACKER_DB_DIALECT:=sqlite}" "${TRACKER_DB_HOST:=}" "${TRACKER_DB_NAME:=var/tracker.db}"
: "${TRACKER_DB_USER:=}" "${TRACKER_DB_PASSWORD:=}"
# Tokens: from .env, else generated once under var/ (mode 0600). They reach the processes through
# the environment, never the command line (ps shows command lines to every user).
token() {  # variable name, file under var/
  if [ -z "${!1:-}" ]; then
    [ -s "var/$2" ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(32))' > "var/$2"
    printf -v "$1" '%s' "$(cat "var/$2")"
  fi
}
token RASA_AUTH_TOKEN rasa_auth_token
token ACTION_SERVER_TOKEN action_server_token
token RASA_REST_TOKEN rasa_rest_token  # the Telegram gateway's token for the REST channel
export RASA_PORT ACTION_PORT STAFF_PORT RASA_HOST ACTION_HOST ACTION_ENDPOINT_URL TRACKER_DB_DIALECT \
  TRACKER_DB_HOST TRACKER_DB_NAME TRACKER_DB_USER TRACKER_DB_PASSWORD RASA_AUTH_TOKEN ACTION_SERVER_TOKEN \
  RASA_REST_TOKEN
MODEL=models/stevige-start.tar.gz

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

wait_http() {  # url, name, seconds
  for _ in $(seq 1 "$3"); do
    if "$PY" -c "import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" 2>/dev/null; then return 0; fi
    sleep 1
  done
  echo "$2 did not start in $3 s; see var/log/" >&2; return 1
}

"$PY" -m bot.security.action_server --port "$ACTION_PORT" > var/log/actions.log 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:${ACTION_PORT}/health" "Action server" 60

if [ "${1:-}" = "--shell" ]; then
  "$PY" -m rasa shell --model "$MODEL" --endpoints endpoints.yml
  exit 0
fi

# bot.security.rasa_server = rasa run + token from RASA_AUTH_TOKEN, --interface $RASA_HOST, no texts in logs
"$PY" -m bot.security.rasa_server --model "$MODEL" --port "$RASA_PORT" --endpoints endpoints.yml \
  --credentials credentials.yml --enable-api \
  > var/log/rasa.log 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:${RASA_PORT}/" "Rasa" 180

# Extra processes (staff web app, Telegram gateway) register themselves here.
for extra in scripts/run.d/*.sh; do
  [ -f "$extra" ] || continue
  # shellcheck source=/dev/null
  . "$extra"
done

cat <<MSG

Stevige Start Assistent is running:
  Rasa (REST channel)  http://127.0.0.1:${RASA_PORT}/webhooks/rest/webhook  (development only; off in production)
  Action server        http://127.0.0.1:${ACTION_PORT}/webhook
  Logs                 var/log/
Try it:
  curl -s -XPOST http://127.0.0.1:${RASA_PORT}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
       -d '{"sender": "test", "message": "hoi"}'
  or, in another terminal: make shell
Stop with Ctrl-C.
MSG
wait -n "${pids[@]}"
echo "A process stopped; see var/log/. Shutting down." >&2
