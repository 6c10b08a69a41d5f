# The two set-up commands of the README: `make demo` and `make test`.
# Each creates the virtual environment it needs (.venv) on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo serve test lint typecheck unit browser bench bench-endpoint bench-load clean

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

unit: $(STAMP) browser
	$(BIN)/pytest

# Debian's chromium, for the browser tests of the query UI and entity pages.
browser:
	sh scripts/ensure-chromium.sh

bench: $(STAMP)
	$(BIN)/python bench/map_throughput.py
	$(BIN)/python bench/lido_throughput.py
	$(BIN)/python bench/incremental.py

bench-endpoint: $(STAMP)
	$(BIN)/python bench/endpoint.py

# 64 clients for 5 minutes against museion serve (DURATION=60 for a shorter try).
bench-load: $(STAMP)
	$(BIN)/python bench/load.py --duration $(or $(DURATION),300)

clean:
	rm -rf $(VENV) museion-demo .mypy_cache .pytest_cache .ruff_cache
