"""Bearer token checks shared by the REST channel and the action server.

A module of its own, without Rasa imports: the action server imports it, and importing the REST
channel (``rasa.core.channels``) would load Rasa's core, NumPy and SciPy there (~80 MB) for one
string comparison.
"""

from __future__ import annotations

import hmac


def bearer_matches(expected: str, header: str | None) -> bool:
    """``Authorization: Bearer <expected>`` (constant time; non-ASCII is simply wrong)."""
    if not expected or not header or not header.isascii() or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(expected.encode(), header[len("Bearer "):].strip().encode())
