# Two commands for a newcomer: `make run` and `make test`. Everything else is installed here.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# pip warns once per package about optional local wheel folders this machine may not have
QUIET_PIP := 2>&1 | { grep -v "WARNING: Location" || true; }
.DEFAULT_GOAL := help

PYENV_PY := $(shell command -v pyenv >/dev/null 2>&1 && p=$$(pyenv prefix 3.10 2>/dev/null) && echo $$p/bin/python)
PYTHON310 := $(if $(PYENV_PY),$(PYENV_PY),python3.10)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
BOT := $(VENV)/bin/bot
MODEL := models/council.tar.gz
TRAINING_INPUTS := $(shell find data -name "*.yml" 2>/dev/null) domain.yml config.yml $(wildcard bot/nlu/*.py) $(wildcard bot/triage/*.py bot/parsing/*.py) bot/privacy/redactor.py

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export ACTION_SERVER_URL ?= http://localhost:5055/webhook
export CONSOLE_URL ?= http://localhost:8000
export RASA_URL ?= http://localhost:5005

.PHONY: help install run test lint validate train unit pytest-all core-test nlu-eval bench browser-deps clean lock

help:
	@echo "make run    - install, migrate, seed, train if needed, start everything"
	@echo "make test   - lint, unit + integration tests, data validation, story and NLU tests"
	@echo "make unit   - the fast tests only (no servers, no browser)"
	@echo "make bench  - benchmarks (NLU, latency, throughput, memory, redaction, triage)"

# --- install -----------------------------------------------------------------------------
$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip==24.0" "setuptools==70.3.0" "wheel==0.45.1" $(QUIET_PIP)
	$(PY) -m pip install -q --no-deps -r requirements.lock $(QUIET_PIP)
	$(PY) -m pip install -q --no-deps --no-build-isolation -e . $(QUIET_PIP)
	$(PY) -m pip check
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed $(if $(wildcard package-lock.json),node_modules/.installed)

# Re-resolve every dependency in ONE pass with rasa's pins, then freeze (developers only).
lock:
	$(PY) -m pip install -r requirements.in
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# --- data and model ----------------------------------------------------------------------
var/.db-ready: $(VENV)/.installed $(wildcard bot/db/alembic/versions/*.py) bot/db/seed.yml
	@mkdir -p var
	$(BOT) db upgrade
	$(BOT) db seed
	@touch $@

$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS)
	$(RASA) train --fixed-model-name council --out models --quiet
	@touch $@

train: $(MODEL)

# --- run ---------------------------------------------------------------------------------
run: install var/.db-ready $(MODEL)
	@$(PY) -m devtools.run

# --- test --------------------------------------------------------------------------------
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

validate: $(VENV)/.installed
	$(PY) tests/nlu_data_check.py > results-nlu-data-check.txt || (cat results-nlu-data-check.txt; exit 1)
	@tail -1 results-nlu-data-check.txt
	$(RASA) data validate --fail-on-warnings --quiet

# Fast feedback: no servers, no browser (about a minute once the model is trained).
unit: install $(MODEL)
	$(PY) -m pytest -q -p no:cacheprovider -m "not integration and not browser and not scaled" tests

# Everything CI runs: unit, integration with real servers, browser tests.
pytest-all: install browser-deps $(MODEL)
	$(PY) -m pytest -q -p no:cacheprovider tests

core-test: $(MODEL)
	$(RASA) test core --stories tests/stories --model $(MODEL) --fail-on-prediction-errors --out results/core --quiet

# Route accuracy, urgency and service entities on the independent evaluation sets (tests/eval,
# never trained on), failing below the floors in devtools/bench/route_eval.py.
nlu-eval: $(MODEL)
	$(PY) -m devtools.bench.route_eval --model $(MODEL) --gate --out results/route-eval \
		--set tests/eval/independent_en.jsonl --set tests/eval/multilingual.jsonl

test: install lint validate $(MODEL) pytest-all core-test nlu-eval
	@echo "make test: all checks passed"

bench: install var/.db-ready $(MODEL)
	$(PY) -m devtools.bench

clean:
	rm -rf results models var/.db-ready

# --- scale-out topology (PostgreSQL, Redis lock store, 2 Rasa + 2 action servers, nginx) ---
.PHONY: run-scaled stop-scaled test-scaled bench-load
run-scaled: install $(MODEL)
	$(PY) -m devtools.scaled up

stop-scaled:
	$(PY) -m devtools.scaled down

test-scaled: install $(MODEL)
	RUN_SCALED=1 $(PY) -m pytest -q -p no:cacheprovider -s tests/scaled

bench-load: install $(MODEL)
	RUN_SCALED=1 $(PY) -m devtools.bench.load_bench
