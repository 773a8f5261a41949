"""The set-up helpers: Python discovery and 'train only when the data changed'."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.devtools import train_if_changed as tic

ROOT = Path(__file__).resolve().parent.parent


def _copy_inputs(dst: Path) -> None:
    for name in tic.INPUTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (dst / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dst / name)


def test_inputs_hash_changes_only_when_training_inputs_change(tmp_path: Path) -> None:
    _copy_inputs(tmp_path)
    before = tic.inputs_hash(tmp_path)
    (tmp_path / "README.md").write_text("not a training input")
    assert tic.inputs_hash(tmp_path) == before
    with (tmp_path / "data" / "nlu" / "extra.yml").open("w") as fh:
        fh.write('version: "3.1"\n')
    assert tic.inputs_hash(tmp_path) != before


def test_train_is_skipped_when_model_is_up_to_date(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(tic.subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    out = tmp_path / "m.tar.gz"
    tic.train(out)
    assert len(calls) == 1 and "--fixed-model-name" in calls[0]
    out.write_bytes(b"model")
    tic.train(out)
    assert len(calls) == 1, "an unchanged model must not be retrained"
    out.with_suffix(".hash").write_text("stale")
    tic.train(out)
    assert len(calls) == 2


def test_find_python_explains_what_to_do_when_310_is_missing(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYENV_ROOT": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run(["bash", str(ROOT / "scripts/find_python.sh")], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "pyenv install 3.10" in result.stderr and "PYTHON=" in result.stderr


def test_find_python_finds_a_pyenv_310() -> None:
    result = subprocess.run(["bash", str(ROOT / "scripts/find_python.sh")], capture_output=True, text=True,
                            env={**os.environ})
    assert result.returncode == 0
    version = subprocess.run([result.stdout.strip(), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("Python 3.10")
