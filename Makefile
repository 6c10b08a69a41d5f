# The two set-up commands of the README: `make demo` and `make test`.
# Each creates the virtual environment it needs (.venv) on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo serve test test-newest lint typecheck unit browser virtuoso bench bench-endpoint bench-load fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/museion demo

serve: $(STAMP)
	$(BIN)/museion demo --serve

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) browser virtuoso
	$(BIN)/pytest

# The test suite on the newest CPython this machine has, in a virtualenv of its own
# (.venv-newest). Debian 12's apt has only 3.11, and PyPI and npm ship no CPython; the
# machine's pyenv holds 3.12 and 3.13. NEWEST_PYTHON=/path/to/python overrides the search.
NEWEST_PYTHON ?= $(shell for v in 3.14 3.13 3.12; do \
	for p in $$(command -v python$$v) $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$v*/bin/python$$v; do \
	[ -x "$$p" ] && "$$p" -c '' 2>/dev/null && echo "$$p" && exit; done; done)
NEWEST := .venv-newest
test-newest: browser virtuoso
	@test -n "$(NEWEST_PYTHON)" || { echo "no CPython newer than 3.11 found"; exit 1; }
	test -x $(NEWEST)/bin/python || $(NEWEST_PYTHON) -m venv $(NEWEST)
	$(NEWEST)/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(NEWEST)/bin/python --version
	$(NEWEST)/bin/pytest -p no:cacheprovider $(PYTEST_ARGS)

# Debian's chromium, for the browser tests of the query UI, entity and checklist pages, and
# axe-core from npm (tests/browser/package-lock.json) for their accessibility checks.
browser:
	sh scripts/ensure-chromium.sh
	sh scripts/ensure-axe.sh

# Virtuoso Open Source, the second SPARQL server the remote-store tests run against
# (tests/store/test_remote_store.py; the first is `oxigraph serve`, a dev dependency).
virtuoso:
	sh scripts/ensure-virtuoso.sh

# The fuzz suite at length: many random examples per target (make test runs a short,
# derandomised pass); failures are kept in .hypothesis/ and replay on the next run.
FUZZ_EXAMPLES ?= 5000
fuzz: $(STAMP)
	MUSEION_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/fuzz -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python bench/map_throughput.py
	$(BIN)/python bench/parallel_map.py
	$(BIN)/python bench/lido_throughput.py
	$(BIN)/python bench/incremental.py
	$(BIN)/python bench/scale.py

bench-endpoint: $(STAMP)
	$(BIN)/python bench/endpoint.py

# 64 clients for 5 minutes against museion serve (DURATION=60 for a shorter try).
bench-load: $(STAMP)
	$(BIN)/python bench/load.py --duration $(or $(DURATION),300)

clean:
	rm -rf $(VENV) $(NEWEST) museion-demo .mypy_cache .pytest_cache .ruff_cache
