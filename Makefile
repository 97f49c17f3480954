# The commands the README shows. Each creates .venv on first use and installs pinned packages.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_OPTIONS := --disable-pip-version-check --quiet
PIP := $(BIN)/python -m pip $(PIP_OPTIONS)

# Lambda's Python (components/function.py's runtime): python3.13 where it runs, else pyenv's 3.13.
PYENV_ROOT ?= $(HOME)/.pyenv
LAMBDA_PYTHON ?= $(or $(shell python3.13 -c 'import sys; print(sys.executable)' 2>/dev/null),$(lastword \
	$(wildcard $(PYENV_ROOT)/versions/3.13*/bin/python3.13)))
LAMBDA_VENV := .venv-lambda

# Where make dev keeps enquiries and the owner's password between runs; make reset deletes it.
LOCAL_DATA := .local/data

.PHONY: dev reset vendor test test-fast test-lambda-python test-browser browser-deps spreadsheet-deps lint format fuzz load bench bench-export bench-index bench-owner clean

dev: $(VENV)/.local-installed  ## run the site on http://127.0.0.1:$${PORT:-8000}, keeping its data in $(LOCAL_DATA)
	LOCAL_DATA_DIR=$(LOCAL_DATA) $(BIN)/python -m local

reset:  ## forget make dev's enquiries and owner password: the next make dev starts afresh
	rm -rf $(LOCAL_DATA)

test: $(VENV)/.dev-installed  ## every test suite
	$(BIN)/python -m pytest

test-fast: $(VENV)/.dev-installed  ## everything but the browser tests
	$(BIN)/python -m pytest -m "not browser"

test-lambda-python: $(LAMBDA_VENV)/.installed  ## the handler tests again, on Lambda's Python 3.13 (no Pulumi there)
	$(LAMBDA_VENV)/bin/python -m pytest tests/handlers

test-browser: $(VENV)/.dev-installed  ## only the browser tests (needs make browser-deps once)
	$(BIN)/python -m pytest -m browser

browser-deps:  ## Debian's Chromium (Playwright drives it; it never downloads one), zbar to read QR codes; axe-core and Lighthouse (tests/browser), the pinned browser library (vendor/)
	@command -v chromium >/dev/null && command -v npm >/dev/null && command -v zbarimg >/dev/null || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium zbar-tools \
			$$(command -v npm >/dev/null || echo npm); }
	npm ci --prefix tests/browser --no-audit --no-fund
	npm ci --prefix vendor --no-audit --no-fund

vendor:  ## copy the pinned browser libraries (vendor/package-lock.json) into www/vendor/, after changing them
	npm ci --prefix vendor --no-audit --no-fund
	cp vendor/node_modules/uqr/dist/index.mjs www/vendor/uqr.js
	cp vendor/node_modules/uqr/LICENSE www/vendor/uqr-LICENSE.txt

spreadsheet-deps:  ## LibreOffice Calc without a GUI: the CSV export is opened by a real spreadsheet in the tests
	@command -v soffice >/dev/null || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libreoffice-calc-nogui; }

fuzz: $(VENV)/.dev-installed  ## schemathesis against a local runner, 200 examples per operation
	$(BIN)/python -m scripts.fuzz_api

load: $(VENV)/.dev-installed  ## 2,000 posts from 16 clients; proves nothing lost or doubled
	$(BIN)/python -m scripts.load

bench: $(VENV)/.dev-installed  ## package sizes, cold start, warm cost, memory; search on 5,000 enquiries
	$(BIN)/python -m scripts.bench; status=$$?; $(BIN)/python -m scripts.bench_search && exit $$status

bench-export: $(VENV)/.dev-installed  ## the export writer's peak memory and CPU at 1,000 and 10,000 enquiries (~6 min)
	$(BIN)/python -m scripts.bench_export

bench-index: $(VENV)/.dev-installed  ## the search index's write units and indexer CPU per enquiry, by its size
	$(BIN)/python -m scripts.bench_index

bench-owner: $(VENV)/.dev-installed  ## each owner operation's requests, read/write units and CPU at 1,000 and 10,000 enquiries
	$(BIN)/python -m scripts.bench_owner

lint: $(VENV)/.dev-installed  ## ruff, and mypy --strict (pyproject.toml) over the code that ships or runs locally
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	MYPYPATH=handlers $(BIN)/mypy handlers
	$(BIN)/mypy components declarations local
	MYPYPATH=policy $(BIN)/mypy policy/security_rules.py policy/guard.py

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) $(LAMBDA_VENV) .local .pytest_cache .ruff_cache tests/browser/node_modules

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version)); run: make PYTHON=python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# make dev needs only the runner's packages; make test adds Pulumi and the test tools.
$(VENV)/.local-installed: requirements-local.txt | $(BIN)/python
	$(PIP) install -r requirements-local.txt
	touch $@

$(LAMBDA_VENV)/.installed: requirements-handler-tests.txt requirements-local.txt
	@test -n "$(LAMBDA_PYTHON)" || { echo "Python 3.13, Lambda's runtime, was not found:" \
		"install it (or pyenv install 3.13), or run make test-lambda-python LAMBDA_PYTHON=/path/to/python3.13"; exit 1; }
	$(LAMBDA_PYTHON) -m venv $(LAMBDA_VENV)
	$(LAMBDA_VENV)/bin/python -m pip $(PIP_OPTIONS) install -r requirements-handler-tests.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-local.txt requirements-handler-tests.txt requirements-dev.txt policy/requirements.txt | $(BIN)/python
	$(PIP) install -r requirements-dev.txt
	touch $@ $(VENV)/.local-installed
