# Carnet: `make run` installs what is needed and opens the app; `make test` installs what
# is needed and runs every check. Both work on a fresh Debian/Ubuntu with Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP     := $(VENV)/.dev-installed
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test lint typecheck imports pytest bench mutants system-deps clean

$(RUNTIME_STAMP): requirements.txt pyproject.toml
	scripts/install-system-deps.sh runtime
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.txt
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $@

$(DEV_STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	$(PIP) install -r requirements-dev.txt
	touch $@

run: $(RUNTIME_STAMP)
	$(BIN)/carnet

lint: $(DEV_STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy crypto app sync

imports: $(DEV_STAMP)
	$(BIN)/lint-imports

pytest: $(DEV_STAMP)
	scripts/install-system-deps.sh test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

test: lint typecheck imports pytest

bench: $(DEV_STAMP)
	scripts/install-system-deps.sh bench
	$(BIN)/python -m tests.bench

# Not part of `make test`: breaks each security check in turn (tests/mutation/catalogue.toml)
# in a scratch copy of the tree and expects its tests to fail. JOBS=N runs N at a time.
JOBS ?= 2
mutants: $(DEV_STAMP)
	scripts/install-system-deps.sh test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.mutation.run --jobs $(JOBS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .hypothesis build *.egg-info
