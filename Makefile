# Build/test entry points. `make` alone lists the targets.
# Everything runs from the repo-local virtualenv so that a fresh Debian machine
# needs only Python >= 3.11 and make.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.stamp
# Extra arguments for pytest, e.g. `make test ARGS="-m 'not e2e' -x"`.
ARGS   ?=

.DEFAULT_GOAL := help
.PHONY: help venv run test bench lint fmt clean distclean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

venv: $(STAMP) ## Create .venv and install requirements-dev.txt (only when they changed)

# Creating the venv is separate from installing into it, so a changed
# requirements file re-runs pip without rebuilding the interpreter.
$(BIN)/python:
	@v=$$($(PYTHON) --version 2>&1) || v="not found"; \
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "error: Python >= 3.11 is required, but PYTHON=$(PYTHON) is: $$v" >&2; \
	  echo "       Install it or run e.g. 'make PYTHON=python3.12 ...'." >&2; \
	  exit 1; }
	@# Debian splits venv/ensurepip into python3-venv; a half-made .venv would fool the next run.
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "error: '$(PYTHON) -m venv' failed; on Debian install the python3-venv package." >&2; \
	  exit 1; }

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -r requirements-dev.txt
	@touch $@

run: venv ## Initialise and seed the store, then start the dashboard
	$(BIN)/python -m data init
	$(BIN)/streamlit run dashboard.py

test: venv ## Run the test suite (pytest; pass ARGS="..." for extra options)
	@# pytest exits 5 when it collected nothing: say so plainly rather than a bare make error.
	@rc=0; $(BIN)/python -m pytest $(ARGS) || rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests" >&2; fi; \
	  exit $$rc

bench: venv ## Run the benchmarks in bench/ and print ratios against their floors
	$(BIN)/python -m bench

lint: venv ## Check style and formatting with ruff (no changes)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: venv ## Apply ruff's safe fixes and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean: ## Remove caches and test output (keeps .venv)
	rm -rf .pytest_cache .ruff_cache test-output
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +

distclean: clean ## Also remove .venv
	rm -rf $(VENV)
