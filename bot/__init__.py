"""Stevige Start Assistent: domain code (no Rasa imports outside bot/nlu and bot/channels)."""
