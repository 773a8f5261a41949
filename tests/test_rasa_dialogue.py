"""Rasa's own checks: `rasa data validate` and every test story in tests/stories/."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.testing.stack import ROOT, base_env


def _rasa(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rasa", *args], cwd=ROOT, env=base_env(), capture_output=True, text=True,
        timeout=timeout,
    )


def test_rasa_data_validate_has_no_errors() -> None:
    result = _rasa("data", "validate", "--domain", "domain.yml", "--data", "data", "--config", "config.yml")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_all_test_stories_pass(trained_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    result = _rasa(
        "test", "core", "--model", str(trained_model), "--stories", "tests/stories", "--out", str(out),
        "--fail-on-prediction-errors", "--no-plot",
    )
    failed = out / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, (result.stdout[-3000:] + result.stderr[-3000:] + details[-6000:])
    report = out / "story_report.json"
    if report.exists():
        data = json.loads(report.read_text())
        assert data.get("conversation_accuracy", {}).get("accuracy", 1.0) == 1.0, data
