"""Process hardening: production settings check, the action server and Rasa server launchers, log filters."""
