"""Rasa dialogue components (policies) of the assistant."""
