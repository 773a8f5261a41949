"""rasa_sdk actions: thin adapters between the tracker/dispatcher and bot/."""
