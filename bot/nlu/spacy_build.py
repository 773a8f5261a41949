"""Build the blank Dutch spaCy pipeline that Rasa's SpacyNLP loads from disk.

No model is downloaded: the pipeline is ``spacy.blank("nl")`` plus the lookup
lemmatizer whose table ships in the ``spacy-lookups-data`` package (PyPI).
Run: ``python -m bot.nlu.spacy_build models/spacy_nl``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy


def build(target: Path) -> Path:
    """Create the pipeline folder at ``target`` and return it."""
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    target.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    return target


def main(argv: list[str]) -> int:
    target = Path(argv[1] if len(argv) > 1 else "models/spacy_nl")
    build(target)
    nlp = spacy.load(target)
    sample = [t.lemma_ for t in nlp("ik heb geen babyspullen en de kinderen zijn ziek")]
    print(f"spaCy nl pipeline saved to {target} (lemmas: {' '.join(sample)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
