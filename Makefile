# The two set-up commands of the README: `make demo` and `make test`.
# Each creates the virtual environment it needs (.venv) on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo serve test lint typecheck unit browser virtuoso bench bench-endpoint bench-load fuzz clean

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

bench-endpoint: $(STAMP)
	$(BIN)/python bench/endpoint.py

# 64 clients for 5 minutes against museion serve (DURATION=60 for a shorter try).
bench-load: $(STAMP)
	$(BIN)/python bench/load.py --duration $(or $(DURATION),300)

clean:
	rm -rf $(VENV) museion-demo .mypy_cache .pytest_cache .ruff_cache
