# Telegram gateway (bot/channels/telegram_gateway.py), sourced by scripts/run.sh after Rasa is up.
# Started only when TELEGRAM_BOT_TOKEN is set (e.g. in .env); see docs/channels.md.
if [ -n "${TELEGRAM_BOT_TOKEN:-}" ]; then
  RASA_URL="${RASA_URL:-http://127.0.0.1:${RASA_PORT}}" "$PY" -m bot.channels.telegram_gateway \
    >> var/log/telegram.log 2>&1 &
  telegram_pid=$!
  sleep 3
  if kill -0 "$telegram_pid" 2>/dev/null; then
    pids+=("$telegram_pid")
    if [ -n "${TELEGRAM_WEBHOOK_URL:-}" ]; then
      echo "Telegram gateway started (webhook mode, ${TELEGRAM_WEBHOOK_URL}); log: var/log/telegram.log"
    else
      echo "Telegram gateway started (long polling); log: var/log/telegram.log"
    fi
  else
    echo "Telegram gateway stopped right away (wrong token or no connection?). Last lines of var/log/telegram.log:" >&2
    tail -n 5 var/log/telegram.log >&2 || true
    echo "The rest of the assistant keeps running." >&2
  fi
else
  echo "Telegram: off. To enable it, create a bot with @BotFather and put TELEGRAM_BOT_TOKEN=<token> in .env (docs/channels.md)."
fi
