"""Resilience: what the assistant does when a part of it fails (never silence)."""
