# The two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint install install-dev bench clean town-index

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# compileall: an editable install leaves src/ uncompiled, and with PYTHONDONTWRITEBYTECODE set
# every `import conflictkit` would compile it again (~25 ms a process); a wheel ships .pyc
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/python -m compileall -q src
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q src
	touch $(STAMP) $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

demo: $(STAMP)
	bash examples/demo.sh $(BIN)

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks

test: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/run_all.py

# the packaged town index of `conflictkit extract` (after changing data/admin_overrides.csv or
# places.yaml's admin1_codes; a test says when)
town-index: $(STAMP)
	$(BIN)/python scripts/build_town_index.py

clean:
	rm -rf $(VENV) demo-out .pytest_cache .ruff_cache
