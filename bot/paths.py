"""Where the project lives and where it keeps local state."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def var_dir() -> Path:
    """Folder for local state (``VAR_DIR`` or ``<repo>/var``), created when missing."""
    path = Path(os.environ.get("VAR_DIR") or ROOT / "var")
    path.mkdir(parents=True, exist_ok=True)
    return path
