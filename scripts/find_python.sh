#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter: PATH first, then pyenv.
# Rasa Open Source 3.6 supports Python up to 3.10 only.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }
for cand in "${PYTHON:-}" python3.10; do
  [ -n "$cand" ] || continue
  if ok "$cand"; then command -v "$cand" 2>/dev/null || echo "$cand"; exit 0; fi
done
for cand in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10.*/bin/python3.10; do
  if [ -x "$cand" ] && ok "$cand"; then echo "$cand"; exit 0; fi
done
cat >&2 <<'MSG'
Python 3.10 is required (Rasa Open Source 3.6 does not run on newer Pythons) and was not found.
Install it, for example with pyenv:
    pyenv install 3.10.13
or point to an interpreter explicitly:
    make run PYTHON=/path/to/python3.10
MSG
exit 1
