# newsdata: `make run` checks the bundled corpus, `make test` runs lint, types and the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint types pytest docs clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Error: $(PYTHON) not found (set PYTHON=...)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP) $@

PREVIEW := preview

run: $(STAMP)
	$(BIN)/newsdata validate raw/
	@# A preview release: rebuilt from scratch each time, so `make run` works again and again.
	rm -rf $(PREVIEW)
	$(BIN)/newsdata package --version 1.0 --out $(PREVIEW) --allow-dirty
	$(BIN)/newsdata verify $(PREVIEW)/newsdata-sample-1.0.0.zip
	$(BIN)/newsdata info $(PREVIEW)/newsdata-sample-1.0.0

test: $(TEST_STAMP) lint types pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

types: $(TEST_STAMP)
	$(BIN)/mypy

pytest: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

docs: $(STAMP)
	$(BIN)/newsdata schema
	$(BIN)/python -m newsdata.docgen --write

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .newsdata_cache
