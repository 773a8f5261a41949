# WhatsApp Cloud API channel (bot/channels/whatsapp.py, inside Rasa), sourced by scripts/run.sh: status only.
if [ -n "${WHATSAPP_VERIFY_TOKEN:-}" ] && [ -n "${WHATSAPP_APP_SECRET:-}" ] && [ -n "${WHATSAPP_ACCESS_TOKEN:-}" ] \
   && [ -n "${WHATSAPP_PHONE_NUMBER_ID:-}" ]; then
  echo "WhatsApp: on. Meta's callback URL: https://<your public host>/webhooks/whatsapp/webhook (local port ${RASA_PORT})."
else
  echo "WhatsApp: off. Set the WHATSAPP_* variables in .env to enable it (docs/channels.md)."
fi
