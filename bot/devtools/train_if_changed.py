"""Train the Rasa model only when its inputs changed (hash of config, domain, data, components)."""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Only what changes the trained artefact: runtime-only code (bot/safety.py) is imported at run time.
# bot/nlu and bot/dialogue: custom components whose training code shapes the model (normaliser, segments).
INPUTS = ("config.yml", "domain.yml", "data", "bot/nlu", "bot/dialogue")


def inputs_hash(root: Path = ROOT, config: str = "config.yml") -> str:
    """A stable hash over every file that changes the trained model."""
    digest = hashlib.sha256()
    for name in (config, *INPUTS[1:]):
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def train(out: Path, config: str = "config.yml", extra: list[str] | None = None) -> Path:
    """Train into ``out`` unless ``out`` was built from the same inputs."""
    stamp = out.with_suffix(".hash")
    wanted = inputs_hash(config=config)
    if out.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        print(f"Model {out} is up to date (inputs {wanted}).")
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    print(f"Training {out} (inputs {wanted}) ...", flush=True)
    cmd = [
        sys.executable, "-m", "rasa", "train", "--config", config, "--domain", "domain.yml",
        "--data", "data", "--out", str(out.parent), "--fixed-model-name", out.name.removesuffix(".tar.gz"),
        *(extra or []),
    ]
    subprocess.run(cmd, cwd=ROOT, check=True)
    stamp.write_text(wanted)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="models/stevige-start.tar.gz")
    parser.add_argument("--config", default="config.yml")
    args = parser.parse_args()
    train(ROOT / args.out, config=args.config)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
