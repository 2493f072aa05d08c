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
# this checkout's code first, whatever the editable install in the venv points at (git worktrees)
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export ACTION_SERVER_URL ?= http://localhost:5055/webhook
export CONSOLE_URL ?= http://localhost:8000
export RASA_URL ?= http://localhost:5005

.PHONY: help install install-dev run test lint validate train unit pytest-all core-test nlu-eval bench browser-deps clean lock audit

help:
	@echo "make run    - install, migrate, seed, train if needed, start everything"
	@echo "make test   - lint, unit + integration tests, data validation, story and NLU tests"
	@echo "make unit   - the fast tests only (no servers, no browser)"
	@echo "make bench  - benchmarks (NLU, latency, throughput, memory, redaction, triage)"
	@echo "make audit  - known vulnerabilities in the locked dependencies (pip-audit, PyPI's data)"
	@echo "make lock   - recompile the locks from pyproject.toml and requirements-dev.in (developers)"

# --- install -----------------------------------------------------------------------------
# Three locks, all with hashes (pip checks every download against them):
#   requirements.lock       what the servers run: compiled from pyproject.toml [project] dependencies
#   requirements-dev.lock   test tools (pytest, hypothesis, ruff, playwright) on top of it
#   requirements-tools.lock pip-tools and pip-audit, in their own venv (.venv/tools): pip-audit
#                           cannot live beside rasa (packaging/CacheControl pins)
# `make run` installs the runtime lock only; test, unit and lint add the dev lock.
$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip==24.0" "setuptools==70.3.0" "wheel==0.45.1" $(QUIET_PIP)
	$(PY) -m pip install -q --no-deps --require-hashes -r requirements.lock $(QUIET_PIP)
	$(PY) -m pip install -q --no-deps --no-build-isolation -e . $(QUIET_PIP)
	$(PY) -m pip check
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.lock
	$(PY) -m pip install -q --no-deps --require-hashes -r requirements-dev.lock $(QUIET_PIP)
	$(PY) -m pip check
	@touch $@

TOOLS := $(VENV)/tools
$(TOOLS)/.installed: requirements-tools.lock
	@test -x $(TOOLS)/bin/python || $(PYTHON310) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install -q --no-deps --require-hashes -r requirements-tools.lock $(QUIET_PIP)
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed $(if $(wildcard package-lock.json),node_modules/.installed)

install-dev: install $(VENV)/.dev-installed

# Recompile the three locks (developers only; needs PyPI). One resolution of pyproject.toml's
# dependencies together with rasa's pins makes requirements.lock; the dev and tools locks are then
# resolved against it (requirements-dev.in starts with -c requirements.lock), so a test tool can
# never move a runtime pin. Versions already in a lock are kept unless something forces a change;
# `make lock UPGRADE=1` moves everything to the newest versions the pins allow. Then `make install`.
PIP_COMPILE = $(TOOLS)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links $(if $(UPGRADE),--upgrade)
lock: $(TOOLS)/.installed
	$(PIP_COMPILE) --output-file=requirements.lock pyproject.toml
	$(PIP_COMPILE) --output-file=requirements-dev.lock requirements-dev.in
	$(PIP_COMPILE) --output-file=requirements-tools.lock requirements-tools.in

# Known vulnerabilities in both locks, from PyPI's advisory data (pip-audit -s pypi). Fails on any
# vulnerability not listed in .pip-audit-allow.txt (each entry there is reviewed: which rasa pin
# forces it and why it is acceptable here). When PyPI's per-release data cannot be reached (no
# network, or a mirror without the JSON API), it says so loudly and does not fail the build;
# AUDIT_STRICT=1 makes that a failure too.
AUDIT_ALLOW := .pip-audit-allow.txt
audit: $(TOOLS)/.installed
	@mkdir -p results && rm -f results/pip-audit.json
	@status=0; $(TOOLS)/bin/pip-audit -r requirements.lock -r requirements-dev.lock --no-deps \
		--disable-pip -s pypi --progress-spinner off -f json -o results/pip-audit.json \
		$$(sed -n 's/^\(--ignore-vuln [A-Za-z0-9-]*\).*/\1/p' $(AUDIT_ALLOW)) \
		2> results/pip-audit.log || status=$$?; \
	$(TOOLS)/bin/python -c "$$AUDIT_REPORT" results/pip-audit.json results/pip-audit.log $$status

define AUDIT_REPORT
import json, os, sys
report, log, status = sys.argv[1], sys.argv[2], int(sys.argv[3])
fail_unreached = 1 if os.environ.get("AUDIT_STRICT") == "1" else 0
NOT_DONE = " The dependency audit was NOT done; run `make audit` where PyPI is reachable."
try:
    deps = json.load(open(report))["dependencies"]
except (OSError, ValueError, KeyError):
    text = open(log).read()
    print(text[-3000:])
    if any(w in text for w in ("ConnectionError", "ConnectTimeout", "Timed out", "Max retries")):
        print("make audit: PyPI could not be reached." + NOT_DONE)
        sys.exit(fail_unreached)
    print("make audit: pip-audit failed (exit %d) without a report." % status)
    sys.exit(status or 1)
skipped = [d for d in deps if "skip_reason" in d]
found = [(d, v) for d in deps for v in d.get("vulns", [])]
if len(skipped) == len(deps):
    print("make audit: PyPI gave no vulnerability data for any of the %d locked packages (%s)."
          % (len(deps), skipped[0]["skip_reason"] if skipped else "empty locks") + NOT_DONE)
    sys.exit(fail_unreached)
for d in skipped:
    print("make audit: not audited: " + d["skip_reason"])
for d, v in found:
    print("UNREVIEWED %s %s %s (%s) fixed in: %s" % (d["name"], d["version"], v["id"],
          " ".join(v.get("aliases", [])), ", ".join(v.get("fix_versions", [])) or "no fix"))
if found:
    print("make audit: %d unreviewed vulnerabilities: upgrade, or review each and add it to "
          ".pip-audit-allow.txt with the pin that forces it and why it is acceptable." % len(found))
    sys.exit(1)
print("make audit: %d packages audited: no known vulnerability outside .pip-audit-allow.txt."
      % (len(deps) - len(skipped)))
sys.exit(status)
endef
export AUDIT_REPORT

browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# --- data and model ----------------------------------------------------------------------
var/.db-ready: $(VENV)/.installed $(wildcard bot/db/alembic/versions/*.py) bot/db/seed.yml
	@mkdir -p var
	$(BOT) db upgrade
	$(BOT) db seed
	@touch $@

# Rasa's training cache keys on component config and data, not on our components' code: a change
# to the redactor or tokenizer would reuse stale outputs, so every training starts clean.
$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS)
	RASA_MAX_CACHE_SIZE=0 $(RASA) train --fixed-model-name council --out models --quiet
	@touch $@

train: $(MODEL)

# --- run ---------------------------------------------------------------------------------
run: install var/.db-ready $(MODEL)
	@$(PY) -m devtools.run

# --- test --------------------------------------------------------------------------------
lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .

validate: $(VENV)/.installed
	$(PY) tests/nlu_data_check.py > results-nlu-data-check.txt || (cat results-nlu-data-check.txt; exit 1)
	@tail -1 results-nlu-data-check.txt
	$(RASA) data validate --fail-on-warnings --quiet

# Fast feedback: no servers, no browser (about a minute once the model is trained).
unit: install-dev $(MODEL)
	$(PY) -m pytest -q -p no:cacheprovider -m "not integration and not browser and not scaled" tests

# Everything CI runs: unit, integration with real servers, browser tests.
pytest-all: install-dev browser-deps $(MODEL)
	$(PY) -m pytest -q -p no:cacheprovider tests

core-test: $(MODEL)
	$(RASA) test core --stories tests/stories --model $(MODEL) --fail-on-prediction-errors --out results/core --quiet

# Route accuracy, urgency and service entities on the independent evaluation sets (tests/eval,
# never trained on), failing below the floors in devtools/bench/route_eval.py.
nlu-eval: $(MODEL)
	$(PY) -m devtools.bench.route_eval --model $(MODEL) --gate --out results/route-eval \
		--set tests/eval/independent_en.jsonl --set tests/eval/multilingual.jsonl \
		--set tests/eval/blind_en.jsonl --set tests/eval/blind_multi.jsonl \
		--set tests/eval/blind3_en.jsonl --set tests/eval/blind3_multi.jsonl

test: install-dev lint audit validate $(MODEL) pytest-all core-test nlu-eval
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

test-scaled: install-dev $(MODEL)
	RUN_SCALED=1 $(PY) -m pytest -q -p no:cacheprovider -s tests/scaled

bench-load: install $(MODEL)
	RUN_SCALED=1 $(PY) -m devtools.bench.load_bench
