# Stevige Start Assistent: one virtualenv, pinned by constraints.txt.
# `make run` installs everything and starts the assistant; `make test` installs and runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
STAMP := $(VENV)/.installed
SPACY_DIR := models/spacy_nl
MODEL := models/stevige-start.tar.gz
export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help install install-test train run shell test lint content-report eval eval-redaction eval-safety eval-languages bench bench-staff loadtest clean

help:
	@echo "make run    install, train when the data changed, start action server + Rasa + staff app"
	@echo "make test   install and run the whole test suite"
	@echo "make shell  talk to the bot in this terminal"
	@echo "make content-report  cards and tables by checked date (older than 6 months flagged), missing years, unverified rows, unreviewed translations"
	@echo "make eval   NLU evaluation on the held-out set (reports/nlu/) and the independent set end to end (reports/independent/)"
	@echo "make eval-safety  safety net on the independent set: detector and end to end over REST (reports/safety/)"
	@echo "make eval-languages  language detection: false-foreign rate on the Dutch sets (reports/languages/)"
	@echo "make eval-redaction  recall per kind of the personal-data redaction (reports/redaction.json)"
	@echo "make bench  latency / throughput / memory benchmark (reports/bench.json)"
	@echo "make bench-staff  staff app list/filter/search p95 with 5,000 registrations on PostgreSQL (reports/bench-staff.json)"
	@echo "make loadtest  2 Rasa + 2 action servers on PostgreSQL/Redis behind nginx, 50 parents (reports/loadtest.json)"

$(STAMP): requirements.txt constraints.txt scripts/find_python.sh
	@set -e; if [ ! -x $(PY) ]; then \
	  py=$$(scripts/find_python.sh) || exit 1; \
	  echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade "pip==26.3"
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	$(PY) -m pip check
	@touch $(STAMP)

$(SPACY_DIR)/config.cfg: $(STAMP) bot/nlu/spacy_build.py
	$(PY) -m bot.nlu.spacy_build $(SPACY_DIR)

install: $(STAMP) $(SPACY_DIR)/config.cfg

install-test: install
	@bash scripts/install_test_deps.sh

train: install
	@$(PY) -m bot.devtools.train_if_changed --out $(MODEL)

run: train
	@bash scripts/run.sh

shell: train
	@bash scripts/run.sh --shell

content-report:
	@$(PY) -m bot.devtools.content_report

lint: install
	$(VENV)/bin/ruff check bot actions tests scripts

test: install-test
	$(VENV)/bin/ruff check bot actions tests scripts
	$(PY) -m pip check
	$(PY) -m pytest -q -p no:cacheprovider tests

# NLU on the held-out set (reports/nlu/), then the independent set answered end to end
# (reports/independent/). BASELINE=/work/baseline also scores that checkout as "before".
eval: train
	$(PY) -m bot.devtools.eval_nlu --out reports/nlu
	@if [ -f tests/nlu/independent.yml ]; then \
	  $(PY) -m bot.devtools.eval_answers --out reports/independent \
	    $(if $(BASELINE),--target before=$(BASELINE):$(BASELINE)/$(MODEL)) --target now=.:$(MODEL); \
	else echo "tests/nlu/independent.yml not there yet: independent evaluation skipped"; fi

eval-redaction: install
	$(PY) -m bot.privacy.eval_redaction --json reports/redaction.json

# The safety net on an evaluation set (SAFETY_SET=...): recall per tier, tier accuracy, false alarms.
SAFETY_SET ?= tests/safety/independent.yml
eval-safety: train
	$(PY) -m bot.devtools.eval_safety --set $(SAFETY_SET) --mode both --model $(MODEL) --out reports/safety

# Language detection on the Dutch sets (false foreign <= 0.5%) and the English held-out set.
eval-languages: install
	$(PY) -m bot.devtools.eval_languages --out reports/languages

bench: install
	$(PY) -m bot.devtools.bench --train --out reports/bench.json

# Needs PostgreSQL on 127.0.0.1:5432 (TEST_POSTGRES_URL); seeds fictitious registrations in a throw-away schema.
bench-staff: install
	$(PY) -m bot.staff.bench --count $${BENCH_STAFF_COUNT:-5000} --out reports/bench-staff.json

# Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379 (see docs/production.md).
loadtest: train
	@bash deploy/install-nginx.sh
	$(PY) -m bot.loadtest --model $(MODEL) --parents $${LOADTEST_PARENTS:-50} --out reports/loadtest.json

clean:
	rm -rf $(VENV) models/*.tar.gz $(SPACY_DIR) reports
