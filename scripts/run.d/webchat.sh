# Web chat page (bot/channels/webchat.py, served by Rasa), sourced by scripts/run.sh after Rasa is up.
case "${WEBCHAT_ENABLED:-true}" in
  0|false|no|off) echo "Web chat: off (WEBCHAT_ENABLED=${WEBCHAT_ENABLED})." ;;
  *) echo "Web chat: open http://127.0.0.1:${RASA_PORT}/webhooks/webchat/ in your browser to try the assistant." ;;
esac
