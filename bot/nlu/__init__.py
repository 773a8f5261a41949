"""Rasa NLU components and build helpers for Dutch."""
