"""Helpers to start the real stack (Rasa + action server) for tests, benchmarks and load tests."""
