# dlmskit developer commands. Each target makes its own virtual environment (.venv) first.
#   make demo   - the project's main job: start the reference meter simulator, read it with
#                 the dlms command line (objects, energy registers, a day of load profile), stop it
#   make test   - install what the tests need and run the whole suite
#   make lint   - ruff and mypy --strict, as CI runs them
#   make bench  - the benchmarks, peers measured in the same run (results in benchmarks/results.json)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/meter_demo.py

system-deps:
	./scripts/system-deps.sh

test: $(STAMP) system-deps
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/mypy --strict src

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist
